// RegistrationManager: the participants of a draft, one by one and in bulk.
#include <utility>
#include <variant>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "registration-svc/domain/participant_checks.h"
#include "registration-svc/domain/registration_manager.h"

namespace wse::registration {
namespace {

absl::flat_hash_set<std::string> ModuleCodes(const TrainingRecord& training) {
  absl::flat_hash_set<std::string> codes;
  for (const auto& m : training.modules) codes.insert(m.code);
  return codes;
}

// Violations of one participant of a request as INVALID_ARGUMENT, under `prefix`.
absl::Status Malformed(const std::vector<Violation>& violations, const std::string& prefix) {
  ErrorBuilder error(absl::StatusCode::kInvalidArgument, "the participant has invalid values");
  for (const auto& v : violations) error.Violation(prefix + v.field, v.description);
  error.Reason(violations.front().reason).Dutch(violations.front().description);
  return error;
}

absl::Status AlreadyInDraft() {
  return ErrorBuilder(absl::StatusCode::kAlreadyExists, "this INSZ is already in the draft")
      .Reason("DUPLICATE_PARTICIPANT")
      .Dutch("Deze deelnemer (INSZ) staat al in deze registratie.");
}

absl::Status TooMany(int max) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                      absl::StrCat("a draft holds at most ", max, " participants"))
      .Reason("TOO_MANY_PARTICIPANTS", {{"max_participants", absl::StrCat(max)}})
      .Dutch(absl::StrCat("Een registratie telt hoogstens ", max,
                          " deelnemers. Verdeel ze over meerdere registraties."));
}

void ApplyMask(const ParticipantRecord& changes, const ParticipantMask& mask,
               ParticipantRecord& target) {
  if (mask.display_name) target.display_name = changes.display_name;
  ParticipantInput& to = target.input;
  const ParticipantInput& from = changes.input;
  if (mask.measurement) to.measurement = from.measurement;
  if (mask.hours_present || mask.contact_hours_to_follow || mask.unjustified_absence_hours) {
    if (!std::holds_alternative<AttendanceInput>(to.measurement))
      to.measurement = AttendanceInput{};
    const auto* source = std::get_if<AttendanceInput>(&from.measurement);
    const AttendanceInput given = source ? *source : AttendanceInput{};
    auto& a = std::get<AttendanceInput>(to.measurement);
    if (mask.hours_present) a.hours_present = given.hours_present;
    if (mask.contact_hours_to_follow) a.contact_hours_to_follow = given.contact_hours_to_follow;
    if (mask.unjustified_absence_hours) {
      a.unjustified_absence_hours = given.unjustified_absence_hours;
    }
  }
  if (mask.participated || mask.completed_module_codes) {
    if (!std::holds_alternative<ParticipationInput>(to.measurement)) {
      to.measurement = ParticipationInput{};
    }
    const auto* source = std::get_if<ParticipationInput>(&from.measurement);
    auto& p = std::get<ParticipationInput>(to.measurement);
    if (mask.participated) p.participated = source && source->participated;
    if (mask.completed_module_codes) {
      p.completed_module_codes =
          source ? source->completed_module_codes : std::vector<std::string>();
    }
  }
  if (mask.final_assessment) to.final_assessment = from.final_assessment;
  if (mask.route_completed) to.route_completed = from.route_completed;
  if (mask.exam_contract) to.exam_contract = from.exam_contract;
  if (mask.actual_end_date) to.actual_end_date = from.actual_end_date;
}

}  // namespace

absl::StatusOr<ParticipantChange> RegistrationManager::AddParticipant(const Actor& actor,
                                                                      const std::string& draft_id,
                                                                      const std::string& etag,
                                                                      ParticipantRecord participant,
                                                                      const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kWritePermission, call));
  ParticipantChange change;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto draft, EditableDraft(tx, org, draft_id, etag));
    ASSIGN_OR_RETURN(auto training, TrainingOf(tx, draft.odb_number));
    const auto codes = ModuleCodes(training);
    ParticipantRecord row = participant;
    MalformedCheck check;
    check.module_codes = &codes;
    check.max_hours = config_.rules.max_hours;
    auto problems = CheckParticipantValues(&row.input, row.display_name, check);
    if (!problems.empty()) return Malformed(problems, "participant.");
    if (draft.participant_count + 1 > config_.max_participants) {
      return TooMany(config_.max_participants);
    }
    row.id = NewRecordId();
    absl::Status inserted = tx.InsertParticipants(draft_id, {row});
    if (absl::IsAlreadyExists(inserted)) return AlreadyInDraft();
    if (!inserted.ok()) return inserted;
    RETURN_IF_ERROR(Touch(tx, draft));
    change.participant = std::move(row);
    change.draft_version = draft.version;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return change;
}

