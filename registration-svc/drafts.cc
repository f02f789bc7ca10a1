// RegistrationManager: drafts ('aanvragen' in preparation) and their validation.
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "registration-svc/registration_manager.h"

namespace wse::registration {
namespace {

constexpr char kCreateDraftKind[] = "create-draft";

absl::Status NotOfOrganization() {
  return ErrorBuilder(absl::StatusCode::kInvalidArgument,
                      "the training is not one of your organisation's")
      .Violation("draft.training", "is not a training of your organisation")
      .Reason("TRAINING_NOT_OF_ORGANIZATION")
      .Dutch("Deze opleiding wordt niet door uw organisatie aangeboden.");
}

}  // namespace

absl::StatusOr<DraftView> RegistrationManager::CreateDraft(const Actor& actor,
                                                           const std::string& odb_number,
                                                           int school_year,
                                                           const std::string& request_id,
                                                           const CallContext& call) {
  absl::StatusOr<std::string> org = Authorize(actor, kWritePermission, call);
  if (!org.ok()) return org.status();
  if (auto s = CheckRegistrationOpen(school_year); !s.ok()) return s;
  absl::StatusOr<TrainingRecord> training = store_.GetTraining(odb_number);
  if (absl::IsNotFound(training.status())) return NotOfOrganization();
  if (!training.ok()) return training.status();
  if (training->facts.provider_organization_id != *org) return NotOfOrganization();
  const SchoolYear year = SchoolYear::StartingIn(school_year);
  const bool recognised =
      training->facts.recognition_start_date && *training->facts.recognition_start_date <= year.end() &&
      (!training->facts.recognition_end_date || *training->facts.recognition_end_date >= year.start());
  if (!recognised) {
    return ErrorBuilder(absl::StatusCode::kInvalidArgument,
                        "the training is not recognised in that school year")
        .Violation("draft.school_year", "the training is not recognised in this school year")
        .Reason("TRAINING_NOT_RECOGNIZED")
        .Dutch(absl::StrCat("De opleiding is niet erkend in het schooljaar ", year.ToString(),
                            "."));
  }

  const std::string fingerprint =
      RequestFingerprint({"CreateDraft", odb_number, absl::StrCat(school_year)});
  DraftView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    // The request id is claimed first: a concurrent retry waits on it and then finds our draft.
    absl::StatusOr<std::optional<std::string>> seen =
        tx.FindRequestId(*org, kCreateDraftKind, request_id, fingerprint);
    if (!seen.ok()) return seen.status();
    DraftRecord draft;
    draft.id = NewRecordId();
    if (!seen->has_value()) {
      absl::Status recorded =
          tx.RecordRequestId(*org, kCreateDraftKind, request_id, draft.id, fingerprint);
      if (absl::IsAlreadyExists(recorded)) {
        seen = tx.FindRequestId(*org, kCreateDraftKind, request_id, fingerprint);
        if (!seen.ok()) return seen.status();
      } else if (!recorded.ok()) {
        return recorded;
      }
    }
    if (seen->has_value()) {
      absl::StatusOr<DraftRecord> earlier = tx.GetDraft(*org, **seen);
      if (!earlier.ok()) return earlier.status();
      view.draft = *std::move(earlier);
      return absl::OkStatus();
    }
    draft.organization_id = *org;
    draft.odb_number = odb_number;
    draft.school_year = school_year;
    draft.state = DraftState::kOpen;
    draft.creator_id = actor.person_id;
    draft.create_time = clock_();
    draft.update_time = draft.create_time;
    draft.expire_time = draft.create_time + config_.draft_ttl;
    draft.version = 1;
    if (auto s = tx.InsertDraft(draft); !s.ok()) return s;
    view.draft = std::move(draft);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  ApplyExpiry(view.draft);
  return view;
}

absl::StatusOr<DraftView> RegistrationManager::GetDraft(const Actor& actor,
                                                        const std::string& draft_id,
                                                        const CallContext& call) {
  absl::StatusOr<std::string> org = Authorize(actor, kReadPermission, call);
  if (!org.ok()) return org.status();
  DraftView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    absl::StatusOr<DraftRecord> draft = tx.GetDraft(*org, draft_id);
    if (!draft.ok()) return draft.status();
    absl::StatusOr<std::vector<ParticipantRecord>> participants = tx.ListParticipants(draft_id);
    if (!participants.ok()) return participants.status();
    view.draft = *std::move(draft);
    view.participants = *std::move(participants);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  ApplyExpiry(view.draft);
  return view;
}

absl::StatusOr<std::vector<DraftRecord>> RegistrationManager::ListDrafts(const Actor& actor,
                                                                         DraftFilter filter,
                                                                         const Page& page,
                                                                         const CallContext& call) {
  absl::StatusOr<std::string> org = Authorize(actor, kReadPermission, call);
  if (!org.ok()) return org.status();
  filter.organization_id = *org;
  std::vector<DraftRecord> drafts;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    absl::StatusOr<std::vector<DraftRecord>> found = tx.ListDrafts(filter, page);
    if (!found.ok()) return found.status();
    drafts = *std::move(found);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  for (auto& d : drafts) ApplyExpiry(d);
  return drafts;
}

absl::Status RegistrationManager::DeleteDraft(const Actor& actor, const std::string& draft_id,
                                              const std::string& etag, const CallContext& call) {
  absl::StatusOr<std::string> org = Authorize(actor, kWritePermission, call);
  if (!org.ok()) return org.status();
  return store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    absl::StatusOr<DraftRecord> draft = tx.GetDraft(*org, draft_id);
    if (!draft.ok()) return draft.status();
    if (draft->state == DraftState::kConfirmed) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                          "a confirmed draft is part of the registration's record")
          .Reason("DRAFT_CONFIRMED")
          .Dutch("Een bevestigde registratie kan niet verwijderd worden; trek ze in.");
    }
    if (etag != EtagOf(draft->version)) {
      return ErrorBuilder(absl::StatusCode::kAborted, "the draft was changed meanwhile")
          .Reason("ETAG_MISMATCH")
          .Dutch("De registratie werd intussen gewijzigd. Laad ze opnieuw en probeer nog eens.");
    }
    return tx.DeleteDraft(*org, draft_id);
  });
}

absl::StatusOr<DraftValidation> RegistrationManager::ValidateDraft(const Actor& actor,
                                                                   const std::string& draft_id,
                                                                   const CallContext& call) {
  absl::StatusOr<std::string> org = Authorize(actor, kReadPermission, call);
  if (!org.ok()) return org.status();
  DraftValidation result;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    absl::StatusOr<DraftRecord> draft = tx.GetDraft(*org, draft_id);
    if (!draft.ok()) return draft.status();
    absl::StatusOr<TrainingRecord> training = TrainingOf(tx, draft->odb_number);
    if (!training.ok()) return training.status();
    absl::StatusOr<std::vector<ParticipantRecord>> participants = tx.ListParticipants(draft_id);
    if (!participants.ok()) return participants.status();
    absl::StatusOr<ValidationReport> report = Validate(tx, *draft, *training, *participants);
    if (!report.ok()) return report.status();
    if (report->ok() && draft->state == DraftState::kOpen) {
      // The wizard may move on to 'Bevestigen' for exactly this version.
      if (auto s = tx.MarkValidated(*org, draft_id, draft->version); !s.ok()) return s;
      draft->validated_version = draft->version;
    }
    result.report = *std::move(report);
    result.participants = *std::move(participants);
    result.draft = *std::move(draft);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  ApplyExpiry(result.draft);
  return result;
}

}  // namespace wse::registration
