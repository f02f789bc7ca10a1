#pragma once
// Keeps what every replica of a service remembers (leased_cache.h) honest: rights-svc's
// organisation revisions, identity-svc's sessions and persons. "Keys" name what changed
// (an organisation id; "sessions/{id}", "persons/{id}").
//
// Each replica holds a lease in the database (ReplicaRegistry), renewed every third of its
// length. Two paths bring a change to every replica:
//   - pull (the guarantee): every transaction that changes a remembered row records its keys in
//     the service's change table before COMMIT; every renewal reads what changed since the
//     sequence it saw last and forgets those keys (everything, when it cannot tell: its first
//     renewal, a lapse, pruned history). A replica remembers only until its last renewal's start +
//     one lease, measured on its own monotonic clock; one that cannot renew stops answering from
//     memory when that runs out.
//   - push (the fast path): the replica that committed forgets those keys itself and asks each
//     other replica to forget them (PeerInvalidator) before its RPC returns.
// When a push does not get through (a replica frozen, crashed or cut off; the lease list
// unreadable), the writer waits until one lease after its commit before answering (the longest
// lease any replica took, as the writer's transaction read it: replicas may run with different
// lengths while a flag change rolls out). By then every other replica has either renewed after the
// commit, and so pulled the change, or stopped answering from memory: its last renewal started
// before the commit. Only clock rates matter, not two clocks agreeing: the writer measures its wait
// on its own clock from its commit, and pushes also to replicas whose lease ended (as the database
// sees it) within the last lease length, so a step of the database clock of up to one lease costs a
// wait, not a stale answer. Without an address for its peers to call, a replica takes no lease and
// never remembers.
//
// Another service may hold such a lease too and keep what it learnt from this one (rights-svc's
// RenewLease for registration-svc's kept CheckPermission answers): it renews through an RPC,
// is pushed with a token of its own, and remembers no longer than the lease the registry grants.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/leased_cache.h"
#include "common/periodic_task.h"

namespace wse {

struct ReplicaPeer {
  std::string replica_id;
  std::string address;
  // The bearer a lease holder of another service accepts on its invalidation RPC (rights-svc's
  // RenewLease); empty for the service's own replicas, which accept its service token.
  std::string push_token;
};

// What changed since a renewal's `after` sequence (the change table).
struct ChangesSince {
  int64_t through_sequence = 0;  // The next renewal passes this as `after`.
  bool everything = false;       // Cannot tell (no `after`, pruned, too many): forget all.
  std::vector<std::string> keys;
  // The lease granted, when the registry decides its length (a lease from another service:
  // its writers wait out their own lease length, so the holder may not remember longer).
  std::optional<absl::Duration> granted_lease;
};

// The lease and change tables (SQL in mysql_replica_registry.cc).
class ReplicaRegistry {
 public:
  virtual ~ReplicaRegistry() = default;
  // Inserts or extends a holder's lease to the database's now + `lease`, and reads which keys
  // changed in committed transactions after sequence `after` (everything when there is no
  // `after`).
  virtual absl::StatusOr<ChangesSince> RenewHolder(const ReplicaPeer& holder, absl::Duration lease,
                                                   std::optional<int64_t> after) = 0;
  // A replica of the service itself (no push token).
  absl::StatusOr<ChangesSince> Renew(const std::string& replica_id, const std::string& address,
                                     absl::Duration lease, std::optional<int64_t> after) {
    return RenewHolder({replica_id, address, ""}, lease, after);
  }
  virtual absl::Status Release(const std::string& replica_id) = 0;
  // The other replicas whose lease runs, or ended less than `grace` ago (database clock).
  virtual absl::StatusOr<std::vector<ReplicaPeer>> Peers(const std::string& replica_id,
                                                         absl::Duration grace) = 0;
  // Removes change history no renewal needs any more (one that would have needed it forgets
  // everything instead), and leases long ended. Runs on every replica, now and then.
  virtual absl::Status PruneHistory() { return absl::OkStatus(); }
};

// On a replica's invalidation RPC: refuses a push meant for another replica (`to_replica` as in
// the writer's lease table; empty: any), so a process that took over an address never
// acknowledges a change for the one whose memory it cannot clear.
inline absl::Status RequireReplica(const std::string& to_replica, const std::string& own) {
  if (to_replica.empty() || to_replica == own) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "this is another replica than the one meant; its writer waits out that one's lease");
}

