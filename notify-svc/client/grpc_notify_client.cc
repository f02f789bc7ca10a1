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

void GrpcNotifyClient::Prepare(const RequestContext& call, grpc::ClientContext* context) const {
  PropagateTo(call, context);
  const auto limit = absl::ToChronoTime(absl::Now() + options_.call_timeout);
  if (context->deadline() > limit) context->set_deadline(limit);
  if (!service_token_.empty()) context->AddMetadata("authorization", "Bearer " + service_token_);
}

absl::StatusOr<v1::SendMailResponse> GrpcNotifyClient::SendMail(const v1::SendMailRequest& mail,
                                                                const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, &context);
  v1::SendMailResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(stub_->SendMail(&context, mail, &response)));
  return response;
}

absl::StatusOr<std::vector<absl::StatusOr<v1::SendMailResponse>>> GrpcNotifyClient::SendMails(
    const v1::SendMailsRequest& mails, const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, &context);
  v1::SendMailsResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(stub_->SendMails(&context, mails, &response)));
  if (response.results_size() != mails.mails_size()) {
    return absl::InternalError("SendMails answered for a different number of mails");
  }
  std::vector<absl::StatusOr<v1::SendMailResponse>> out;
  for (v1::SendMailsResult& result : *response.mutable_results()) {
    if (result.has_queued()) {
      out.push_back(std::move(*result.mutable_queued()));
    } else {
      absl::Status error = FromRpcStatus(result.error());
      out.push_back(error.ok() ? absl::InternalError("SendMails answered a mail with nothing")
                               : error);
    }
  }
  return out;
}

}  // namespace wse::notify
