#include "tests/support/notify_fakes.h"

#include <algorithm>

namespace wse::notify::testing {
namespace {

absl::Time NowMicros() { return absl::FromUnixMicros(absl::ToUnixMicros(absl::Now())); }

bool Matches(const MessageRecord& m, const MessageFilter& filter) {
  if (!filter.source_event.empty() && m.source_event != filter.source_event) return false;
  if (filter.state && m.state != *filter.state) return false;
  if (filter.recipient.empty()) return true;
  return std::any_of(m.recipients.begin(), m.recipients.end(), [&](const RecipientRecord& r) {
    return r.address == filter.recipient || r.resolved_email == filter.recipient;
  });
}

MessageRecord WithoutHistory(MessageRecord m) {
  m.history.clear();
  return m;
}

}  // namespace

absl::StatusOr<MessageRecord> FakeMessageRepository::Create(const MessageRecord& message) {
  absl::MutexLock lock(&mu_);
  for (const auto& [id, m] : messages_) {
    if (m.idempotency_key == message.idempotency_key) {
      return absl::AlreadyExistsError("duplicate idempotency key");
    }
  }
  MessageRecord stored = message;
  stored.id = next_id_++;
  stored.state = MessageState::kQueued;
  stored.attempt_count = 0;
  stored.budget_start = 0;
  stored.last_error.clear();
  stored.create_time = NowMicros();
  stored.due_time = stored.create_time;
  stored.send_time.reset();
  stored.history.clear();
  messages_[stored.id] = stored;
  return stored;
}

absl::StatusOr<std::vector<absl::StatusOr<MessageRecord>>> FakeMessageRepository::CreateAll(
    const std::vector<MessageRecord>& messages) {
  if (fail_create_all) return fail_create_all(messages);
  std::vector<absl::StatusOr<MessageRecord>> results;
  for (const MessageRecord& message : messages) results.push_back(Create(message));
  return results;
}

absl::StatusOr<MessageRecord> FakeMessageRepository::FindById(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = messages_.find(id);
  if (it == messages_.end()) return absl::NotFoundError("message not found");
  return it->second;
}

absl::StatusOr<MessageRecord> FakeMessageRepository::FindByIdempotencyKey(const std::string& key) {
  absl::MutexLock lock(&mu_);
  for (const auto& [id, m] : messages_) {
    if (m.idempotency_key == key) return m;
  }
  return absl::NotFoundError("message not found");
}

absl::StatusOr<std::vector<MessageRecord>> FakeMessageRepository::List(const MessageFilter& filter,
                                                                       uint64_t before_id,
                                                                       int limit) {
  if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
  absl::MutexLock lock(&mu_);
  std::vector<MessageRecord> out;
  for (auto it = messages_.rbegin(); it != messages_.rend(); ++it) {
    if (before_id > 0 && it->first >= before_id) continue;
    if (!Matches(it->second, filter)) continue;
    out.push_back(WithoutHistory(it->second));
    if (static_cast<int>(out.size()) == limit) break;
  }
  return out;
}

absl::StatusOr<std::vector<MessageRecord>> FakeMessageRepository::ClaimDue(int limit,
                                                                           absl::Duration lease) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = NowMicros();
  std::vector<MessageRecord*> due;
  for (auto& [id, m] : messages_) {
    if (m.due_time && *m.due_time <= now) due.push_back(&m);
  }
  std::stable_sort(due.begin(), due.end(), [](const MessageRecord* a, const MessageRecord* b) {
    return *a->due_time < *b->due_time;
  });
  if (static_cast<int>(due.size()) > limit) due.resize(limit);
  std::sort(due.begin(), due.end(),
            [](const MessageRecord* a, const MessageRecord* b) { return a->id < b->id; });
  std::vector<MessageRecord> claimed;
  for (MessageRecord* m : due) {
    m->state = MessageState::kSending;
    m->attempt_count += 1;
    m->due_time = now + lease;
    claimed.push_back(WithoutHistory(*m));
  }
  return claimed;
}

absl::StatusOr<bool> FakeMessageRepository::RenewClaim(uint64_t id, int claimed_attempt,
                                                       absl::Duration lease) {
  absl::MutexLock lock(&mu_);
  ++renew_calls_;
  auto it = messages_.find(id);
  if (it == messages_.end() || it->second.state != MessageState::kSending ||
      it->second.attempt_count != claimed_attempt) {
    return false;
  }
  it->second.due_time = NowMicros() + lease;
  return true;
}

absl::Status FakeMessageRepository::Finish(uint64_t id, int claimed_attempt,
                                           const AttemptResult& result) {
  absl::MutexLock lock(&mu_);
  auto it = messages_.find(id);
  if (it == messages_.end() || it->second.state != MessageState::kSending ||
      it->second.attempt_count != claimed_attempt) {
    return absl::FailedPreconditionError("the claim on this message is no longer held");
  }
  MessageRecord& m = it->second;
  const absl::Time now = NowMicros();
  m.state = result.new_state;
  m.last_error = result.last_error.substr(0, 1000);
  m.due_time.reset();
  if (result.new_state == MessageState::kQueued) m.due_time = now + result.retry_after;
  if (result.new_state == MessageState::kSent) m.send_time = now;
  if (result.rendered) m.rendered = result.rendered;
  if (!result.recipients.empty()) {
    for (size_t i = 0; i < m.recipients.size() && i < result.recipients.size(); ++i) {
      m.recipients[i].resolved_email = result.recipients[i].resolved_email;
    }
  }
  DeliveryAttemptRecord attempt = result.attempt;
  attempt.attempt_time = absl::FromUnixMicros(absl::ToUnixMicros(attempt.attempt_time));
  attempt.error = attempt.error.substr(0, 1000);
  m.history.push_back(std::move(attempt));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint64_t>> FakeMessageRepository::RequeueDead(
    const std::vector<uint64_t>& ids, int limit) {
  absl::MutexLock lock(&mu_);
  std::vector<uint64_t> requeued;
  const absl::Time now = NowMicros();
  for (auto& [id, m] : messages_) {
    if (static_cast<int>(requeued.size()) >= limit) break;
    if (m.state != MessageState::kDead) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) continue;
    m.state = MessageState::kQueued;
    m.due_time = now;
    m.budget_start = m.attempt_count;
    requeued.push_back(id);
  }
  return requeued;
}

}  // namespace wse::notify::testing
