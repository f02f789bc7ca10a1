#include "rights-svc/client/grpc_rights_leases.h"

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "grpcpp/client_context.h"

namespace wse::rights {
namespace {

// Anything rights-svc answers wrongly counts as no lease (the holder then asks every time).
absl::Status Unavailable(const char* rpc, const grpc::Status& status) {
  return absl::UnavailableError(absl::StrCat(rpc, " at rights-svc: ", status.error_message(), " (",
                                             static_cast<int>(status.error_code()), ")"));
}

}  // namespace

GrpcRightsLeases::GrpcRightsLeases(std::shared_ptr<grpc::Channel> channel,
                                   std::string service_token, absl::Duration call_timeout)
    : stub_(v1::ReplicaCacheService::NewStub(channel)),
      service_token_(std::move(service_token)),
      call_timeout_(call_timeout) {}

absl::StatusOr<ChangesSince> GrpcRightsLeases::RenewHolder(const ReplicaPeer& holder,
                                                           absl::Duration,
                                                           std::optional<int64_t> after) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
  context.AddMetadata("authorization", "Bearer " + service_token_);
  v1::RenewLeaseRequest request;
  request.set_holder(holder.replica_id);
  request.set_address(holder.address);
  request.set_push_token(holder.push_token);
  if (after) request.set_after_sequence(*after);
  v1::RenewLeaseResponse response;
  const grpc::Status status = stub_->RenewLease(&context, request, &response);
  if (!status.ok()) return Unavailable("RenewLease", status);
  if (!response.has_lease() || response.lease().seconds() < 0 || response.lease().nanos() < 0) {
    return absl::UnavailableError("RenewLease at rights-svc granted no lease length");
  }
  ChangesSince changes;
  changes.through_sequence = response.through_sequence();
  changes.everything = response.everything();
  changes.keys.assign(response.organization_ids().begin(), response.organization_ids().end());
  changes.granted_lease =
      absl::Seconds(response.lease().seconds()) + absl::Nanoseconds(response.lease().nanos());
  return changes;
}

absl::Status GrpcRightsLeases::Release(const std::string& holder) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
  context.AddMetadata("authorization", "Bearer " + service_token_);
  v1::ReleaseLeaseRequest request;
  request.set_holder(holder);
  v1::ReleaseLeaseResponse response;
  const grpc::Status status = stub_->ReleaseLease(&context, request, &response);
  return status.ok() ? absl::OkStatus() : Unavailable("ReleaseLease", status);
}

}  // namespace wse::rights
