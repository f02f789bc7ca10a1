#include "notify-svc/client/mail_outbox_deliverer.h"

#include "absl/strings/str_cat.h"

namespace wse::notify {

namespace {

constexpr int kMaxMailsPerCall = 100;  // SendMails' limit.

// The row's mail with the row's idempotency key.
absl::StatusOr<v1::SendMailRequest> MailOf(const OutboxRow& row) {
  if (row.kind != kMailOutboxKind) {
    return absl::FailedPreconditionError(
        absl::StrCat("outbox row ", row.id, " is of kind '", row.kind, "', not mail"));
  }
  v1::SendMailRequest mail;
  if (!mail.ParseFromString(row.payload)) {
    return absl::DataLossError(absl::StrCat("outbox row ", row.id, " is not a SendMailRequest"));
  }
  mail.set_idempotency_key(row.idempotency_key);
  return mail;
}

}  // namespace

absl::Status MailOutboxDeliverer::Deliver(const OutboxRow& row) {
  auto mail = MailOf(row);
  if (!mail.ok()) return mail.status();
  return notify_.SendMail(*mail, BackgroundContext("DeliverOutboxMail")).status();
}

std::vector<absl::Status> MailOutboxDeliverer::DeliverAll(const std::vector<OutboxRow>& rows) {
  std::vector<absl::Status> outcomes(rows.size(), absl::OkStatus());
  v1::SendMailsRequest batch;
  std::vector<size_t> positions;  // Of batch's mails in `rows`.
  auto send = [&] {
    if (positions.empty()) return;
    auto sent = notify_.SendMails(batch, BackgroundContext("DeliverOutboxMails"));
    for (size_t k = 0; k < positions.size(); ++k) {
      outcomes[positions[k]] = sent.ok() ? (*sent)[k].status() : sent.status();
    }
    batch.Clear();
    positions.clear();
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    auto mail = MailOf(rows[i]);
    if (!mail.ok()) {
      outcomes[i] = mail.status();
      continue;
    }
    v1::SendMailsItem* item = batch.add_mails();
    *item->mutable_mail() = *std::move(mail);
    item->set_traceparent(rows[i].traceparent);
    positions.push_back(i);
    if (batch.mails_size() == kMaxMailsPerCall) send();
  }
  send();
  return outcomes;
}

}  // namespace wse::notify