// The longest lease a replica may take: the change history is kept a few leases longer
// (mysql_replica_registry.cc), and a writer that cannot tell a peer waits this long at most.
inline constexpr absl::Duration kMaxReplicaLease = absl::Seconds(30);

// Asks a peer to forget keys (over gRPC: each service's replica cache service).
class PeerInvalidator {
 public:
  virtual ~PeerInvalidator() = default;
  virtual absl::Status Invalidate(const ReplicaPeer& peer,
                                  const std::vector<std::string>& keys) = 0;
  // Asks all of them at once: one status per peer, in their order (by default one after
  // another), so a change waits for the slowest peer, not for the sum of them.
  virtual std::vector<absl::Status> InvalidateAll(const std::vector<ReplicaPeer>& peers,
                                                  const std::vector<std::string>& keys) {
    std::vector<absl::Status> told;
    told.reserve(peers.size());
    for (const ReplicaPeer& peer : peers) told.push_back(Invalidate(peer, keys));
    return told;
  }
};

struct ReplicaLeaseOptions {
  std::string replica_id;
  std::string address;  // Where the peers reach this replica; empty: no lease, no remembering.
  absl::Duration lease = absl::Seconds(3);
  // A holder of another service: the bearer it accepts on pushes (empty for the service's own
  // replicas).
  std::string push_token;
};

class ReplicaLeases {
 public:
  ReplicaLeases(LeaseHolder& cache, ReplicaRegistry& registry, PeerInvalidator& peers,
                ReplicaLeaseOptions options, std::function<absl::Time()> clock = MonotonicNow,
                std::function<void(absl::Duration)> sleep = absl::SleepFor);
  ~ReplicaLeases();

  bool enabled() const { return !options_.address.empty(); }
  // Renews the lease every third of its length until Stop (which releases it); prunes the change
  // history every 30 s (also without a lease: the writers record changes all the same).
  void Start();
  void Stop();
  // One renewal; OK when the lease is held afterwards.
  absl::Status RenewOnce();
  // After a transaction that changed the rows these keys name (see the file comment);
  // `longest_lease` as RecordReplicaChanges returned it in that transaction (zero when unknown:
  // then this replica's own), `committed_at` on this class's clock, taken after the COMMIT
  // returned (or failed). Returns the peers it could not tell (for the log and the tests);
  // "(unknown)" when it could not list them.
  std::vector<std::string> ChangesCommitted(const std::vector<std::string>& keys,
                                            absl::Duration longest_lease, absl::Time committed_at);
  std::vector<std::string> ChangesCommitted(const std::vector<std::string>& keys,
                                            absl::Duration longest_lease) {
    return ChangesCommitted(keys, longest_lease, clock_());
  }

 private:
  LeaseHolder& cache_;
  ReplicaRegistry& registry_;
  PeerInvalidator& peers_;
  const ReplicaLeaseOptions options_;
  const std::function<absl::Time()> clock_;
  const std::function<void(absl::Duration)> sleep_;
  absl::Mutex renew_mu_;  // One renewal at a time (the thread, or a test's RenewOnce).
  int64_t seen_sequence_ ABSL_GUARDED_BY(renew_mu_) = 0;
  bool ever_held_ ABSL_GUARDED_BY(renew_mu_) =
      false;  // A lease ending before the first is no lapse.
  std::unique_ptr<PeriodicTask> renewer_;
  std::unique_ptr<PeriodicTask> pruner_;
};

}  // namespace wse
