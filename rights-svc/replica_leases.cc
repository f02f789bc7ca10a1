#include "rights-svc/replica_leases.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace wse::rights {

ReplicaLeases::ReplicaLeases(RevisionCache& cache, ReplicaRegistry& registry,
                             PeerInvalidator& peers, ReplicaLeaseOptions options,
                             std::function<absl::Time()> clock,
                             std::function<void(absl::Duration)> sleep)
    : cache_(cache),
      registry_(registry),
      peers_(peers),
      options_(std::move(options)),
      clock_(std::move(clock)),
      sleep_(std::move(sleep)) {}

ReplicaLeases::~ReplicaLeases() { Stop(); }

absl::Status ReplicaLeases::RenewOnce() {
  if (!enabled()) return absl::FailedPreconditionError("no --replica_address: no lease");
  absl::MutexLock lock(&renew_mu_);
  // Measured from before the statement: the database's lease ends no earlier than this.
  const absl::Time started = clock_();
  absl::StatusOr<int64_t> missed =
      registry_.Renew(options_.replica_id, options_.address, options_.lease);
  if (!missed.ok()) return missed.status();
  // A writer could not reach this replica meanwhile: what it remembers may be stale.
  const bool forget = seen_missed_ >= 0 && *missed != seen_missed_;
  if (forget) {
    LogWarn("a rights change could not be announced to this replica; forgetting all revisions",
            {{"missed", absl::StrCat(*missed - seen_missed_)}});
  }
  seen_missed_ = *missed;
  cache_.LeaseHeldUntil(started + options_.lease, forget);
  return absl::OkStatus();
}

void ReplicaLeases::Start() {
  if (!enabled() || renewer_.joinable()) return;
  if (absl::Status s = RenewOnce(); !s.ok()) {
    LogWarn("replica lease not taken yet", {{"error", s.message()}});
  }
  renewer_ = std::thread([this] {
    bool held = true;
    while (!stop_.WaitForNotificationWithTimeout(options_.lease / 3)) {
      absl::Status s = RenewOnce();
      if (s.ok() != held) {
        held = s.ok();
        if (held) {
          LogInfo(
              "replica lease renewed again (everything remembered is forgotten if it had lapsed)",
              {});
        } else {
          LogWarn("replica lease not renewed; checks read every revision until it is",
                  {{"error", s.message()}});
        }
      }
    }
  });
}

void ReplicaLeases::Stop() {
  if (!renewer_.joinable()) return;
  stop_.Notify();
  renewer_.join();
  if (absl::Status s = registry_.Release(options_.replica_id); !s.ok()) {
    LogWarn("replica lease not released; writers wait it out", {{"error", s.message()}});
  }
}

std::vector<std::string> ReplicaLeases::RevisionsCommitted(
    const std::vector<std::string>& organization_ids) {
  std::vector<std::string> unreachable;
  if (organization_ids.empty()) return unreachable;
  cache_.Invalidate(organization_ids);
  absl::StatusOr<std::vector<ReplicaPeer>> peers = registry_.LivePeers(options_.replica_id);
  if (!peers.ok()) {
    // Who holds a lease is unknown: wait until any lease granted before the commit ran out.
    LogWarn("replica leases unreadable after a rights change; waiting one lease length",
            {{"error", peers.status().message()}});
    sleep_(options_.lease);
    unreachable.push_back("(unknown)");
    return unreachable;
  }
  const absl::Time listed = clock_();
  absl::Time wait_until = clock_();
  for (const ReplicaPeer& peer : *peers) {
    absl::Status told = peers_.Invalidate(peer.address, organization_ids);
    if (told.ok()) continue;
    unreachable.push_back(peer.replica_id);
    // Recorded first, so that every renewal from now on makes it forget; then only the lease it
    // held before can still be in use.
    absl::StatusOr<absl::Duration> left = absl::UnavailableError("not tried");
    for (int attempt = 0; attempt < 3 && !left.ok(); ++attempt) {
      left = registry_.MarkMissed(peer.replica_id);
    }
    if (left.ok()) {
      wait_until = std::max(wait_until, clock_() + *left);
    } else {
      LogError(
          "a replica missed a rights change and it could not be recorded; it may answer "
          "from an older revision until its lease lapses",
          {{"replica", peer.replica_id}, {"error", left.status().message()}});
      wait_until = std::max(wait_until, listed + peer.lease_left);
    }
    LogWarn("replica not reachable for an invalidation; waiting out its lease",
            {{"replica", peer.replica_id}, {"address", peer.address}, {"error", told.message()}});
  }
  const absl::Duration left = wait_until - clock_();
  if (left > absl::ZeroDuration()) sleep_(left);
  return unreachable;
}

}  // namespace wse::rights
