#include "rights-svc/adapters/replica_cache_service.h"

#include "absl/strings/str_cat.h"
#include "common/call_context.h"
#include "common/grpc_peer_invalidator.h"
#include "common/service_main.h"
#include "common/status.h"
#include "common/status_macros.h"

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

std::unique_ptr<PeerInvalidator> MakeRevisionInvalidator(std::string service_token,
                                                         std::string own_replica_id) {
  return std::make_unique<GrpcPeerInvalidator<
      v1::ReplicaCacheService, v1::InvalidateRevisionsRequest, v1::InvalidateRevisionsResponse>>(
      &v1::ReplicaCacheService::Stub::InvalidateRevisions,
      [](const std::vector<std::string>& organization_ids, const std::string& from_replica,
         v1::InvalidateRevisionsRequest& request) {
        for (const std::string& id : organization_ids) request.add_organization_ids(id);
        request.set_from_replica(from_replica);
      },
      "InvalidateRevisions", std::move(service_token), std::move(own_replica_id));
}

}  // namespace wse::rights
