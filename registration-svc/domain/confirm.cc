// RegistrationManager: 'Bevestigen' — a draft becomes a registration version with its
// ontvangstbevestiging, the active-participant index and the receipt mail, in one transaction.
#include <utility>
#include <variant>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "registration-svc/domain/mails.h"
#include "registration-svc/domain/receipt.h"
#include "registration-svc/domain/registration_manager.h"
#include "registration-svc/domain/version_builder.h"

namespace wse::registration {
namespace {

constexpr char kConfirmKind[] = "confirm";

absl::Status NotConfirmable(const ValidationReport& report) {
  ErrorBuilder error(
      absl::StatusCode::kFailedPrecondition,
      absl::StrCat("the draft has ", report.violations.size(), " violation(s); see ValidateDraft"));
  for (const auto& v : report.violations) error.Violation(v.field, v.description);
  error.Reason("VALIDATION_FAILED", {{"violation_count", absl::StrCat(report.violations.size())}})
      .Dutch("De registratie bevat nog fouten. Controleer ze en verbeter ze voor u bevestigt.");
  return error;
}

// A retry of a confirmation that committed: the same registration version and receipt.
absl::StatusOr<RegistrationView> Replay(RegistrationTransaction& tx, const std::string& org,
                                        const DraftRecord& draft, const std::string& seen) {
  const std::string expected = absl::StrCat(draft.registration_id, "@", draft.registration_version);
  if (draft.state != DraftState::kConfirmed || seen != expected) {
    return InvalidArgument({{"request_id", "was already used for another confirmation"}});
  }
  ASSIGN_OR_RETURN(auto head, tx.GetRegistration(org, draft.registration_id));
  ASSIGN_OR_RETURN(auto version,
                   tx.GetVersion(org, draft.registration_id, draft.registration_version, true));
  return RegistrationView{std::move(version), head.latest_version, head.withdrawn};
}

// The registration this confirmation makes a version of: the corrected one, one version up
// (unless it changed since the correction began), or a new one.
absl::StatusOr<RegistrationRecord> NextHead(RegistrationTransaction& tx, const std::string& org,
                                            const DraftRecord& draft, absl::Time now) {
  RegistrationRecord head;
  if (!draft.corrects_registration_id.empty()) {
    ASSIGN_OR_RETURN(head, tx.GetRegistration(org, draft.corrects_registration_id));
    if (head.withdrawn || head.latest_version != draft.corrects_version) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                          "the corrected registration got a newer version meanwhile")
          .Reason("REGISTRATION_CHANGED")
          .Dutch(
              "De registratie die u corrigeert, werd intussen gewijzigd of ingetrokken. "
              "Begin een nieuwe correctie.");
    }
    head.latest_version += 1;
    head.update_time = now;
    RETURN_IF_ERROR(tx.UpdateRegistration(head));
    return head;
  }
  head.id = NewRecordId();
  head.organization_id = org;
  head.odb_number = draft.odb_number;
  head.school_year = draft.school_year;
  head.latest_version = 1;
  head.create_time = now;
  head.update_time = now;
  RETURN_IF_ERROR(tx.InsertRegistration(head));
  return head;
}

// The active-participant index: who is registered for this training and school year.
absl::Status IndexParticipants(RegistrationTransaction& tx, const RegistrationRecord& head,
                               const std::vector<ParticipantRecord>& participants) {
  std::vector<std::string> insz;
  insz.reserve(participants.size());
  for (const auto& p : participants) insz.push_back(p.input.insz);
  // A first version has no active participants to replace (fewer statements).
  absl::Status indexed =
      head.latest_version == 1
          ? tx.AddActiveParticipants(head.id, head.odb_number, head.school_year, insz)
          : tx.SetActiveParticipants(head.id, head.odb_number, head.school_year, insz);
  if (absl::IsAlreadyExists(indexed)) {
    // Validate() saw no conflict, so a concurrent confirmation took a participant just now.
    return ErrorBuilder(absl::StatusCode::kAborted,
                        "a participant was registered by another confirmation meanwhile")
        .Reason("PARTICIPANT_ALREADY_REGISTERED")
        .Dutch(
            "Een deelnemer werd intussen in een andere registratie bevestigd. Controleer "
            "de registratie opnieuw.");
  }
  return indexed;
}

}  // namespace

absl::StatusOr<RegistrationView> RegistrationManager::ConfirmDraft(const Actor& actor,
                                                                   const std::string& draft_id,
                                                                   const std::string& etag,
                                                                   const std::string& request_id,
                                                                   const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kWritePermission, call));
  // Remote lookups stay outside the transaction (which may run more than once).
  ASSIGN_OR_RETURN(auto submitter, directory_.GetPerson(actor.person_id, call));
  ASSIGN_OR_RETURN(auto organization, directory_.OrganizationName(org, call));

  const std::string fingerprint = RequestFingerprint({"ConfirmDraft", draft_id, etag});
  RegistrationView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(DraftRecord draft, tx.GetDraft(org, draft_id));  // Locked: one at a time.
    ASSIGN_OR_RETURN(auto seen, tx.FindRequestId(org, kConfirmKind, request_id, fingerprint));
    if (seen.has_value()) {
      ASSIGN_OR_RETURN(view, Replay(tx, org, draft, *seen));
      return absl::OkStatus();
    }

    RETURN_IF_ERROR(CheckEditable(draft, etag));
    ASSIGN_OR_RETURN(auto training, TrainingOf(tx, draft.odb_number));
    ASSIGN_OR_RETURN(auto participants, tx.ListParticipants(draft_id));
    ASSIGN_OR_RETURN(ValidationReport report, Validate(tx, draft, training, participants));
    if (!report.ok()) return NotConfirmable(report);

    const absl::Time now = clock_();
    ASSIGN_OR_RETURN(RegistrationRecord head, NextHead(tx, org, draft, now));
    RETURN_IF_ERROR(tx.RecordRequestId(org, kConfirmKind, request_id,
                                       absl::StrCat(head.id, "@", head.latest_version),
                                       fingerprint));

    VersionHeader header;
    header.organization_id = org;
    header.registration_id = head.id;
    header.version = head.latest_version;
    header.kind = head.latest_version == 1 ? ReceiptKind::kSubmission : ReceiptKind::kCorrection;
    header.odb_number = draft.odb_number;
    header.school_year = draft.school_year;
    header.submitted_by = actor.person_id;
    header.submitted_by_name = submitter.display_name;
    header.organization_name = organization;
    header.training_title = training.title;
    header.submit_time = now;
    RegistrationVersionRecord version = BuildVersion(header, participants, report);
    ASSIGN_OR_RETURN(version.receipt_number, tx.InsertVersion(version));
    RETURN_IF_ERROR(IndexParticipants(tx, head, participants));

    draft.state = DraftState::kConfirmed;
    draft.registration_id = head.id;
    draft.registration_version = head.latest_version;
    RETURN_IF_ERROR(Touch(tx, draft));
    RETURN_IF_ERROR(tx.AppendOutbox(ReceiptMail(version, ReferenceOf(version))).status());
    view = RegistrationView{std::move(version), head.latest_version, false};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return view;
}

}  // namespace wse::registration
