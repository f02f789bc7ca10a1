#include "notify-svc/client/mail_outbox_deliverer.h"

#include "absl/strings/str_cat.h"

namespace wse::notify {

absl::Status MailOutboxDeliverer::Deliver(const OutboxRow& row) {
  if (row.kind != kMailOutboxKind) {
    return absl::FailedPreconditionError(
        absl::StrCat("outbox row ", row.id, " is of kind '", row.kind, "', not mail"));
  }
  v1::SendMailRequest mail;
  if (!mail.ParseFromString(row.payload)) {
    return absl::DataLossError(absl::StrCat("outbox row ", row.id, " is not a SendMailRequest"));
  }
  mail.set_idempotency_key(row.idempotency_key);
  return notify_.SendMail(mail, BackgroundContext("DeliverOutboxMail")).status();
}

}  // namespace wse::notify
