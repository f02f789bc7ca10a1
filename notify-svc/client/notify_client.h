#pragma once
// notify-svc's client library: how the other services hand it a mail. The interface is free of
// gRPC (domain code and the outbox deliverer hold it); grpc_notify_client.h implements it over
// wse.notify.v1.NotifyService, fake_notify_client.h in memory for unit tests.
//
// A mail that a business change promises is not sent from the change itself: it is an outbox row
// (MailOutboxMessage) in the change's transaction, and the outbox relay hands it to notify-svc
// through MailOutboxDeliverer (mail_outbox_deliverer.h), so it survives notify-svc being down.

#include <vector>

#include "absl/status/statusor.h"
#include "common/outbox_message.h"
#include "common/request_context.h"
#include "wse/notify/v1/notify_service.pb.h"

namespace wse::notify {

// The outbox kind of a mail; the payload is a serialized wse.notify.v1.SendMailRequest.
inline constexpr char kMailOutboxKind[] = "mail";

inline OutboxMessage MailOutboxMessage(const v1::SendMailRequest& mail) {
  return OutboxMessage{kMailOutboxKind, mail.SerializeAsString()};
}

class NotifyClient {
 public:
  virtual ~NotifyClient() = default;

  // Hands one mail to notify-svc. OK means notify-svc holds it durably: new, or a replay of the
  // same idempotency_key (response.replayed()), never a second mail. Errors keep their meaning
  // (INVALID_ARGUMENT: the mail itself is wrong; UNAVAILABLE / DEADLINE_EXCEEDED: try again).
  virtual absl::StatusOr<v1::SendMailResponse> SendMail(const v1::SendMailRequest& mail,
                                                        const RequestContext& call) = 0;
  // Hands up to 100 mails over in one call (SendMails): per mail, in order, what SendMail would
  // have answered. An error for the whole call (UNAVAILABLE, say): none of them is known to be
  // held, try them all again (the idempotency keys make that safe).
  virtual absl::StatusOr<std::vector<absl::StatusOr<v1::SendMailResponse>>> SendMails(
      const v1::SendMailsRequest& mails, const RequestContext& call) = 0;
};

}  // namespace wse::notify
