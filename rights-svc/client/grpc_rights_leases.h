#pragma once
// A lease from rights-svc for another service that keeps CheckPermission answers
// (ReplicaCacheService.RenewLease / ReleaseLease with the service's own token), as the
// ReplicaRegistry that common/replica_leases.h renews. The holder changes no rights, so it has no
// peers to tell: Peers is never needed and answers an empty list.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/replica_leases.h"
#include "grpcpp/channel.h"
#include "wse/rights/v1/replica_cache.grpc.pb.h"

namespace wse::rights {

class GrpcRightsLeases final : public ReplicaRegistry {
 public:
  GrpcRightsLeases(std::shared_ptr<grpc::Channel> channel, std::string service_token,
                   absl::Duration call_timeout = absl::Seconds(2));

  // holder.replica_id is the holder's name within this service; the lease's length is
  // rights-svc's (ChangesSince::granted_lease), whatever `lease` asks.
  absl::StatusOr<ChangesSince> RenewHolder(const ReplicaPeer& holder, absl::Duration lease,
                                           std::optional<int64_t> after) override;
  absl::Status Release(const std::string& holder) override;
  absl::StatusOr<std::vector<ReplicaPeer>> Peers(const std::string&, absl::Duration) override {
    return std::vector<ReplicaPeer>();
  }

 private:
  std::unique_ptr<v1::ReplicaCacheService::Stub> stub_;
  const std::string service_token_;
  const absl::Duration call_timeout_;
};

}  // namespace wse::rights
