#include "rights-svc/adapters/replica_cache_service.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/call_context.h"
#include "common/grpc_peer_invalidator.h"
#include "common/service_identity.h"
#include "common/service_main.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace wse::rights {
namespace {

namespace v1 = wse::rights::v1;

constexpr int kMaxOrganizations = 1000;

// [A-Za-z0-9_-]{min,max}
bool IsToken(const std::string& value, size_t min, size_t max) {
  if (value.size() < min || value.size() > max) return false;
  return std::all_of(value.begin(), value.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// host:port: a host name or IPv4 address (letters, digits, '.', '-') and a port in 1..65535.
// Nothing else is dialled: no scheme (unix:, dns://...), no IPv6 brackets, no path.
bool IsAddress(const std::string& address) {
  if (address.empty() || address.size() > 255) return false;
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(address).substr(colon + 1), &port) || port < 1 ||
      port > 65535) {
    return false;
  }
  return std::all_of(
      address.begin(), address.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
      });
}

void SetDuration(absl::Duration d, google::protobuf::Duration* out) {
  const int64_t nanos = absl::ToInt64Nanoseconds(d);
  out->set_seconds(nanos / 1000000000);
  out->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

}  // namespace

absl::StatusOr<std::string> ReplicaCacheService::HolderId(const RequestContext& call,
                                                          const std::string& holder) const {
  RETURN_IF_ERROR(operators_.RequireTrusted(call));
  const std::optional<std::string> service = operators_.AllowedService(call);
  if (!service) {
    return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                        "leases are for services that keep CheckPermission answers")
        .Reason("SERVICE_ONLY");
  }
  if (!IsToken(holder, 16, 64)) {
    return InvalidArgument({{"holder", "16 to 64 characters from A-Z, a-z, 0-9, _ and -"}});
  }
  return ServiceTokenHash(absl::StrCat(*service, "/", holder)).substr(0, 32);
}

grpc::Status ReplicaCacheService::RenewLease(grpc::ServerContext* context,
                                             const v1::RenewLeaseRequest* request,
                                             v1::RenewLeaseResponse* response) {
  return Serve(context, "RenewLease", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(const std::string id, HolderId(call, request->holder()));
    std::vector<FieldViolation> violations;
    if (!IsAddress(request->address())) {
      violations.push_back(
          {"address", "host:port (host name or IPv4) where InvalidateRevisions is served"});
    }
    if (!IsToken(request->push_token(), 32, 128)) {
      violations.push_back({"push_token", "32 to 128 characters from A-Z, a-z, 0-9, _ and -"});
    }
    if (request->has_after_sequence() && request->after_sequence() < 0) {
      violations.push_back({"after_sequence", "a through_sequence of an earlier renewal"});
    }
    if (!violations.empty()) return InvalidArgument(violations);
    std::optional<int64_t> after;
    if (request->has_after_sequence()) after = request->after_sequence();
    ASSIGN_OR_RETURN(
        ChangesSince changes,
        registry_.RenewHolder({id, request->address(), request->push_token()}, lease_, after));
    response->set_through_sequence(changes.through_sequence);
    response->set_everything(changes.everything);
    for (const std::string& org : changes.keys) response->add_organization_ids(org);
    SetDuration(lease_, response->mutable_lease());
    return absl::OkStatus();
  });
}

grpc::Status ReplicaCacheService::ReleaseLease(grpc::ServerContext* context,
                                               const v1::ReleaseLeaseRequest* request,
                                               v1::ReleaseLeaseResponse*) {
  return Serve(context, "ReleaseLease", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(const std::string id, HolderId(call, request->holder()));
    return registry_.Release(id);
  });
}

grpc::Status ReplicaCacheService::InvalidateRevisions(grpc::ServerContext* context,
                                                      const v1::InvalidateRevisionsRequest* request,
                                                      v1::InvalidateRevisionsResponse*) {
  return Serve(context, "InvalidateRevisions", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(operators_.RequireTrusted(call));
    if (request->organization_ids_size() > kMaxOrganizations) {
      return InvalidArgument(
          {{"organization_ids", absl::StrCat("at most ", kMaxOrganizations, " per call")}});
    }
    RETURN_IF_ERROR(RequireReplica(request->to_replica(), replica_id_));
    cache_.Invalidate({request->organization_ids().begin(), request->organization_ids().end()});
    return absl::OkStatus();
  });
}

std::unique_ptr<PeerInvalidator> MakeRevisionInvalidator(std::string service_token,
                                                         std::string own_replica_id) {
  using Invalidator = GrpcPeerInvalidator<v1::ReplicaCacheService, v1::InvalidateRevisionsRequest,
                                          v1::InvalidateRevisionsResponse>;
  // Named with its type: the generated name is overloaded (callback and reactor forms).
  const Invalidator::Call call =
      &v1::ReplicaCacheService::StubInterface::async_interface::InvalidateRevisions;
  return std::make_unique<Invalidator>(
      call,
      [](const std::vector<std::string>& organization_ids, const std::string& from_replica,
         const std::string& to_replica, v1::InvalidateRevisionsRequest& request) {
        for (const std::string& id : organization_ids) request.add_organization_ids(id);
        request.set_from_replica(from_replica);
        request.set_to_replica(to_replica);
      },
      "InvalidateRevisions", std::move(service_token), std::move(own_replica_id));
}

}  // namespace wse::rights
