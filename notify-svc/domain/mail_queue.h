#pragma once
// The domain of notify-svc's RPCs: queueing a validated message idempotently, reading and
// listing messages, requeueing dead letters. No gRPC, no SQL.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "notify-svc/domain/store.h"
#include "notify-svc/domain/template_catalog.h"

namespace wse::notify {

struct QueuedMessage {
  MessageRecord message;
  bool replayed = false;  // The idempotency key was known: nothing new was queued.
};

class MailQueue {
 public:
  // `on_queued` runs after a new message is stored (wakes the delivery workers).
  MailQueue(MessageRepository& messages, const TemplateCatalog& templates,
            std::function<void()> on_queued = {})
      : messages_(messages), templates_(templates), on_queued_(std::move(on_queued)) {}

  // Stores `message` (from MessageFromRequest) QUEUED, rendered now when its locale is already
  // known (given, or no person recipients); never waits for SMTP. A known idempotency key with
  // the same content returns the stored message, replayed; with other content ALREADY_EXISTS
  // (reason IDEMPOTENCY_KEY_REUSED).
  absl::StatusOr<QueuedMessage> Submit(MessageRecord message);
  // The same for many (SendMails), stored in one transaction: one answer per message, in order,
  // each what Submit would have answered. A message whose `traceparent` is set keeps it (the
  // outbox row's); the others get the calling thread's trace. When the transaction fails as a
  // whole, the messages are submitted again one by one (so one message cannot fail the others),
  // except after UNAVAILABLE, which is the answer for the whole call (the caller retries).
  absl::StatusOr<std::vector<absl::StatusOr<QueuedMessage>>> SubmitAll(
      std::vector<MessageRecord> messages);

  absl::StatusOr<MessageRecord> Get(uint64_t id) { return messages_.FindById(id); }
  absl::StatusOr<std::vector<MessageRecord>> List(const MessageFilter& filter, uint64_t before_id,
                                                  int limit) {
    return messages_.List(filter, before_id, limit);
  }
  // Requeues the DEAD ones of `ids` (or the oldest DEAD ones when empty), at most `limit`.
  absl::StatusOr<std::vector<uint64_t>> RetryDead(const std::vector<uint64_t>& ids, int limit);

 private:
  // Renders when the locale is known and stamps the trace.
  absl::Status Prepare(MessageRecord& message) const;
  // The answer for a message whose key is taken: the stored one, or IDEMPOTENCY_KEY_REUSED.
  absl::StatusOr<QueuedMessage> Replay(const MessageRecord& message);

  MessageRepository& messages_;
  const TemplateCatalog& templates_;
  std::function<void()> on_queued_;
};

}  // namespace wse::notify
