#pragma once
// NotifyClient over gRPC (wse.notify.v1.NotifyService/SendMail) with the service's own token (only
// services call notify-svc), the request id and the caller's deadline capped at call_timeout.

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "notify-svc/client/notify_client.h"
#include "wse/notify/v1/notify_service.grpc.pb.h"

namespace wse::notify {

struct NotifyClientOptions {
  absl::Duration call_timeout = absl::Seconds(5);
};

class GrpcNotifyClient final : public NotifyClient {
 public:
  // `service_token`: this service's credential (common/service_identity.h).
  GrpcNotifyClient(std::shared_ptr<grpc::Channel> channel, std::string service_token,
                   NotifyClientOptions options = {});

  absl::StatusOr<v1::SendMailResponse> SendMail(const v1::SendMailRequest& mail,
                                                const RequestContext& call) override;
  absl::StatusOr<std::vector<absl::StatusOr<v1::SendMailResponse>>> SendMails(
      const v1::SendMailsRequest& mails, const RequestContext& call) override;

 private:
  // The call's context: the caller's request id, trace and deadline (capped), our token.
  void Prepare(const RequestContext& call, grpc::ClientContext* context) const;

  std::unique_ptr<v1::NotifyService::Stub> stub_;
  const std::string service_token_;
  const NotifyClientOptions options_;
};

}  // namespace wse::notify
