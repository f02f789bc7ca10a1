// RegistrationManager: 'Bevestigen' — a draft becomes a registration version with its
// ontvangstbevestiging, the active-participant index and the receipt mail, in one transaction.
//
// Through the confirm writer (common/group_commit.h): concurrent confirmations are written
// together, one statement per table for the lot (ConfirmBatch). The batch takes only the plain
// case, a first confirmation of an open draft at its etag whose rules hold; everything else (a
// retry, a correction, a refusal, and every item of a batch that failed as a whole) is confirmed
// alone (ConfirmAlone), whose answers are the reference. Both paths check the same things in the
// same transaction as they write, so which one ran is never visible in the answer.
#include <utility>
#include <variant>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/trace_context.h"
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

// The receipt's header of a confirmation of `draft` as version head.latest_version.
VersionHeader HeaderOf(const ConfirmRequest& request, const DraftRecord& draft,
                       const TrainingRecord& training, const RegistrationRecord& head,
                       absl::Time now) {
  VersionHeader header;
  header.organization_id = request.organization_id;
  header.registration_id = head.id;
  header.version = head.latest_version;
  header.kind = head.latest_version == 1 ? ReceiptKind::kSubmission : ReceiptKind::kCorrection;
  header.odb_number = draft.odb_number;
  header.school_year = draft.school_year;
  header.submitted_by = request.submitted_by;
  header.submitted_by_name = request.submitted_by_name;
  header.organization_name = request.organization_name;
  header.training_title = training.title;
  header.submit_time = now;
  return header;
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

  ConfirmRequest request;
  request.organization_id = org;
  request.draft_id = draft_id;
  request.etag = etag;
  request.request_id = request_id;
  request.fingerprint = RequestFingerprint({"ConfirmDraft", draft_id, etag});
  request.submitted_by = actor.person_id;
  request.submitted_by_name = submitter.display_name;
  request.organization_name = organization;
  if (const TraceContext* trace = CurrentTrace()) request.traceparent = trace->Traceparent();
  ASSIGN_OR_RETURN(ConfirmOutcome batched, confirm_writer_->Submit(request, call));
  if (batched.has_value()) return *std::move(batched);
  return ConfirmAlone(request);
}

absl::StatusOr<RegistrationView> RegistrationManager::ConfirmAlone(const ConfirmRequest& request) {
  const std::string& org = request.organization_id;
  RegistrationView view;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    // Locked: one at a time.
    ASSIGN_OR_RETURN(DraftRecord draft, tx.GetDraft(org, request.draft_id));
    ASSIGN_OR_RETURN(auto seen,
                     tx.FindRequestId(org, kConfirmKind, request.request_id, request.fingerprint));
    if (seen.has_value()) {
      ASSIGN_OR_RETURN(view, Replay(tx, org, draft, *seen));
      return absl::OkStatus();
    }

    RETURN_IF_ERROR(CheckEditable(draft, request.etag));
    ASSIGN_OR_RETURN(auto training, TrainingOf(tx, draft.odb_number));
    ASSIGN_OR_RETURN(auto participants, tx.ListParticipants(request.draft_id));
    ASSIGN_OR_RETURN(ValidationReport report, Validate(tx, draft, training, participants));
    if (!report.ok()) return NotConfirmable(report);

    const absl::Time now = clock_();
    ASSIGN_OR_RETURN(RegistrationRecord head, NextHead(tx, org, draft, now));
    RETURN_IF_ERROR(RecordRequestIdOfLocked(tx, org, kConfirmKind, request.request_id,
                                            absl::StrCat(head.id, "@", head.latest_version),
                                            request.fingerprint));

    RegistrationVersionRecord version =
        BuildVersion(HeaderOf(request, draft, training, head, now), participants, report,
                     training.facts, config_.rules);
    ASSIGN_OR_RETURN(version.receipt_number, tx.InsertVersion(version));
    RETURN_IF_ERROR(IndexParticipants(tx, head, participants));

    draft.state = DraftState::kConfirmed;
    draft.registration_id = head.id;
    draft.registration_version = head.latest_version;
    RETURN_IF_ERROR(Touch(tx, draft));
    OutboxMessage mail = ReceiptMail(version, ReferenceOf(version));
    mail.traceparent = request.traceparent;
    RETURN_IF_ERROR(tx.AppendOutbox(mail).status());
    view = RegistrationView{std::move(version), head.latest_version, false};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return view;
}

