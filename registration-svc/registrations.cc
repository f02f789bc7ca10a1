// RegistrationManager: reading registrations, corrections and withdrawals (each a new version
// with its own receipt; history is never rewritten).
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "registration-svc/mails.h"
#include "registration-svc/registration_manager.h"
#include "registration-svc/version_builder.h"

namespace wse::registration {
namespace {

constexpr char kCorrectKind[] = "correct";
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
    const CallContext& call) {
  absl::StatusOr<std::string> org = Authorize(actor, kReadPermission, call);
  if (!org.ok()) return org.status();
  RegistrationView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    absl::StatusOr<RegistrationRecord> head = tx.GetRegistration(*org, registration_id);
    if (!head.ok()) return head.status();
    absl::StatusOr<RegistrationVersionRecord> found = tx.GetVersion(
        *org, registration_id, version == 0 ? head->latest_version : version, with_participants);
    if (!found.ok()) return found.status();
    view = RegistrationView{*std::move(found), head->latest_version, head->withdrawn};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return view;
}

absl::StatusOr<std::vector<RegistrationView>> RegistrationManager::ListRegistrations(
    const Actor& actor, RegistrationFilter filter, const Page& page, bool with_participants,
    const CallContext& call) {
  absl::StatusOr<std::string> org = Authorize(actor, kReadPermission, call);
  if (!org.ok()) return org.status();
  filter.organization_id = *org;
  std::vector<RegistrationView> views;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    views.clear();
    absl::StatusOr<std::vector<RegistrationVersionRecord>> found =
        tx.ListRegistrations(filter, page, with_participants);
    if (!found.ok()) return found.status();
    for (auto& v : *found) {
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
    bool with_participants, const CallContext& call) {
  absl::StatusOr<std::string> org = Authorize(actor, kReadPermission, call);
  if (!org.ok()) return org.status();
  std::vector<RegistrationView> views;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    views.clear();
    absl::StatusOr<RegistrationRecord> head = tx.GetRegistration(*org, registration_id);
    if (!head.ok()) return head.status();
    absl::StatusOr<std::vector<RegistrationVersionRecord>> found =
        tx.ListVersions(*org, registration_id, page, with_participants);
    if (!found.ok()) return found.status();
    for (auto& v : *found) {
      views.push_back(RegistrationView{std::move(v), head->latest_version, head->withdrawn});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return views;
}

absl::StatusOr<DraftView> RegistrationManager::CorrectRegistration(
    const Actor& actor, const std::string& registration_id, const std::string& etag,
    const std::string& request_id, const CallContext& call) {
  absl::StatusOr<std::string> org = Authorize(actor, kWritePermission, call);
  if (!org.ok()) return org.status();
  const std::string fingerprint =
      RequestFingerprint({"CorrectRegistration", registration_id, etag});
  DraftView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    absl::StatusOr<RegistrationRecord> head = tx.GetRegistration(*org, registration_id);
    if (!head.ok()) return head.status();
    absl::StatusOr<std::optional<std::string>> seen =
        tx.FindRequestId(*org, kCorrectKind, request_id, fingerprint);
    if (!seen.ok()) return seen.status();
    if (seen->has_value()) {
      absl::StatusOr<DraftRecord> earlier = tx.GetDraft(*org, **seen);
      if (!earlier.ok()) return earlier.status();
      if (earlier->corrects_registration_id != registration_id) {
        return InvalidArgument({{"request_id", "was already used for another correction"}});
      }
      absl::StatusOr<std::vector<ParticipantRecord>> participants = tx.ListParticipants(**seen);
      if (!participants.ok()) return participants.status();
      view = DraftView{*std::move(earlier), *std::move(participants)};
      return absl::OkStatus();
    }
    if (auto s = CheckRegistrationEtag(*head, etag); !s.ok()) return s;
    if (head->withdrawn) return Withdrawn();
    if (auto s = CheckCorrectionOpen(head->school_year); !s.ok()) return s;

    absl::StatusOr<std::vector<DraftRecord>> open = tx.OpenCorrections(*org, registration_id);
    if (!open.ok()) return open.status();
    for (DraftRecord& other : *open) {
      ApplyExpiry(other);
      if (other.state == DraftState::kOpen) {
        const std::string name = absl::StrCat("organizations/", *org, "/drafts/", other.id);
        return ErrorBuilder(absl::StatusCode::kAlreadyExists,
                            "an open correction of this registration exists")
            .Reason("CORRECTION_OPEN", {{"draft", name}})
            .Dutch("Er is al een correctie van deze registratie in voorbereiding.");
      }
      // Expired: close it for good, so only one correction is ever open.
      other.state = DraftState::kExpired;
      other.version += 1;
      if (auto s = tx.UpdateDraft(other); !s.ok()) return s;
    }

    absl::StatusOr<RegistrationVersionRecord> latest =
        tx.GetVersion(*org, registration_id, head->latest_version, true);
    if (!latest.ok()) return latest.status();
    DraftRecord draft;
    draft.id = NewRecordId();
    if (auto s = tx.RecordRequestId(*org, kCorrectKind, request_id, draft.id, fingerprint);
        !s.ok()) {
      return s;
    }
    draft.organization_id = *org;
    draft.odb_number = head->odb_number;
    draft.school_year = head->school_year;
    draft.corrects_registration_id = registration_id;
    draft.corrects_version = head->latest_version;
    draft.creator_id = actor.person_id;
    draft.create_time = clock_();
    draft.update_time = draft.create_time;
    draft.expire_time = draft.create_time + config_.draft_ttl;
    if (auto s = tx.InsertDraft(draft); !s.ok()) return s;
    std::vector<ParticipantRecord> participants;
    participants.reserve(latest->participants.size());
    for (const RegisteredParticipant& p : latest->participants) {
      ParticipantRecord row;
      row.id = NewRecordId();
      row.display_name = p.display_name;
      row.input = p.input;
      participants.push_back(std::move(row));
    }
    if (!participants.empty()) {
      if (auto s = tx.InsertParticipants(draft.id, participants); !s.ok()) return s;
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
    const std::string& reason, const std::string& request_id, const CallContext& call) {
  absl::StatusOr<std::string> org = Authorize(actor, kWritePermission, call);
  if (!org.ok()) return org.status();
  absl::StatusOr<std::string> submitter = directory_.PersonName(actor.person_id, call);
  if (!submitter.ok()) return submitter.status();
  absl::StatusOr<std::string> organization = directory_.OrganizationName(*org, call);
  if (!organization.ok()) return organization.status();

  const std::string fingerprint =
      RequestFingerprint({"WithdrawRegistration", registration_id, etag, reason});
  RegistrationView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    absl::StatusOr<RegistrationRecord> head = tx.GetRegistration(*org, registration_id);
    if (!head.ok()) return head.status();
    absl::StatusOr<std::optional<std::string>> seen =
        tx.FindRequestId(*org, kWithdrawKind, request_id, fingerprint);
    if (!seen.ok()) return seen.status();
    if (seen->has_value()) {
      if (**seen != absl::StrCat(registration_id, "@", head->latest_version) || !head->withdrawn) {
        return InvalidArgument({{"request_id", "was already used for another withdrawal"}});
      }
      absl::StatusOr<RegistrationVersionRecord> earlier =
          tx.GetVersion(*org, registration_id, head->latest_version, true);
      if (!earlier.ok()) return earlier.status();
      view = RegistrationView{*std::move(earlier), head->latest_version, true};
      return absl::OkStatus();
    }
    if (auto s = CheckRegistrationEtag(*head, etag); !s.ok()) return s;
    if (head->withdrawn) return Withdrawn();
    if (auto s = CheckCorrectionOpen(head->school_year); !s.ok()) return s;
    absl::StatusOr<TrainingRecord> training = tx.GetTraining(head->odb_number);
    const std::string title = training.ok() ? training->title : std::string();

    head->latest_version += 1;
    head->withdrawn = true;
    head->update_time = clock_();
    if (auto s = tx.UpdateRegistration(*head); !s.ok()) return s;
    if (auto s = tx.RecordRequestId(*org, kWithdrawKind, request_id,
                                    absl::StrCat(registration_id, "@", head->latest_version),
                                    fingerprint);
        !s.ok()) {
      return s;
    }
    VersionHeader header;
    header.organization_id = *org;
    header.registration_id = registration_id;
    header.version = head->latest_version;
    header.kind = ReceiptKind::kWithdrawal;
    header.odb_number = head->odb_number;
    header.school_year = head->school_year;
    header.submitted_by = actor.person_id;
    header.submitted_by_name = *submitter;
    header.organization_name = *organization;
    header.training_title = title;
    header.submit_time = head->update_time;
    header.withdraw_reason = reason;
    RegistrationVersionRecord version = BuildVersion(header, {}, ValidationReport());
    absl::StatusOr<int64_t> number = tx.InsertVersion(version);
    if (!number.ok()) return number.status();
    version.receipt_number = *number;
    if (auto s = tx.SetActiveParticipants(registration_id, head->odb_number, head->school_year, {});
        !s.ok()) {
      return s;
    }
    if (auto s = tx.AppendOutbox(ReceiptMail(version, ReferenceOf(version))); !s.ok()) {
      return s.status();
    }
    view = RegistrationView{std::move(version), head->latest_version, true};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return view;
}

}  // namespace wse::registration
