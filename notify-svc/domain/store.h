#pragma once
// Storage interface of notify-svc. MysqlMessageRepository (mysql_message_repository.h) is the
// only SQL; an in-memory fake (tests/support/notify_fakes.h) keeps the same contract, checked by
// tests/integration/notify/repository_contract_test.cc against both.
// Errors: NOT_FOUND for a missing message, ALREADY_EXISTS for a known idempotency key,
// UNAVAILABLE when the database cannot be reached.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "notify-svc/domain/model.h"

namespace wse::notify {

class MessageRepository {
 public:
  virtual ~MessageRepository() = default;

  // Stores a new message, QUEUED and due now (id, state, times and counters of `message` are
  // ignored). ALREADY_EXISTS when the idempotency key is taken: nothing is stored.
  virtual absl::StatusOr<MessageRecord> Create(const MessageRecord& message) = 0;
  // The same for many, in one transaction: per message, in order, the stored message or
  // ALREADY_EXISTS (its key was taken before, or by an earlier message of the same call). An
  // error for the whole call: nothing was stored.
  virtual absl::StatusOr<std::vector<absl::StatusOr<MessageRecord>>> CreateAll(
      const std::vector<MessageRecord>& messages) = 0;

  // With the delivery history, oldest attempt first.
  virtual absl::StatusOr<MessageRecord> FindById(uint64_t id) = 0;
  virtual absl::StatusOr<MessageRecord> FindByIdempotencyKey(const std::string& key) = 0;

  // Newest first (descending id), only ids below `before_id` (0: from the newest), at most
  // `limit`. Without history.
  virtual absl::StatusOr<std::vector<MessageRecord>> List(const MessageFilter& filter,
                                                          uint64_t before_id, int limit) = 0;

  // Takes up to `limit` due messages (QUEUED whose next attempt time has come, or SENDING whose
  // lease expired: a crashed worker's), earliest due first, and marks them SENDING, leased for
  // `lease`, with attempt_count + 1. Concurrent callers (threads, processes) never get the same
  // message while its lease runs.
  virtual absl::StatusOr<std::vector<MessageRecord>> ClaimDue(int limit, absl::Duration lease) = 0;

  // Records the outcome of the attempt of a message claimed with `claimed_attempt` as its
  // attempt_count, and the attempt in the history. FAILED_PRECONDITION when that claim is no
  // longer held (the lease expired and another worker claimed it): nothing is changed.
  virtual absl::Status Finish(uint64_t id, int claimed_attempt, const AttemptResult& result) = 0;

  // Extends a claim still held (SENDING with `claimed_attempt` as its attempt_count) to now +
  // `lease`; false when it is no longer held (its lease ran out and another worker claimed it).
  // A worker calls it right before each send, so a batch that outlives its lease never sends a
  // message twice.
  virtual absl::StatusOr<bool> RenewClaim(uint64_t id, int claimed_attempt,
                                          absl::Duration lease) = 0;

  // Puts DEAD messages back to QUEUED, due now, with a fresh attempt budget: those of `ids`, or
  // when `ids` is empty the oldest DEAD ones. At most `limit`. Returns the ids requeued
  // (ascending); messages not DEAD are skipped.
  virtual absl::StatusOr<std::vector<uint64_t>> RequeueDead(const std::vector<uint64_t>& ids,
                                                            int limit) = 0;
};

}  // namespace wse::notify
