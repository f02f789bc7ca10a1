#pragma once
// The records of notify-svc's domain: a mail message with its recipients, rendering and
// delivery history. Plain structs; conversion to and from protobuf lives in convert.h.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace wse::notify {

// Same numbers as wse.notify.v1.MessageState (also stored in the database).
enum class MessageState { kQueued = 1, kSending = 2, kSent = 3, kFailed = 4, kDead = 5 };

// Same numbers as wse.notify.v1.DeliveryOutcome.
enum class DeliveryOutcome { kSent = 1, kTransientFailure = 2, kPermanentFailure = 3 };

struct RecipientRecord {
  bool is_person = false;
  // The e-mail address, or `persons/{id}` for a person looked up at send time.
  std::string address;
  std::string display_name;
  // The address actually used: `address` itself, or the person's address once looked up.
  std::string resolved_email;
};

struct RenderedMail {
  std::string locale;  // After fallback.
  std::string subject;
  std::string text_body;
  std::string html_body;
};

struct DeliveryAttemptRecord {
  absl::Time attempt_time = absl::UnixEpoch();
  DeliveryOutcome outcome = DeliveryOutcome::kSent;
  int smtp_code = 0;
  std::string error;
};

struct MessageRecord {
  uint64_t id = 0;
  std::string idempotency_key;
  // SHA-256 (hex) of the request's content: a repeat with the same key must have the same one.
  std::string content_sha256;
  std::string template_id;
  std::string requested_locale;  // As requested; empty: the recipient person's preference.
  std::vector<RecipientRecord> recipients;
  std::map<std::string, std::string> parameters;
  std::string source_event;
  // Set once rendered (at SendMail when the locale is known, else at the first attempt).
  std::optional<RenderedMail> rendered;
  MessageState state = MessageState::kQueued;
  int attempt_count = 0;
  // attempt_count when the current attempt budget began (RetryDeadLetters starts a new one).
  int budget_start = 0;
  std::string last_error;
  // When a worker looks at it next: the next attempt (QUEUED) or lease expiry (SENDING).
  std::optional<absl::Time> due_time;
  absl::Time create_time = absl::UnixEpoch();
  std::optional<absl::Time> send_time;
  std::vector<DeliveryAttemptRecord> history;  // Oldest first; filled by FindById only.
  // The trace of the SendMail call that queued it (W3C traceparent); empty before traces.
  std::string traceparent;
};

struct MessageFilter {
  std::string recipient;  // E-mail address (also matches resolved persons) or `persons/{id}`.
  std::string source_event;
  std::optional<MessageState> state;
};

// What a worker decided about one claimed message.
struct AttemptResult {
  DeliveryAttemptRecord attempt;
  MessageState new_state = MessageState::kSent;       // kSent, kQueued (retry), kFailed or kDead.
  absl::Duration retry_after = absl::ZeroDuration();  // For kQueued.
  std::string last_error;
  // Stored when the worker rendered the message or resolved persons during this attempt.
  std::optional<RenderedMail> rendered;
  std::vector<RecipientRecord> recipients;  // Empty: unchanged.
};

}  // namespace wse::notify
