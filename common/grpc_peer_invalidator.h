#pragma once
// The gRPC side of replica_leases.h's push: calls a service's replica-cache RPC on a peer
// replica with the service's own token (rights-svc's InvalidateRevisions, identity-svc's
// InvalidateRecords), or on another service's lease holder with the push token it registered;
// one stub per peer address.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/replica_leases.h"
#include "common/service_main.h"
#include "grpcpp/client_context.h"

namespace wse {

template <typename Service, typename Request, typename Response>
class GrpcPeerInvalidator : public PeerInvalidator {
 public:
  using Stub = typename Service::Stub;
  using Call = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);
  // Fills the request with the keys and this replica's id.
  using Fill = void (*)(const std::vector<std::string>& keys, const std::string& from_replica,
                        Request& request);

  GrpcPeerInvalidator(Call call, Fill fill, std::string rpc_name, std::string service_token,
                      std::string own_replica_id, absl::Duration deadline = absl::Milliseconds(500))
      : call_(call),
        fill_(fill),
        rpc_name_(std::move(rpc_name)),
        service_token_(std::move(service_token)),
        own_replica_id_(std::move(own_replica_id)),
        deadline_(deadline) {}

  absl::Status Invalidate(const ReplicaPeer& peer, const std::vector<std::string>& keys) override {
    Request request;
    fill_(keys, own_replica_id_, request);
    Response response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
    // A holder of another service gets its own push token, never this service's credential.
    context.AddMetadata("authorization",
                        "Bearer " + (peer.push_token.empty() ? service_token_ : peer.push_token));
    const grpc::Status status = (StubFor(peer.address).get()->*call_)(&context, request, &response);
    if (status.ok()) return absl::OkStatus();
    return absl::UnavailableError(
        absl::StrCat(rpc_name_, " on ", peer.address, ": ", status.error_message()));
  }

 private:
  std::shared_ptr<Stub> StubFor(const std::string& address) {
    absl::MutexLock lock(&mu_);
    // Pod addresses come and go; the few live ones are cheap to reconnect after a reset.
    if (stubs_.size() >= 64 && !stubs_.contains(address)) stubs_.clear();
    auto& stub = stubs_[address];
    if (stub == nullptr) stub = Service::NewStub(ServiceChannel(address));
    return stub;
  }

  const Call call_;
  const Fill fill_;
  const std::string rpc_name_;
  const std::string service_token_;
  const std::string own_replica_id_;
  const absl::Duration deadline_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Stub>> stubs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse
