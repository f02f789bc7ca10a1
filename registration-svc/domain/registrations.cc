// RegistrationManager: reading registrations, corrections and withdrawals (each a new version
// with its own receipt; history is never rewritten).
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "registration-svc/domain/mails.h"
#include "registration-svc/domain/registration_manager.h"
#include "registration-svc/domain/version_builder.h"

namespace wse::registration {
namespace {

constexpr char kCorrectKind[] = "correct";

// A correction starts from the registered participants, as fresh draft rows.
std::vector<ParticipantRecord> DraftRowsOf(const RegistrationVersionRecord& version) {
  std::vector<ParticipantRecord> rows;
  rows.reserve(version.participants.size());
  for (const RegisteredParticipant& p : version.participants) {
    ParticipantRecord row;
    row.id = NewRecordId();
    row.display_name = p.display_name;
    row.input = p.input;
    rows.push_back(std::move(row));
  }
  return rows;
}
constexpr char kWithdrawKind[] = "withdraw";

absl::Status CheckRegistrationEtag(const RegistrationRecord& head, const std::string& etag) {
  if (etag.empty()) return InvalidArgument({{"etag", "is required (the registration's etag)"}});
  if (etag != EtagOf(head.latest_version)) {
    return ErrorBuilder(absl::StatusCode::kAborted,
                        "the registration got a newer version meanwhile; reload it")
        .Reason("ETAG_MISMATCH")
        .Dutch("De registratie werd intussen gewijzigd. Laad ze opnieuw en probeer nog eens.");
  }
  return absl::OkStatus();
}

absl::Status Withdrawn() {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "the registration was withdrawn")
      .Reason("REGISTRATION_WITHDRAWN")
      .Dutch("Deze registratie werd ingetrokken.");
}

}  // namespace

absl::StatusOr<RegistrationView> RegistrationManager::GetRegistration(
    const Actor& actor, const std::string& registration_id, int version, bool with_participants,
    const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kReadPermission, call));
  RegistrationView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto head, tx.GetRegistration(org, registration_id));
    ASSIGN_OR_RETURN(
        auto found, tx.GetVersion(org, registration_id,
                                  version == 0 ? head.latest_version : version, with_participants));
    view = RegistrationView{std::move(found), head.latest_version, head.withdrawn};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return view;
}

absl::StatusOr<std::vector<RegistrationView>> RegistrationManager::ListRegistrations(
    const Actor& actor, RegistrationFilter filter, const Page& page, bool with_participants,
    const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kReadPermission, call));
  filter.organization_id = org;
  std::vector<RegistrationView> views;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    views.clear();
    ASSIGN_OR_RETURN(auto found, tx.ListRegistrations(filter, page, with_participants));
    for (auto& v : found) {
      const int latest = v.version;
      const bool withdrawn = v.kind == ReceiptKind::kWithdrawal;
      views.push_back(RegistrationView{std::move(v), latest, withdrawn});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return views;
}

absl::StatusOr<std::vector<RegistrationView>> RegistrationManager::ListVersions(
    const Actor& actor, const std::string& registration_id, const Page& page,
    bool with_participants, const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kReadPermission, call));
  std::vector<RegistrationView> views;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    views.clear();
    ASSIGN_OR_RETURN(auto head, tx.GetRegistration(org, registration_id));
    ASSIGN_OR_RETURN(auto found, tx.ListVersions(org, registration_id, page, with_participants));
    for (auto& v : found) {
      views.push_back(RegistrationView{std::move(v), head.latest_version, head.withdrawn});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return views;
}

absl::Status RegistrationManager::RequireNoOpenCorrection(RegistrationTransaction& tx,
                                                          const std::string& org,
                                                          const std::string& registration_id) {
  ASSIGN_OR_RETURN(auto open, tx.OpenCorrections(org, registration_id));
  for (DraftRecord& other : open) {
    ApplyExpiry(other);
    if (other.state == DraftState::kOpen) {
      const std::string name = absl::StrCat("organizations/", org, "/drafts/", other.id);
      return ErrorBuilder(absl::StatusCode::kAlreadyExists,
                          "an open correction of this registration exists")
          .Reason("CORRECTION_OPEN", {{"draft", name}})
          .Dutch("Er is al een correctie van deze registratie in voorbereiding.");
    }
    // Expired: close it for good, so only one correction is ever open.
    other.state = DraftState::kExpired;
    other.version += 1;
    RETURN_IF_ERROR(tx.UpdateDraft(other));
  }
  return absl::OkStatus();
}

