#include "rights-svc/adapters/replica_cache_service.h"

#include "absl/strings/str_cat.h"
#include "common/call_context.h"
#include "common/service_main.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "grpcpp/client_context.h"

namespace wse::rights {
namespace {

namespace v1 = wse::rights::v1;

constexpr int kMaxOrganizations = 1000;

}  // namespace

grpc::Status ReplicaCacheService::InvalidateRevisions(grpc::ServerContext* context,
                                                      const v1::InvalidateRevisionsRequest* request,
                                                      v1::InvalidateRevisionsResponse*) {
  return Serve(context, "InvalidateRevisions", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(operators_.RequireTrusted(call));
    if (request->organization_ids_size() > kMaxOrganizations) {
      return InvalidArgument(
          {{"organization_ids", absl::StrCat("at most ", kMaxOrganizations, " per call")}});
    }
    cache_.Invalidate({request->organization_ids().begin(), request->organization_ids().end()});
    return absl::OkStatus();
  });
}

std::shared_ptr<v1::ReplicaCacheService::Stub> GrpcPeerInvalidator::StubFor(
    const std::string& address) {
  absl::MutexLock lock(&mu_);
  // Pod addresses come and go; the few live ones are cheap to reconnect after a reset.
  if (stubs_.size() >= 64 && !stubs_.contains(address)) stubs_.clear();
  auto& stub = stubs_[address];
  if (stub == nullptr) stub = v1::ReplicaCacheService::NewStub(ServiceChannel(address));
  return stub;
}

absl::Status GrpcPeerInvalidator::Invalidate(const std::string& address,
                                             const std::vector<std::string>& organization_ids) {
  v1::InvalidateRevisionsRequest request;
  for (const std::string& id : organization_ids) request.add_organization_ids(id);
  request.set_from_replica(own_replica_id_);
  v1::InvalidateRevisionsResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  context.AddMetadata("authorization", "Bearer " + service_token_);
  const grpc::Status status = StubFor(address)->InvalidateRevisions(&context, request, &response);
  if (status.ok()) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("InvalidateRevisions on ", address, ": ", status.error_message()));
}

}  // namespace wse::rights
