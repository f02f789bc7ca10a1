#pragma once
// Keeps every rights-svc replica's remembered revisions (revision_cache.h) honest.
//
// Each replica holds a lease in the database (ReplicaRegistry), renewed every third of its
// length. A replica that committed a change to organisations' rights, before its RPC returns:
//   1. forgets those organisations' revisions itself;
//   2. asks every other replica with a live lease to forget them (PeerInvalidator);
//   3. for each replica it could not reach (crashed, frozen, or alive behind a broken network),
//      counts a missed invalidation on its lease and waits until the lease it held then has run
//      out. That replica, at its next renewal, sees the count moved and forgets everything; if it
//      cannot renew, its lease lapses and it stops answering from memory (and forgets everything
//      when it renews after a lapse, since writers no longer told it).
// So once a revocation has been answered, no replica decides on an older revision. A replica that
// crashed without releasing its lease delays revocations by at most one lease length.
// Without an address for its peers to call, a replica takes no lease and never remembers.

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "rights-svc/revision_cache.h"

namespace wse::rights {

struct ReplicaPeer {
  std::string replica_id;
  std::string address;
  absl::Duration lease_left;  // As the database saw it when listing.
};

// The replica_leases table (SQL in mysql_replica_registry.cc).
class ReplicaRegistry {
 public:
  virtual ~ReplicaRegistry() = default;
  // Inserts or extends this replica's lease to the database's now + `lease`; returns its count
  // of missed invalidations (MarkMissed) as stored after the renewal.
  virtual absl::StatusOr<int64_t> Renew(const std::string& replica_id, const std::string& address,
                                        absl::Duration lease) = 0;
  // Counts a missed invalidation on the replica's lease; returns how long that lease still runs
  // (zero when it has ended or is gone).
  virtual absl::StatusOr<absl::Duration> MarkMissed(const std::string& replica_id) = 0;
  virtual absl::Status Release(const std::string& replica_id) = 0;
  // The other replicas whose lease has not run out.
  virtual absl::StatusOr<std::vector<ReplicaPeer>> LivePeers(const std::string& replica_id) = 0;
};

// Calls ReplicaCacheService.InvalidateRevisions on a peer (grpc in replica_cache_service.h).
class PeerInvalidator {
 public:
  virtual ~PeerInvalidator() = default;
  virtual absl::Status Invalidate(const std::string& address,
                                  const std::vector<std::string>& organization_ids) = 0;
};

struct ReplicaLeaseOptions {
  std::string replica_id;
  std::string address;  // Where the peers reach this replica; empty: no lease, no remembering.
  absl::Duration lease = absl::Seconds(3);
};

class ReplicaLeases {
 public:
  ReplicaLeases(RevisionCache& cache, ReplicaRegistry& registry, PeerInvalidator& peers,
                ReplicaLeaseOptions options, std::function<absl::Time()> clock = MonotonicNow,
                std::function<void(absl::Duration)> sleep = absl::SleepFor);
  ~ReplicaLeases();

  bool enabled() const { return !options_.address.empty(); }
  // Renews the lease every third of its length until Stop (which releases it).
  void Start();
  void Stop();
  // One renewal; OK when the lease is held afterwards.
  absl::Status RenewOnce();
  // After a commit that changed these organisations' rights (see the file comment). Returns the
  // peers it could not reach (for the log and the tests).
  std::vector<std::string> RevisionsCommitted(const std::vector<std::string>& organization_ids);

 private:
  RevisionCache& cache_;
  ReplicaRegistry& registry_;
  PeerInvalidator& peers_;
  const ReplicaLeaseOptions options_;
  const std::function<absl::Time()> clock_;
  const std::function<void(absl::Duration)> sleep_;
  absl::Mutex renew_mu_;  // One renewal at a time (the thread, or a test's RenewOnce).
  int64_t seen_missed_ ABSL_GUARDED_BY(renew_mu_) = -1;
  absl::Notification stop_;
  std::thread renewer_;
};

}  // namespace wse::rights