absl::StatusOr<DraftView> RegistrationManager::CorrectRegistration(
    const Actor& actor, const std::string& registration_id, const std::string& etag,
    const std::string& request_id, const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kWritePermission, call));
  const std::string fingerprint =
      RequestFingerprint({"CorrectRegistration", registration_id, etag});
  DraftView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto head, tx.GetRegistration(org, registration_id));
    ASSIGN_OR_RETURN(auto seen, tx.FindRequestId(org, kCorrectKind, request_id, fingerprint));
    if (seen.has_value()) {
      ASSIGN_OR_RETURN(auto earlier, tx.GetDraft(org, *seen));
      if (earlier.corrects_registration_id != registration_id) {
        return InvalidArgument({{"request_id", "was already used for another correction"}});
      }
      ASSIGN_OR_RETURN(auto participants, tx.ListParticipants(*seen));
      view = DraftView{std::move(earlier), std::move(participants)};
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(CheckRegistrationEtag(head, etag));
    if (head.withdrawn) return Withdrawn();
    RETURN_IF_ERROR(CheckCorrectionOpen(head.school_year));

    RETURN_IF_ERROR(RequireNoOpenCorrection(tx, org, registration_id));

    ASSIGN_OR_RETURN(auto latest, tx.GetVersion(org, registration_id, head.latest_version, true));
    DraftRecord draft;
    draft.id = NewRecordId();
    RETURN_IF_ERROR(
        RecordRequestIdOfLocked(tx, org, kCorrectKind, request_id, draft.id, fingerprint));
    draft.organization_id = org;
    draft.odb_number = head.odb_number;
    draft.school_year = head.school_year;
    draft.corrects_registration_id = registration_id;
    draft.corrects_version = head.latest_version;
    draft.creator_id = actor.person_id;
    draft.create_time = clock_();
    draft.update_time = draft.create_time;
    draft.expire_time = draft.create_time + config_.draft_ttl;
    RETURN_IF_ERROR(tx.InsertDraft(draft));
    std::vector<ParticipantRecord> participants = DraftRowsOf(latest);
    if (!participants.empty()) {
      RETURN_IF_ERROR(tx.InsertParticipants(draft.id, participants));
    }
    draft.participant_count = static_cast<int>(participants.size());
    view = DraftView{std::move(draft), std::move(participants)};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  ApplyExpiry(view.draft);
  return view;
}

absl::StatusOr<RegistrationView> RegistrationManager::WithdrawRegistration(
    const Actor& actor, const std::string& registration_id, const std::string& etag,
    const std::string& reason, const std::string& request_id, const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kWritePermission, call));
  ASSIGN_OR_RETURN(auto submitter, directory_.GetPerson(actor.person_id, call));
  ASSIGN_OR_RETURN(auto organization, directory_.OrganizationName(org, call));

  const std::string fingerprint =
      RequestFingerprint({"WithdrawRegistration", registration_id, etag, reason});
  RegistrationView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto head, tx.GetRegistration(org, registration_id));
    ASSIGN_OR_RETURN(auto seen, tx.FindRequestId(org, kWithdrawKind, request_id, fingerprint));
    if (seen.has_value()) {
      if (*seen != absl::StrCat(registration_id, "@", head.latest_version) || !head.withdrawn) {
        return InvalidArgument({{"request_id", "was already used for another withdrawal"}});
      }
      ASSIGN_OR_RETURN(auto earlier,
                       tx.GetVersion(org, registration_id, head.latest_version, true));
      view = RegistrationView{std::move(earlier), head.latest_version, true};
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(CheckRegistrationEtag(head, etag));
    if (head.withdrawn) return Withdrawn();
    RETURN_IF_ERROR(CheckCorrectionOpen(head.school_year));
    absl::StatusOr<TrainingRecord> training = tx.GetTraining(head.odb_number);
    const std::string title = training.ok() ? training->title : std::string();

    head.latest_version += 1;
    head.withdrawn = true;
    head.update_time = clock_();
    RETURN_IF_ERROR(tx.UpdateRegistration(head));
    RETURN_IF_ERROR(RecordRequestIdOfLocked(tx, org, kWithdrawKind, request_id,
                                            absl::StrCat(registration_id, "@", head.latest_version),
                                            fingerprint));
    VersionHeader header;
    header.organization_id = org;
    header.registration_id = registration_id;
    header.version = head.latest_version;
    header.kind = ReceiptKind::kWithdrawal;
    header.odb_number = head.odb_number;
    header.school_year = head.school_year;
    header.submitted_by = actor.person_id;
    header.submitted_by_name = submitter.display_name;
    header.organization_name = organization;
    header.training_title = title;
    header.submit_time = head.update_time;
    header.withdraw_reason = reason;
    RegistrationVersionRecord version =
        BuildVersion(header, {}, ValidationReport(), TrainingFacts(), config_.rules);
    ASSIGN_OR_RETURN(auto number, tx.InsertVersion(version));
    version.receipt_number = number;
    RETURN_IF_ERROR(
        tx.SetActiveParticipants(registration_id, head.odb_number, head.school_year, {}));
    if (auto s = tx.AppendOutbox(ReceiptMail(version, ReferenceOf(version))); !s.ok()) {
      return s.status();
    }
    view = RegistrationView{std::move(version), head.latest_version, true};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return view;
}

}  // namespace wse::registration
