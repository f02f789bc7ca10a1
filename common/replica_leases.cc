#include "common/replica_leases.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/status_macros.h"

namespace wse {

namespace {

// wse_replica_*: whether this replica may answer from what it remembers, and what it cost to
// keep every replica's memory true.
struct LeaseMetrics {
  prometheus::Counter& lapses =
      CounterOf("wse_replica_lease_lapses_total",
                "Renewals that found the previous lease already ended: everything remembered "
                "was forgotten.",
                {});
  CountersByLabel renewals{
      "wse_replica_lease_renewals_total", "Lease renewals by result.", "result", {"ok", "failed"}};
  CountersByLabel invalidations{"wse_replica_invalidations_total",
                                "Invalidations pushed to peers after a change of remembered "
                                "rows, by result (told, unreachable).",
                                "result",
                                {"told", "unreachable"}};
  prometheus::Counter& waits =
      CounterOf("wse_replica_commit_waits_total",
                "Changes whose answer waited one lease because a peer could not be told.", {});
};

LeaseMetrics& Metrics() {
  static auto* metrics = new LeaseMetrics();
  return *metrics;
}

// Made by the first renewal only: a replica without leases (no --replica_address) exposes no
// "held" series, rather than a 0 that would raise WseReplicaLeaseLost for ever.
prometheus::Gauge& HeldGauge() {
  static prometheus::Gauge& held =
      GaugeOf("wse_replica_lease_held",
              "1 while this replica holds its lease (may remember what its peers may change), 0 "
              "otherwise; measured at each renewal.",
              {});
  return held;
}

}  // namespace

ReplicaLeases::ReplicaLeases(LeaseHolder& cache, ReplicaRegistry& registry, PeerInvalidator& peers,
                             ReplicaLeaseOptions options, std::function<absl::Time()> clock,
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
  // Measured before the statement: the database's lease ends no earlier, and every change this
  // renewal does not pull committed after this moment (its writer waits out a lease from then).
  const absl::Time started = clock_();
  // After a lapse nobody was bound to tell us anything: start over rather than ask what changed.
  std::optional<int64_t> after;
  const bool held = cache_.LeaseHeld();
  if (held) after = seen_sequence_;
  auto renewed = registry_.RenewHolder({options_.replica_id, options_.address, options_.push_token},
                                       options_.lease, after);
  Metrics().renewals[renewed.ok() ? "ok" : "failed"].Increment();
  if (!renewed.ok()) {
    HeldGauge().Set(held ? 1 : 0);
    return renewed.status();
  }
  if (!held && ever_held_) Metrics().lapses.Increment();
  ever_held_ = true;
  HeldGauge().Set(1);
  ChangesSince& changes = *renewed;
  if (changes.everything && after.has_value()) {
    LogInfo("changes since the last renewal unknown or too many; forgetting all remembered",
            {{"after", absl::StrCat(*after)}, {"through", absl::StrCat(changes.through_sequence)}});
  }
  seen_sequence_ = changes.through_sequence;
  const absl::Duration lease =
      changes.granted_lease ? std::min(options_.lease, *changes.granted_lease) : options_.lease;
  cache_.LeaseHeldUntil(started + lease, changes.keys, changes.everything);
  return absl::OkStatus();
}

void ReplicaLeases::Start() {
  // Every replica prunes the change history its writers record, lease or not.
  if (pruner_ == nullptr) {
    pruner_ = std::make_unique<PeriodicTask>(absl::Seconds(30), [this] {
      if (absl::Status s = registry_.PruneHistory(); !s.ok()) {
        LogWarn("replica change history not pruned", {{"error", s.message()}});
      }
    });
    pruner_->Start();
  }
  if (!enabled() || renewer_ != nullptr) return;
  if (absl::Status s = RenewOnce(); !s.ok()) {
    LogWarn("replica lease not taken yet", {{"error", s.message()}});
  }
  renewer_ = std::make_unique<PeriodicTask>(options_.lease / 3, [this, held = true]() mutable {
    absl::Status s = RenewOnce();
    if (s.ok() == held) return;
    held = s.ok();
    if (held) {
      LogInfo("replica lease renewed again (everything remembered is forgotten if it had lapsed)",
              {});
    } else {
      LogWarn("replica lease not renewed; reading the database for everything until it is",
              {{"error", s.message()}});
    }
  });
  renewer_->Start();
}

void ReplicaLeases::Stop() {
  if (renewer_ != nullptr) {
    renewer_->Stop();
    renewer_.reset();
    // Nothing remembered counts once the lease is given up (writers stop telling this replica).
    cache_.LeaseHeldUntil(absl::InfinitePast(), {}, /*forget_all=*/true);
    if (absl::Status s = registry_.Release(options_.replica_id); !s.ok()) {
      LogWarn("replica lease not released; writers wait it out", {{"error", s.message()}});
    }
  }
  // Last: a prune under way (its own thread) does not hold up the release.
  if (pruner_ != nullptr) {
    pruner_->Stop();
    pruner_.reset();
  }
}

std::vector<std::string> ReplicaLeases::ChangesCommitted(const std::vector<std::string>& keys,
                                                         absl::Duration longest_lease,
                                                         absl::Time committed_at) {
  std::vector<std::string> unreachable;
  if (keys.empty()) return unreachable;
  cache_.Invalidate(keys);
  // A peer may have taken a longer lease than this replica's own.
  const absl::Duration lease = std::max(options_.lease, longest_lease);
  // Also replicas whose lease ended up to one lease ago by the database's clock: after a step of
  // that clock their own clock may still count on it.
  absl::StatusOr<std::vector<ReplicaPeer>> peers = registry_.Peers(options_.replica_id, lease);
  if (!peers.ok()) {
    LogWarn("replica leases unreadable after a change; waiting one lease length",
            {{"error", peers.status().message()}});
    unreachable.push_back("(unknown)");
  } else {
    const std::vector<absl::Status> told = peers_.InvalidateAll(*peers, keys);
    for (size_t i = 0; i < peers->size(); ++i) {
      const ReplicaPeer& peer = (*peers)[i];
      const absl::Status status =
          i < told.size() ? told[i] : absl::InternalError("no answer for this peer");
      Metrics().invalidations[status.ok() ? "told" : "unreachable"].Increment();
      if (status.ok()) continue;
      unreachable.push_back(peer.replica_id);
      LogWarn(
          "replica not reachable for an invalidation; waiting until it pulls the change",
          {{"replica", peer.replica_id}, {"address", peer.address}, {"error", status.message()}});
    }
  }
  // A replica not told renews (and pulls the change) or stops remembering within one lease of
  // the commit.
  if (!unreachable.empty()) {
    Metrics().waits.Increment();
    const absl::Duration left = committed_at + lease - clock_();
    if (left > absl::ZeroDuration()) sleep_(left);
  }
  return unreachable;
}

}  // namespace wse
