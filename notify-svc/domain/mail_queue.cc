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

absl::Status MailQueue::Prepare(MessageRecord& message) const {
  const bool has_person = std::any_of(message.recipients.begin(), message.recipients.end(),
                                      [](const RecipientRecord& r) { return r.is_person; });
  if (!message.requested_locale.empty() || !has_person) {
    ASSIGN_OR_RETURN(auto rendered, templates_.Render(message.template_id, message.requested_locale,
                                                      message.parameters, nullptr));
    message.rendered = std::move(rendered);
  }
  // Its delivery continues the trace of this call (the confirm's, for a receipt mail).
  if (message.traceparent.empty()) {
    if (const TraceContext* trace = CurrentTrace()) message.traceparent = trace->Traceparent();
  }
  return absl::OkStatus();
}

absl::StatusOr<QueuedMessage> MailQueue::Replay(const MessageRecord& message) {
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

absl::StatusOr<QueuedMessage> MailQueue::Submit(MessageRecord message) {
  RETURN_IF_ERROR(Prepare(message));
  auto created = messages_.Create(message);
  if (created.ok()) {
    Accepted(false).Increment();
    if (on_queued_) on_queued_();
    return QueuedMessage{*std::move(created), false};
  }
  if (created.status().code() != absl::StatusCode::kAlreadyExists) return created.status();
  return Replay(message);
}

absl::StatusOr<std::vector<absl::StatusOr<QueuedMessage>>> MailQueue::SubmitAll(
    std::vector<MessageRecord> messages) {
  std::vector<absl::StatusOr<QueuedMessage>> results(messages.size(),
                                                     absl::UnknownError("not submitted"));
  std::vector<MessageRecord> ready;  // Those that rendered; `index` maps them back.
  std::vector<size_t> index;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (absl::Status prepared = Prepare(messages[i]); !prepared.ok()) {
      results[i] = prepared;
      continue;
    }
    ready.push_back(std::move(messages[i]));
    index.push_back(i);
  }
  if (ready.empty()) return results;
  auto created = messages_.CreateAll(ready);
  if (!created.ok()) {
    if (absl::IsUnavailable(created.status())) return created.status();
    // Some message broke the transaction: each on its own, so it alone fails.
    for (size_t k = 0; k < ready.size(); ++k) results[index[k]] = Submit(std::move(ready[k]));
    return results;
  }
  bool queued_any = false;
  for (size_t k = 0; k < ready.size(); ++k) {
    absl::StatusOr<MessageRecord>& outcome = (*created)[k];
    if (outcome.ok()) {
      Accepted(false).Increment();
      queued_any = true;
      results[index[k]] = QueuedMessage{*std::move(outcome), false};
    } else if (absl::IsAlreadyExists(outcome.status())) {
      results[index[k]] = Replay(ready[k]);
    } else {
      results[index[k]] = outcome.status();
    }
  }
  if (queued_any && on_queued_) on_queued_();
  return results;
}

absl::StatusOr<std::vector<uint64_t>> MailQueue::RetryDead(const std::vector<uint64_t>& ids,
                                                           int limit) {
  auto requeued = messages_.RequeueDead(ids, limit);
  if (requeued.ok() && !requeued->empty() && on_queued_) on_queued_();
  return requeued;
}

}  // namespace wse::notify