absl::StatusOr<std::vector<absl::StatusOr<RegistrationManager::ConfirmOutcome>>>
RegistrationManager::ConfirmBatch(const std::vector<const ConfirmRequest*>& requests) {
  std::vector<absl::StatusOr<ConfirmOutcome>> results;
  // Alone, or replayed one by one after a failed batch: the one-item transaction decides every
  // case exactly (replays, corrections, refusals with all their details).
  if (requests.size() < 2) {
    results.assign(requests.size(), ConfirmOutcome());
    return results;
  }
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    results.assign(requests.size(), ConfirmOutcome());  // A deadlock reruns this body.
    std::vector<DraftKey> keys;
    keys.reserve(requests.size());
    for (const ConfirmRequest* r : requests) keys.push_back({r->organization_id, r->draft_id});
    ASSIGN_OR_RETURN(auto drafts, tx.GetDrafts(keys));

    // Only first confirmations of open drafts at their etag come along, each draft and request
    // id once; anything else is answered nullopt and confirmed alone afterwards.
    std::vector<size_t> chosen;
    absl::flat_hash_set<std::string> drafts_taken, requests_taken;
    for (size_t i = 0; i < requests.size(); ++i) {
      if (!drafts[i].has_value()) continue;
      DraftRecord& draft = *drafts[i];
      if (!draft.corrects_registration_id.empty() ||
          !CheckEditable(draft, requests[i]->etag).ok()) {
        continue;
      }
      const std::string request_key =
          absl::StrCat(requests[i]->organization_id, "/", requests[i]->request_id);
      if (!drafts_taken.insert(draft.id).second) continue;
      if (!requests_taken.insert(request_key).second) continue;
      chosen.push_back(i);
    }
    std::vector<std::string> draft_ids;
    draft_ids.reserve(chosen.size());
    for (size_t i : chosen) draft_ids.push_back(requests[i]->draft_id);
    ASSIGN_OR_RETURN(auto participants, tx.ListParticipantsOf(draft_ids));

    const absl::Time now = clock_();
    absl::flat_hash_map<std::string, std::optional<TrainingRecord>> trainings;
    std::vector<NewConfirmation> confirmations;
    std::vector<size_t> confirmed;  // Index into `requests` of each confirmation.
    for (size_t c = 0; c < chosen.size(); ++c) {
      const ConfirmRequest& request = *requests[chosen[c]];
      DraftRecord draft = *drafts[chosen[c]];
      auto [known, fresh] = trainings.try_emplace(draft.odb_number);
      if (fresh) {
        absl::StatusOr<TrainingRecord> training = TrainingOf(tx, draft.odb_number);
        if (training.ok()) {
          known->second = *std::move(training);
        } else if (!absl::IsFailedPrecondition(training.status())) {
          return training.status();
        }
      }
      if (!known->second.has_value()) continue;  // Gone from the catalogue: alone says so.
      // The rules here; "already active elsewhere" is the index's primary key on insert (a
      // clash fails the batch, which is then confirmed one by one, where it is reported).
      ValidationReport report = CheckRules(draft, *known->second, participants[c]);
      if (!report.ok()) continue;

      NewConfirmation confirmation;
      RegistrationRecord& head = confirmation.registration;
      head.id = NewRecordId();
      head.organization_id = request.organization_id;
      head.odb_number = draft.odb_number;
      head.school_year = draft.school_year;
      head.latest_version = 1;
      head.create_time = now;
      head.update_time = now;
      confirmation.version =
          BuildVersion(HeaderOf(request, draft, *known->second, head, now), participants[c], report,
                       known->second->facts, config_.rules);
      draft.state = DraftState::kConfirmed;
      draft.registration_id = head.id;
      draft.registration_version = 1;
      draft.version += 1;
      draft.update_time = now;
      draft.expire_time = now + config_.draft_ttl;
      confirmation.draft = std::move(draft);
      confirmation.request_kind = kConfirmKind;
      confirmation.request_id = request.request_id;
      confirmation.request_fingerprint = request.fingerprint;
      confirmations.push_back(std::move(confirmation));
      confirmed.push_back(chosen[c]);
    }
    if (confirmations.empty()) return absl::OkStatus();

    ASSIGN_OR_RETURN(std::vector<int64_t> numbers, tx.InsertConfirmations(confirmations));
    std::vector<OutboxMessage> mails;
    mails.reserve(confirmations.size());
    for (size_t k = 0; k < confirmations.size(); ++k) {
      RegistrationVersionRecord& version = confirmations[k].version;
      version.receipt_number = numbers[k];
      mails.push_back(ReceiptMail(version, ReferenceOf(version)));
      mails.back().traceparent = requests[confirmed[k]]->traceparent;
    }
    RETURN_IF_ERROR(tx.AppendOutboxAll(mails));
    for (size_t k = 0; k < confirmations.size(); ++k) {
      results[confirmed[k]] = RegistrationView{std::move(confirmations[k].version), 1, false};
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return results;
}

}  // namespace wse::registration
