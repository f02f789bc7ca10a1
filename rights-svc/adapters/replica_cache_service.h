#pragma once
// gRPC side of replica_leases.h: the ReplicaCache service a replica serves (operators and
// rights-svc's own service token only), and the client that calls it on the peers.

#include <memory>
#include <string>
#include <vector>

#include "common/operator_auth.h"
#include "common/replica_leases.h"
#include "rights-svc/domain/revision_cache.h"
#include "wse/rights/v1/replica_cache.grpc.pb.h"

namespace wse::rights {

class ReplicaCacheService final : public wse::rights::v1::ReplicaCacheService::Service {
 public:
  ReplicaCacheService(RevisionCache& cache, const OperatorAuthenticator& operators)
      : cache_(cache), operators_(operators) {}

  grpc::Status InvalidateRevisions(grpc::ServerContext* context,
                                   const wse::rights::v1::InvalidateRevisionsRequest* request,
                                   wse::rights::v1::InvalidateRevisionsResponse* response) override;

 private:
  RevisionCache& cache_;
  const OperatorAuthenticator& operators_;
};

// Calls InvalidateRevisions on a peer.
std::unique_ptr<PeerInvalidator> MakeRevisionInvalidator(std::string service_token,
                                                         std::string own_replica_id);

}  // namespace wse::rights
