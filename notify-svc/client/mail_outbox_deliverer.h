#pragma once
// The OutboxDeliverer of mails: an outbox row of kind "mail" holds a serialized
// wse.notify.v1.SendMailRequest; it goes to notify-svc with the row's stable idempotency key
// ("<source>/outbox/<id>") replacing whatever key the payload had, so a redelivery after a crash
// or timeout is a replay on notify-svc's side and never a second mail.
//
// OK from SendMail (new, or replayed) means notify-svc has the message durably. Every error is
// left to the relay to retry with backoff, including INVALID_ARGUMENT (a payload bug: it stays
// visible as a failing outbox row with its last_error instead of vanishing). Rows of other kinds
// are refused (FAILED_PRECONDITION): they belong to another deliverer.

#include "common/outbox.h"
#include "notify-svc/client/notify_client.h"

namespace wse::notify {

class MailOutboxDeliverer final : public OutboxDeliverer {
 public:
  explicit MailOutboxDeliverer(NotifyClient& notify) : notify_(notify) {}
  absl::Status Deliver(const OutboxRow& row) override;
  // All of a pass's mail rows in SendMails calls of at most 100 (one notify-svc transaction
  // each), every mail with its row's traceparent; each row's outcome as Deliver would give it.
  std::vector<absl::Status> DeliverAll(const std::vector<OutboxRow>& rows) override;

 private:
  NotifyClient& notify_;
};

}  // namespace wse::notify
