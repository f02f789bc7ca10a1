// RegistrationManager: what every use case shares (authorisation, editable drafts, validation).
#include "registration-svc/domain/registration_manager.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "registration-svc/domain/belgian_time.h"
#include "registration-svc/domain/deadlines.h"

namespace wse::registration {

std::string EtagOf(int64_t version) { return absl::StrCat(version); }

RegistrationManager::RegistrationManager(RegistrationStore& store, Permissions& permissions,
                                         identity::IdentityClient& directory,
                                         RegistrationConfig config,
                                         std::function<absl::Time()> clock)
    : store_(store),
      permissions_(permissions),
      directory_(directory),
      config_(std::move(config)),
      clock_(std::move(clock)),
      confirm_writer_(std::make_unique<GroupCommitter<ConfirmRequest, ConfirmOutcome>>(
          GroupCommitOptions{"confirm"},
          [this](const std::vector<const ConfirmRequest*>& requests) {
            return ConfirmBatch(requests);
          })) {}

absl::StatusOr<std::string> RegistrationManager::Authorize(const Actor& actor,
                                                           const char* permission,
                                                           const RequestContext& call) {
  if (actor.organization_id.empty()) {
    return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                        "registrations are made for an organisation; select one first")
        .Reason("ORGANIZATION_REQUIRED")
        .Dutch("Meld u aan via uw school of organisatie om aanwezigheden te registreren.");
  }
  ASSIGN_OR_RETURN(auto allowed,
                   permissions_.Allowed(actor.person_id, actor.organization_id, permission, call));
  if (!allowed) {
    return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                        absl::StrCat("you lack ", permission, " in this organisation"))
        .Reason("PERMISSION_MISSING", {{"permission", permission}})
        .Dutch(
            "U hebt het gebruikersrecht niet om aanwezigheden te registreren. Vraag het aan "
            "via 'Gebruikersrecht aanvragen'.");
  }
  return actor.organization_id;
}

void RegistrationManager::ApplyExpiry(DraftRecord& draft) const {
  if (draft.state == DraftState::kOpen && draft.expire_time <= clock_()) {
    draft.state = DraftState::kExpired;
  }
}

absl::StatusOr<DraftRecord> RegistrationManager::EditableDraft(RegistrationTransaction& tx,
                                                               const std::string& organization_id,
                                                               const std::string& draft_id,
                                                               const std::string& etag) {
  ASSIGN_OR_RETURN(auto draft, tx.GetDraft(organization_id, draft_id));
  RETURN_IF_ERROR(CheckEditable(draft, etag));
  return draft;
}

absl::Status RegistrationManager::CheckEditable(DraftRecord& draft, const std::string& etag) const {
  ApplyExpiry(draft);
  switch (draft.state) {
    case DraftState::kOpen:
      break;
    case DraftState::kConfirmed:
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "the draft is already confirmed")
          .Reason("DRAFT_CONFIRMED")
          .Dutch("Deze registratie is al bevestigd en kan niet meer gewijzigd worden.");
    case DraftState::kExpired:
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "the draft has expired")
          .Reason("DRAFT_EXPIRED")
          .Dutch("Deze registratie in voorbereiding is vervallen. Begin een nieuwe.");
  }
  if (etag.empty()) return InvalidArgument({{"etag", "is required (the draft's current etag)"}});
  if (etag != EtagOf(draft.version)) {
    return ErrorBuilder(absl::StatusCode::kAborted,
                        "the draft was changed meanwhile; reload it and try again")
        .Reason("ETAG_MISMATCH")
        .Dutch("De registratie werd intussen gewijzigd. Laad ze opnieuw en probeer nog eens.");
  }
  return absl::OkStatus();
}

absl::Status RegistrationManager::Touch(RegistrationTransaction& tx, DraftRecord& draft) {
  draft.version += 1;
  draft.update_time = clock_();
  draft.expire_time = draft.update_time + config_.draft_ttl;
  return tx.UpdateDraft(draft);
}

Deadlines RegistrationManager::DeadlinesOf(int school_year) const {
  return DeadlinesFor(school_year, config_.registration_window, config_.correction_window);
}

absl::Status RegistrationManager::CheckRegistrationOpen(int school_year) const {
  if (!config_.registration_window) return absl::OkStatus();
  if (clock_() < *DeadlinesOf(school_year).registration) {
    return absl::OkStatus();
  }
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                      "registrations for this school year are closed")
      .Reason("REGISTRATION_PERIOD_CLOSED",
              {{"school_year", SchoolYear::StartingIn(school_year).ToString()}})
      .Dutch(absl::StrCat("De registratieperiode voor het schooljaar ",
                          SchoolYear::StartingIn(school_year).ToString(), " is afgelopen."));
}

