#include "notify-svc/domain/mail_queue.h"

#include <algorithm>
#include <utility>

#include "common/metrics.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/trace_context.h"

namespace wse::notify {

namespace {

// wse_mails_accepted_total{replay}: mails taken into the queue; a replay (the same idempotency
// key and content again) is answered with the first one and queues nothing.
prometheus::Counter& Accepted(bool replay) {
  static auto* accepted = new CountersByLabel(
      "wse_mails_accepted_total", "SendMail requests accepted: new mails, and replays of one.",
      "replay", {"false", "true"});
  return (*accepted)[replay ? "true" : "false"];
}

}  // namespace

absl::StatusOr<QueuedMessage> MailQueue::Submit(MessageRecord message) {
  const bool has_person = std::any_of(message.recipients.begin(), message.recipients.end(),
                                      [](const RecipientRecord& r) { return r.is_person; });
  if (!message.requested_locale.empty() || !has_person) {
    ASSIGN_OR_RETURN(auto rendered, templates_.Render(message.template_id, message.requested_locale,
                                                      message.parameters, nullptr));
    message.rendered = std::move(rendered);
  }
  // Its delivery continues the trace of this call (the confirm's, for a receipt mail).
  if (const TraceContext* trace = CurrentTrace()) message.traceparent = trace->Traceparent();
  auto created = messages_.Create(message);
  if (created.ok()) {
    Accepted(false).Increment();
    if (on_queued_) on_queued_();
    return QueuedMessage{*std::move(created), false};
  }
  if (created.status().code() != absl::StatusCode::kAlreadyExists) return created.status();
  ASSIGN_OR_RETURN(auto existing, messages_.FindByIdempotencyKey(message.idempotency_key));
  if (existing.content_sha256 != message.content_sha256) {
    return ErrorBuilder(absl::StatusCode::kAlreadyExists,
                        "this idempotency_key was used for a different message")
        .Violation("idempotency_key", "already used with other content")
        .Reason("IDEMPOTENCY_KEY_REUSED")
        .Dutch("Deze sleutel werd al voor een ander bericht gebruikt.");
  }
  Accepted(true).Increment();
  return QueuedMessage{std::move(existing), true};
}

absl::StatusOr<std::vector<uint64_t>> MailQueue::RetryDead(const std::vector<uint64_t>& ids,
                                                           int limit) {
  auto requeued = messages_.RequeueDead(ids, limit);
  if (requeued.ok() && !requeued->empty() && on_queued_) on_queued_();
  return requeued;
}

}  // namespace wse::notify