absl::StatusOr<ParticipantChange> RegistrationManager::UpdateParticipant(
    const Actor& actor, const std::string& draft_id, const std::string& etag,
    const ParticipantRecord& changes, const ParticipantMask& mask, const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kWritePermission, call));
  ParticipantChange change;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto draft, EditableDraft(tx, org, draft_id, etag));
    ASSIGN_OR_RETURN(auto current, tx.GetParticipant(draft_id, changes.id));
    ASSIGN_OR_RETURN(auto training, TrainingOf(tx, draft.odb_number));
    ParticipantRecord updated = std::move(current);
    ApplyMask(changes, mask, updated);
    const auto codes = ModuleCodes(training);
    MalformedCheck check;
    check.module_codes = &codes;
    check.max_hours = config_.rules.max_hours;
    auto problems = CheckParticipantValues(&updated.input, updated.display_name, check);
    if (!problems.empty()) return Malformed(problems, "participant.");
    RETURN_IF_ERROR(tx.UpdateParticipant(draft_id, updated));
    RETURN_IF_ERROR(Touch(tx, draft));
    change.participant = std::move(updated);
    change.draft_version = draft.version;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return change;
}

absl::StatusOr<int64_t> RegistrationManager::RemoveParticipant(const Actor& actor,
                                                               const std::string& draft_id,
                                                               const std::string& participant_id,
                                                               const std::string& etag,
                                                               const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kWritePermission, call));
  int64_t version = 0;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto draft, EditableDraft(tx, org, draft_id, etag));
    RETURN_IF_ERROR(tx.DeleteParticipant(draft_id, participant_id));
    RETURN_IF_ERROR(Touch(tx, draft));
    version = draft.version;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return version;
}

absl::Status RegistrationManager::BeginUpload(const Actor& actor, const std::string& draft_id,
                                              const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kWritePermission, call));
  return store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    return tx.GetDraft(org, draft_id).status();
  });
}

namespace {

// The uploaded rows to store (with fresh ids), in order; the others go to `rejected` with their
// problems: malformed values, a repeated or non-positive row number, an INSZ seen before.
std::vector<ParticipantRecord> ScreenRows(const std::vector<UploadRow>& rows,
                                          const MalformedCheck& check,
                                          std::vector<RowError>& rejected) {
  std::vector<ParticipantRecord> accepted;
  accepted.reserve(rows.size());
  absl::flat_hash_set<int> row_numbers;
  absl::flat_hash_set<std::string> insz_seen;
  for (const UploadRow& in : rows) {
    ParticipantRecord row = in.participant;
    std::vector<Violation> problems = in.problems;
    for (auto& v : CheckParticipantValues(&row.input, row.display_name, check)) {
      problems.push_back(std::move(v));
    }
    if (!row_numbers.insert(in.row_number).second || in.row_number < 1) {
      Violation v;
      v.field = "row_number";
      v.reason = "INVALID_ROW_NUMBER";
      v.description = "Elk rijnummer moet positief en uniek zijn.";
      problems.push_back(std::move(v));
    }
    if (problems.empty() && !insz_seen.insert(row.input.insz).second) {
      Violation v;
      v.field = "insz";
      v.reason = "DUPLICATE_PARTICIPANT";
      v.description = "Deze deelnemer (INSZ) komt al eerder voor in dit bestand.";
      problems.push_back(std::move(v));
    }
    if (!problems.empty()) {
      rejected.push_back(RowError{in.row_number, std::move(problems)});
      continue;
    }
    row.id = NewRecordId();
    accepted.push_back(std::move(row));
  }
  return accepted;
}

}  // namespace

absl::StatusOr<UploadResult> RegistrationManager::Upload(const Actor& actor,
                                                         const std::string& draft_id,
                                                         const std::string& etag, UploadMode mode,
                                                         std::vector<UploadRow> rows,
                                                         const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, Authorize(actor, kWritePermission, call));
  UploadResult result;
  absl::Status status = store_.Transact([&](RegistrationTransaction& tx) -> absl::Status {
    result = UploadResult();  // A retried transaction starts over.
    ASSIGN_OR_RETURN(auto draft, EditableDraft(tx, org, draft_id, etag));
    ASSIGN_OR_RETURN(auto training, TrainingOf(tx, draft.odb_number));
    const auto codes = ModuleCodes(training);
    MalformedCheck check;
    check.module_codes = &codes;
    check.max_hours = config_.rules.max_hours;

    std::vector<ParticipantRecord> accepted = ScreenRows(rows, check, result.rejected);
    result.accepted = static_cast<int>(accepted.size());
    result.draft_version = draft.version;
    result.participant_count = draft.participant_count;
    if (accepted.empty()) return absl::OkStatus();

    if (mode == UploadMode::kReplaceAll) {
      RETURN_IF_ERROR(tx.DeleteAllParticipants(draft_id));
      RETURN_IF_ERROR(tx.InsertParticipants(draft_id, accepted));
    } else {
      RETURN_IF_ERROR(tx.MergeParticipants(draft_id, accepted));
    }
    ASSIGN_OR_RETURN(auto after, tx.GetDraft(org, draft_id));
    if (after.participant_count > config_.max_participants) {
      return TooMany(config_.max_participants);
    }
    RETURN_IF_ERROR(Touch(tx, draft));
    result.draft_version = draft.version;
    result.participant_count = after.participant_count;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace wse::registration
