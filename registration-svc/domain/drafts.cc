// RegistrationManager: drafts ('aanvragen' in preparation) and their validation.
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "registration-svc/domain/belgian_time.h"
#include "registration-svc/domain/registration_manager.h"
#include "registration-svc/domain/vov_rules.h"

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

// A draft is for a training the organisation itself offers, running and recognised in the school
// year (vov_rules.h), which is at most the next one.
absl::Status CheckOwnRecognisedTraining(const absl::StatusOr<TrainingRecord>& training,
                                        const std::string& org, int school_year,
                                        const Date& today) {
  if (absl::IsNotFound(training.status())) return NotOfOrganization();
  if (!training.ok()) return training.status();
  if (training->facts.provider_organization_id != org) return NotOfOrganization();
  const SchoolYear year = SchoolYear::StartingIn(school_year);
  std::optional<Violation> finding = SchoolYearReachableFinding(year, today, "draft.school_year");
  if (!finding) finding = SchoolYearFinding(training->facts, year, "draft.school_year");
  if (!finding) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kInvalidArgument,
                      "the training cannot be registered in that school year")
      .Violation(finding->field, finding->description)
      .Reason(finding->reason)
      .Dutch(finding->description);
}

}  // namespace

absl::StatusOr<DraftView> RegistrationManager::CreateDraft(const Actor& actor,
                                                           const std::string& odb_number,
                                                           int school_year,
                                                           const std::string& request_id,
                                                           const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kWritePermission, call));
  RETURN_IF_ERROR(CheckRegistrationOpen(school_year));
  absl::StatusOr<TrainingRecord> training = store_.GetTraining(odb_number);
  RETURN_IF_ERROR(CheckOwnRecognisedTraining(training, org, school_year, BelgianDate(clock_())));

  const std::string fingerprint =
      RequestFingerprint({"CreateDraft", odb_number, absl::StrCat(school_year)});
  DraftView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    // The request id is claimed first: a concurrent retry waits on it and then finds our draft.
    absl::StatusOr<std::optional<std::string>> seen =
        tx.FindRequestId(org, kCreateDraftKind, request_id, fingerprint);
    if (!seen.ok()) return seen.status();
    DraftRecord draft;
    draft.id = NewRecordId();
    if (!seen->has_value()) {
      absl::Status recorded =
          tx.RecordRequestId(org, kCreateDraftKind, request_id, draft.id, fingerprint);
      if (absl::IsAlreadyExists(recorded)) {
        seen = tx.FindRequestId(org, kCreateDraftKind, request_id, fingerprint);
        if (!seen.ok()) return seen.status();
      } else if (!recorded.ok()) {
        return recorded;
      }
    }
    if (seen->has_value()) {
      ASSIGN_OR_RETURN(auto earlier, tx.GetDraft(org, **seen));
      view.draft = std::move(earlier);
      return absl::OkStatus();
    }
    draft.organization_id = org;
    draft.odb_number = odb_number;
    draft.school_year = school_year;
    draft.state = DraftState::kOpen;
    draft.creator_id = actor.person_id;
    draft.create_time = clock_();
    draft.update_time = draft.create_time;
    draft.expire_time = draft.create_time + config_.draft_ttl;
    draft.version = 1;
    RETURN_IF_ERROR(tx.InsertDraft(draft));
    view.draft = std::move(draft);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  ApplyExpiry(view.draft);
  return view;
}

absl::StatusOr<DraftView> RegistrationManager::GetDraft(const Actor& actor,
                                                        const std::string& draft_id,
                                                        const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kReadPermission, call));
  DraftView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto draft, tx.GetDraft(org, draft_id));
    ASSIGN_OR_RETURN(auto participants, tx.ListParticipants(draft_id));
    view.draft = std::move(draft);
    view.participants = std::move(participants);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  ApplyExpiry(view.draft);
  return view;
}

absl::StatusOr<std::vector<DraftRecord>> RegistrationManager::ListDrafts(
    const Actor& actor, DraftFilter filter, const Page& page, const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kReadPermission, call));
  filter.organization_id = org;
  std::vector<DraftRecord> drafts;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, tx.ListDrafts(filter, page));
    drafts = std::move(found);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  for (auto& d : drafts) ApplyExpiry(d);
  return drafts;
}

absl::StatusOr<int> RegistrationManager::PurgeExpiredDrafts(int batch) {
  const absl::Time expired_before = clock_() - config_.draft_retention;
  int purged = 0;
  while (true) {
    int this_pass = 0;
    RETURN_IF_ERROR(store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(this_pass, tx.PurgeDrafts(expired_before, batch));
      return absl::OkStatus();
    }));
    purged += this_pass;
    if (this_pass < batch) return purged;
  }
}

absl::Status RegistrationManager::DeleteDraft(const Actor& actor, const std::string& draft_id,
                                              const std::string& etag, const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kWritePermission, call));
  return store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto draft, tx.GetDraft(org, draft_id));
    if (draft.state == DraftState::kConfirmed) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                          "a confirmed draft is part of the registration's record")
          .Reason("DRAFT_CONFIRMED")
          .Dutch("Een bevestigde registratie kan niet verwijderd worden; trek ze in.");
    }
    if (etag != EtagOf(draft.version)) {
      return ErrorBuilder(absl::StatusCode::kAborted, "the draft was changed meanwhile")
          .Reason("ETAG_MISMATCH")
          .Dutch("De registratie werd intussen gewijzigd. Laad ze opnieuw en probeer nog eens.");
    }
    return tx.DeleteDraft(org, draft_id);
  });
}

absl::StatusOr<DraftValidation> RegistrationManager::ValidateDraft(const Actor& actor,
                                                                   const std::string& draft_id,
                                                                   const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kReadPermission, call));
  DraftValidation result;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto draft, tx.GetDraft(org, draft_id));
    ASSIGN_OR_RETURN(auto training, TrainingOf(tx, draft.odb_number));
    ASSIGN_OR_RETURN(auto participants, tx.ListParticipants(draft_id));
    absl::StatusOr<ValidationReport> report = Validate(tx, draft, training, participants);
    if (!report.ok()) return report.status();
    if (report->ok() && draft.state == DraftState::kOpen) {
      // The wizard may move on to 'Bevestigen' for exactly this version.
      RETURN_IF_ERROR(tx.MarkValidated(org, draft_id, draft.version));
      draft.validated_version = draft.version;
    }
    result.report = *std::move(report);
    result.participants = std::move(participants);
    result.draft = std::move(draft);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  ApplyExpiry(result.draft);
  return result;
}

}  // namespace wse::registration
