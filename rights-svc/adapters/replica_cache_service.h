#pragma once
// gRPC side of replica_leases.h: the ReplicaCache service a replica serves (InvalidateRevisions:
// operators and rights-svc's own service token; RenewLease/ReleaseLease: the services allowed
// them, for answers they keep), and the client that calls InvalidateRevisions on the peers.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/operator_auth.h"
#include "common/replica_leases.h"
#include "rights-svc/domain/revision_cache.h"
#include "wse/rights/v1/replica_cache.grpc.pb.h"

namespace wse::rights {

class ReplicaCacheService final : public wse::rights::v1::ReplicaCacheService::Service {
 public:
  // `lease`: this service's replica lease, which its writers wait out for a holder they cannot
  // reach; holders get no longer.
  // `replica_id`: this replica's, as in its lease (pushes meant for another are refused).
  ReplicaCacheService(RevisionCache& cache, ReplicaRegistry& registry, absl::Duration lease,
                      std::string replica_id, const OperatorAuthenticator& operators)
      : cache_(cache),
        registry_(registry),
        lease_(lease),
        replica_id_(std::move(replica_id)),
        operators_(operators) {}

  grpc::Status InvalidateRevisions(grpc::ServerContext* context,
                                   const wse::rights::v1::InvalidateRevisionsRequest* request,
                                   wse::rights::v1::InvalidateRevisionsResponse* response) override;
  grpc::Status RenewLease(grpc::ServerContext* context,
                          const wse::rights::v1::RenewLeaseRequest* request,
                          wse::rights::v1::RenewLeaseResponse* response) override;
  grpc::Status ReleaseLease(grpc::ServerContext* context,
                            const wse::rights::v1::ReleaseLeaseRequest* request,
                            wse::rights::v1::ReleaseLeaseResponse* response) override;

 private:
  // The lease table's id of a holder: its service's name and its own name, hashed, so a holder
  // can never take over a rights-svc replica's lease or another service's.
  absl::StatusOr<std::string> HolderId(const RequestContext& call, const std::string& holder) const;

  RevisionCache& cache_;
  ReplicaRegistry& registry_;
  const absl::Duration lease_;
  const std::string replica_id_;
  const OperatorAuthenticator& operators_;
};

// Calls InvalidateRevisions on a peer.
std::unique_ptr<PeerInvalidator> MakeRevisionInvalidator(std::string service_token,
                                                         std::string own_replica_id);

}  // namespace wse::rights
