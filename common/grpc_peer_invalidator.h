#pragma once
// The gRPC side of replica_leases.h's push: calls a service's replica-cache RPC on a peer
// replica with the service's own token (rights-svc's InvalidateRevisions, identity-svc's
// InvalidateRecords), or on another service's lease holder with the push token it registered;
// all peers at once (gRPC's callback API), one stub per peer address.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
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
  using AsyncInterface = typename Service::StubInterface::async_interface;
  using Call = void (AsyncInterface::*)(grpc::ClientContext*, const Request*, Response*,
                                        std::function<void(grpc::Status)>);
  // Fills the request with the keys, this replica's id and the peer's (`to_replica`: empty for
  // a holder of another service, whose push token is its own).
  using Fill = void (*)(const std::vector<std::string>& keys, const std::string& from_replica,
                        const std::string& to_replica, Request& request);

  GrpcPeerInvalidator(Call call, Fill fill, std::string rpc_name, std::string service_token,
                      std::string own_replica_id, absl::Duration deadline = absl::Milliseconds(500))
      : call_(call),
        fill_(fill),
        rpc_name_(std::move(rpc_name)),
        service_token_(std::move(service_token)),
        own_replica_id_(std::move(own_replica_id)),
        deadline_(deadline) {}

  absl::Status Invalidate(const ReplicaPeer& peer, const std::vector<std::string>& keys) override {
    return InvalidateAll({peer}, keys).front();
  }

  std::vector<absl::Status> InvalidateAll(const std::vector<ReplicaPeer>& peers,
                                          const std::vector<std::string>& keys) override {
    struct Pending {
      grpc::ClientContext context;
      Request request;
      Response response;
      grpc::Status status;
    };
    // Everything that may throw (allocation) happens before the first call starts: once one is
    // in flight, its callback refers to `pending` and `answered`.
    std::vector<std::unique_ptr<Pending>> pending;
    std::vector<std::shared_ptr<Stub>> stubs;
    pending.reserve(peers.size());
    stubs.reserve(peers.size());
    const auto deadline = absl::ToChronoTime(absl::Now() + deadline_);
    for (const ReplicaPeer& peer : peers) {
      auto call = std::make_unique<Pending>();
      // A holder of another service gets its own push token, never this service's credential;
      // a replica of this service gets its id, so a different replica now at that address
      // refuses rather than acknowledging for it.
      const bool holder = !peer.push_token.empty();
      fill_(keys, own_replica_id_, holder ? std::string() : peer.replica_id, call->request);
      call->context.set_deadline(deadline);
      call->context.AddMetadata("authorization",
                                "Bearer " + (holder ? peer.push_token : service_token_));
      pending.push_back(std::move(call));
      stubs.push_back(StubFor(peer.address));
    }
    absl::BlockingCounter answered(static_cast<int>(peers.size()));
    for (size_t i = 0; i < peers.size(); ++i) {
      Pending* raw = pending[i].get();
      (stubs[i]->async()->*call_)(&raw->context, &raw->request, &raw->response,
                                  [raw, &answered](grpc::Status status) {
                                    raw->status = std::move(status);
                                    answered.DecrementCount();
                                  });
    }
    answered.Wait();
    std::vector<absl::Status> told;
    told.reserve(peers.size());
    for (size_t i = 0; i < peers.size(); ++i) {
      const grpc::Status& status = pending[i]->status;
      told.push_back(status.ok()
                         ? absl::OkStatus()
                         : absl::UnavailableError(absl::StrCat(rpc_name_, " on ", peers[i].address,
                                                               ": ", status.error_message())));
    }
    return told;
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
