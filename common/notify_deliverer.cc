#include "common/notify_deliverer.h"

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "grpcpp/client_context.h"

namespace wse {

NotifyDeliverer::NotifyDeliverer(std::shared_ptr<grpc::Channel> channel, std::string service_token,
                                 absl::Duration deadline)
    : stub_(wse::notify::v1::NotifyService::NewStub(std::move(channel))),
      token_(std::move(service_token)),
      deadline_(deadline) {}

absl::Status NotifyDeliverer::Deliver(const OutboxRow& row) {
  if (row.kind != kMailOutboxKind) {
    return absl::FailedPreconditionError(
        absl::StrCat("outbox row ", row.id, " is of kind '", row.kind, "', not mail"));
  }
  wse::notify::v1::SendMailRequest request;
  if (!request.ParseFromString(row.payload)) {
    return absl::DataLossError(absl::StrCat("outbox row ", row.id, " is not a SendMailRequest"));
  }
  request.set_idempotency_key(row.idempotency_key);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  context.AddMetadata("authorization", "Bearer " + token_);
  wse::notify::v1::SendMailResponse response;
  return FromGrpcStatus(stub_->SendMail(&context, request, &response));
}

}  // namespace wse
