#include "identity-svc/adapters/replica_cache_service.h"

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/call_context.h"
#include "common/grpc_peer_invalidator.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace wse::identity {
namespace {

namespace v1 = wse::identity::v1;

constexpr int kMaxNames = 1000;

}  // namespace

grpc::Status IdentityReplicaCacheService::InvalidateRecords(
    grpc::ServerContext* context, const v1::InvalidateRecordsRequest* request,
    v1::InvalidateRecordsResponse*) {
  return Serve(context, "InvalidateRecords", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(operators_.RequireTrusted(call));
    if (request->names_size() > kMaxNames) {
      return InvalidArgument({{"names", absl::StrCat("at most ", kMaxNames, " per call")}});
    }
    for (const std::string& name : request->names()) {
      if (!absl::StartsWith(name, "sessions/") && !absl::StartsWith(name, "persons/")) {
        return InvalidArgument({{"names", "each is sessions/{id} or persons/{id}"}});
      }
    }
    RETURN_IF_ERROR(RequireReplica(request->to_replica(), replica_id_));
    remembered_.Invalidate({request->names().begin(), request->names().end()});
    return absl::OkStatus();
  });
}

std::unique_ptr<PeerInvalidator> MakeRecordInvalidator(std::string service_token,
                                                       std::string own_replica_id) {
  using Invalidator =
      GrpcPeerInvalidator<v1::IdentityReplicaCacheService, v1::InvalidateRecordsRequest,
                          v1::InvalidateRecordsResponse>;
  // Named with its type: the generated name is overloaded (callback and reactor forms).
  const Invalidator::Call call =
      &v1::IdentityReplicaCacheService::StubInterface::async_interface::InvalidateRecords;
  return std::make_unique<Invalidator>(
      call,
      [](const std::vector<std::string>& names, const std::string& from_replica,
         const std::string& to_replica, v1::InvalidateRecordsRequest& request) {
        for (const std::string& name : names) request.add_names(name);
        request.set_from_replica(from_replica);
        request.set_to_replica(to_replica);
      },
      "InvalidateRecords", std::move(service_token), std::move(own_replica_id));
}

}  // namespace wse::identity
