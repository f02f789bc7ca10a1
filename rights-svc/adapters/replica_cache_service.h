#pragma once
// gRPC side of replica_leases.h: the ReplicaCache service a replica serves (operators and
// rights-svc's own service token only), and the client that calls it on the peers.

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
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

class GrpcPeerInvalidator : public PeerInvalidator {
 public:
  GrpcPeerInvalidator(std::string service_token, std::string own_replica_id,
                      absl::Duration deadline = absl::Milliseconds(500))
      : service_token_(std::move(service_token)),
        own_replica_id_(std::move(own_replica_id)),
        deadline_(deadline) {}

  absl::Status Invalidate(const std::string& address,
                          const std::vector<std::string>& organization_ids) override;

 private:
  std::shared_ptr<wse::rights::v1::ReplicaCacheService::Stub> StubFor(const std::string& address);

  const std::string service_token_;
  const std::string own_replica_id_;
  const absl::Duration deadline_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<wse::rights::v1::ReplicaCacheService::Stub>>
      stubs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse::rights
