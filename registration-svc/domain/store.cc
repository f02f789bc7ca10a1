// The set-based operations of RegistrationTransaction, made of its one-item calls: what an
// in-memory store needs. The MySQL store overrides them with one statement per table.
#include "registration-svc/domain/store.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace wse::registration {

absl::StatusOr<std::vector<std::optional<DraftRecord>>> RegistrationTransaction::GetDrafts(
    const std::vector<DraftKey>& keys) {
  std::vector<std::optional<DraftRecord>> drafts;
  drafts.reserve(keys.size());
  for (const DraftKey& key : keys) {
    absl::StatusOr<DraftRecord> draft = GetDraft(key.organization_id, key.id);
    if (absl::IsNotFound(draft.status())) {
      drafts.emplace_back();
      continue;
    }
    if (!draft.ok()) return draft.status();
    drafts.emplace_back(*std::move(draft));
  }
  return drafts;
}

absl::StatusOr<std::vector<std::vector<ParticipantRecord>>>
RegistrationTransaction::ListParticipantsOf(const std::vector<std::string>& draft_ids) {
  std::vector<std::vector<ParticipantRecord>> lists;
  lists.reserve(draft_ids.size());
  for (const std::string& id : draft_ids) {
    ASSIGN_OR_RETURN(auto participants, ListParticipants(id));
    lists.push_back(std::move(participants));
  }
  return lists;
}

absl::StatusOr<std::vector<int64_t>> RegistrationTransaction::InsertConfirmations(
    const std::vector<NewConfirmation>& confirmations) {
  std::vector<int64_t> receipt_numbers;
  receipt_numbers.reserve(confirmations.size());
  for (const NewConfirmation& c : confirmations) {
    RETURN_IF_ERROR(InsertRegistration(c.registration));
    RETURN_IF_ERROR(RecordRequestId(c.registration.organization_id, c.request_kind, c.request_id,
                                    absl::StrCat(c.registration.id, "@", c.version.version),
                                    c.request_fingerprint));
    ASSIGN_OR_RETURN(int64_t number, InsertVersion(c.version));
    receipt_numbers.push_back(number);
    std::vector<std::string> insz;
    insz.reserve(c.version.participants.size());
    for (const auto& line : c.version.participants) insz.push_back(line.input.insz);
    RETURN_IF_ERROR(AddActiveParticipants(c.registration.id, c.registration.odb_number,
                                          c.registration.school_year, insz));
    RETURN_IF_ERROR(UpdateDraft(c.draft));
  }
  return receipt_numbers;
}

absl::Status RegistrationTransaction::AppendOutboxAll(const std::vector<OutboxMessage>& messages) {
  for (const OutboxMessage& message : messages) RETURN_IF_ERROR(AppendOutbox(message).status());
  return absl::OkStatus();
}

}  // namespace wse::registration
