#pragma once
// The OutboxDeliverer of mails: an outbox row of kind "mail" holds a serialized
// wse.notify.v1.SendMailRequest; it is delivered with NotifyService.SendMail, with the row's
// stable idempotency key ("<source>/outbox/<id>") replacing whatever key the payload had, so a
// redelivery after a crash or timeout is a replay on notify-svc's side and never a second mail.
//
// OK from SendMail (new, or replayed = true) means notify-svc has the message durably. Every
// error is left to the relay to retry with backoff, including INVALID_ARGUMENT (a payload bug:
// it stays visible as a failing outbox row with its last_error instead of vanishing) and
// ALREADY_EXISTS (the same key with other content cannot happen with row-derived keys).
// Rows of other kinds are refused (FAILED_PRECONDITION): they belong to another deliverer.

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/outbox.h"
#include "grpcpp/channel.h"
#include "wse/notify/v1/notify_service.grpc.pb.h"

namespace wse {

inline constexpr char kMailOutboxKind[] = "mail";

class NotifyDeliverer : public OutboxDeliverer {
 public:
  // `service_token` is this service's own credential (common/service_identity.h).
  NotifyDeliverer(std::shared_ptr<grpc::Channel> channel, std::string service_token,
                  absl::Duration deadline = absl::Seconds(5));
  absl::Status Deliver(const OutboxRow& row) override;

 private:
  std::unique_ptr<wse::notify::v1::NotifyService::Stub> stub_;
  const std::string token_;
  const absl::Duration deadline_;
};

}  // namespace wse
