#include "notify-svc/client/grpc_notify_client.h"

#include "common/call_context.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "grpcpp/client_context.h"

namespace wse::notify {

GrpcNotifyClient::GrpcNotifyClient(std::shared_ptr<grpc::Channel> channel,
                                   std::string service_token, NotifyClientOptions options)
    : stub_(v1::NotifyService::NewStub(std::move(channel))),
      service_token_(std::move(service_token)),
      options_(options) {}

absl::StatusOr<v1::SendMailResponse> GrpcNotifyClient::SendMail(const v1::SendMailRequest& mail,
                                                                const RequestContext& call) {
  grpc::ClientContext context;
  PropagateTo(call, &context);
  const auto limit = absl::ToChronoTime(absl::Now() + options_.call_timeout);
  if (context.deadline() > limit) context.set_deadline(limit);
  if (!service_token_.empty()) context.AddMetadata("authorization", "Bearer " + service_token_);
  v1::SendMailResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(stub_->SendMail(&context, mail, &response)));
  return response;
}

}  // namespace wse::notify