absl::Status RegistrationManager::CheckCorrectionOpen(int school_year) const {
  if (!config_.correction_window) return absl::OkStatus();
  if (clock_() < *DeadlinesOf(school_year).correction) {
    return absl::OkStatus();
  }
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                      "registrations of this school year can no longer be corrected")
      .Reason("CORRECTION_PERIOD_CLOSED",
              {{"school_year", SchoolYear::StartingIn(school_year).ToString()}})
      .Dutch(absl::StrCat("Registraties voor het schooljaar ",
                          SchoolYear::StartingIn(school_year).ToString(),
                          " kunnen niet meer gecorrigeerd of ingetrokken worden."));
}

absl::Status RegistrationManager::RecordRequestIdOfLocked(
    RegistrationTransaction& tx, const std::string& org, const std::string& kind,
    const std::string& request_id, const std::string& resource_id, const std::string& fingerprint) {
  const absl::Status recorded = tx.RecordRequestId(org, kind, request_id, resource_id, fingerprint);
  if (absl::IsAlreadyExists(recorded)) return RequestIdReused();
  return recorded;
}

absl::StatusOr<TrainingRecord> RegistrationManager::TrainingOf(RegistrationTransaction& tx,
                                                               const std::string& odb_number) {
  absl::StatusOr<TrainingRecord> training = tx.GetTraining(odb_number);
  // A draft's training left the catalogue: a data problem of the operators, not the caller's.
  if (absl::IsNotFound(training.status())) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                        "the draft's training is no longer in the catalogue")
        .Reason("TRAINING_GONE")
        .Dutch("De opleiding van deze registratie staat niet meer in de opleidingsdatabank.");
  }
  return training;
}

ValidationReport RegistrationManager::CheckRules(
    const DraftRecord& draft, const TrainingRecord& training,
    const std::vector<ParticipantRecord>& participants) const {
  std::vector<ParticipantInput> inputs;
  inputs.reserve(participants.size());
  for (const auto& p : participants) inputs.push_back(p.input);
  ValidationReport report =
      ValidateRegistration(training.facts, SchoolYear::StartingIn(draft.school_year),
                           draft.organization_id, inputs, config_.rules);
  const absl::Status open = draft.corrects_registration_id.empty()
                                ? CheckRegistrationOpen(draft.school_year)
                                : CheckCorrectionOpen(draft.school_year);
  if (!open.ok()) {
    Violation closed;
    closed.field = "school_year";
    closed.reason = ReasonOf(open);
    closed.description = DutchMessageOf(open);
    report.violations.push_back(std::move(closed));
  }
  if (participants.empty()) {
    Violation none;
    none.field = "participants";
    none.reason = "NO_PARTICIPANTS";
    none.description = "Voeg minstens één deelnemer toe.";
    report.violations.push_back(std::move(none));
  }
  return report;
}

absl::StatusOr<ValidationReport> RegistrationManager::Validate(
    RegistrationTransaction& tx, const DraftRecord& draft, const TrainingRecord& training,
    const std::vector<ParticipantRecord>& participants) {
  ValidationReport report = CheckRules(draft, training, participants);

  // One ACTIVE registration per participant, training and school year (a correction may keep
  // the participants of the registration it corrects).
  std::vector<std::string> insz;
  insz.reserve(participants.size());
  for (const auto& p : participants) insz.push_back(p.input.insz);
  ASSIGN_OR_RETURN(auto conflicts, tx.FindActiveConflicts(draft.odb_number, draft.school_year, insz,
                                                          draft.corrects_registration_id));
  if (!conflicts.empty()) {
    absl::flat_hash_set<std::string> taken;
    for (const auto& c : conflicts) taken.insert(c.insz);
    for (size_t i = 0; i < participants.size(); ++i) {
      if (!taken.contains(participants[i].input.insz)) continue;
      Violation v;
      v.field = absl::StrCat("participants[", i, "].insz");
      v.reason = "PARTICIPANT_ALREADY_REGISTERED";
      v.description =
          "Deze deelnemer is voor deze opleiding en dit schooljaar al geregistreerd in een andere "
          "registratie. Corrigeer die registratie of trek ze in.";
      v.participant_index = static_cast<int>(i);
      report.violations.push_back(std::move(v));
    }
  }
  return report;
}

}  // namespace wse::registration
