#pragma once
// gRPC side of identity-svc's remembered records (domain/remembered_records.h): the
// IdentityReplicaCacheService a replica serves (operators and identity-svc's own service token
// only), and the client that calls it on the peers.

#include <memory>
#include <string>
#include <utility>

#include "common/leased_cache.h"
#include "common/operator_auth.h"
#include "common/replica_leases.h"
#include "wse/identity/v1/replica_cache.grpc.pb.h"

namespace wse::identity {

class IdentityReplicaCacheService final
    : public wse::identity::v1::IdentityReplicaCacheService::Service {
 public:
  // `replica_id`: this replica's, as in its lease (pushes meant for another are refused).
  IdentityReplicaCacheService(LeaseHolder& remembered, std::string replica_id,
                              const OperatorAuthenticator& operators)
      : remembered_(remembered), replica_id_(std::move(replica_id)), operators_(operators) {}

  grpc::Status InvalidateRecords(grpc::ServerContext* context,
                                 const wse::identity::v1::InvalidateRecordsRequest* request,
                                 wse::identity::v1::InvalidateRecordsResponse* response) override;

 private:
  LeaseHolder& remembered_;
  const std::string replica_id_;
  const OperatorAuthenticator& operators_;
};

// Calls InvalidateRecords on a peer.
std::unique_ptr<PeerInvalidator> MakeRecordInvalidator(std::string service_token,
                                                       std::string own_replica_id);

}  // namespace wse::identity
