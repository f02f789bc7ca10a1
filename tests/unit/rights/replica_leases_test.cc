// Remembered revisions and the replica leases that keep them honest (rights-svc/revision_cache.h,
// rights-svc/replica_leases.h), on a manual clock with in-memory registry and peers.
#include "common/replica_leases.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rights-svc/domain/revision_cache.h"

namespace wse::rights {
namespace {

constexpr char kSchool[] = "school";
constexpr char kCompany[] = "company";

struct ManualClock {
  absl::Time now = absl::UnixEpoch() + absl::Hours(1);
  std::function<absl::Time()> fn() {
    return [this] { return now; };
  }
};

TEST(RevisionCacheTest, RemembersOnlyWhileTheLeaseIsHeld) {
  ManualClock clock;
  RevisionCache cache(clock.fn());
  cache.Store(kSchool, 7, cache.generation());
  EXPECT_EQ(cache.Find(kSchool), std::nullopt) << "no lease yet: nothing may be remembered";

  cache.LeaseHeldUntil(clock.now + absl::Seconds(3));
  cache.Store(kSchool, 7, cache.generation());
  EXPECT_EQ(cache.Find(kSchool), 7);
  clock.now += absl::Seconds(3);
  EXPECT_EQ(cache.Find(kSchool), std::nullopt) << "the lease ran out";
}

TEST(RevisionCacheTest, ARenewalAfterALapseForgetsEverything) {
  ManualClock clock;
  RevisionCache cache(clock.fn());
  cache.LeaseHeldUntil(clock.now + absl::Seconds(3));
  cache.Store(kSchool, 7, cache.generation());
  cache.LeaseHeldUntil(clock.now + absl::Seconds(4));  // Renewed in time: kept.
  EXPECT_EQ(cache.Find(kSchool), 7);

  clock.now += absl::Seconds(5);  // Lapsed: writers stopped telling this replica.
  cache.LeaseHeldUntil(clock.now + absl::Seconds(3));
  EXPECT_EQ(cache.Find(kSchool), std::nullopt);
}

TEST(RevisionCacheTest, AReadThatAnInvalidationOvertookIsNotRemembered) {
  ManualClock clock;
  RevisionCache cache(clock.fn());
  cache.LeaseHeldUntil(clock.now + absl::Seconds(3));
  const uint64_t before_read = cache.generation();
  // The database read returns revision 7 while a writer commits 8 and invalidates meanwhile.
  cache.Invalidate({kSchool});
  cache.Store(kSchool, 7, before_read);
  EXPECT_EQ(cache.Find(kSchool), std::nullopt);

  cache.Store(kSchool, 8, cache.generation());
  cache.Store(kCompany, 2, cache.generation());
  cache.Invalidate({kSchool});
  EXPECT_EQ(cache.Find(kSchool), std::nullopt);
  EXPECT_EQ(cache.Find(kCompany), 2) << "other organisations stay remembered";
}

TEST(RevisionCacheTest, AReadThatALapseOvertookIsNotRemembered) {
  ManualClock clock;
  RevisionCache cache(clock.fn());
  cache.LeaseHeldUntil(clock.now + absl::Seconds(3));
  const uint64_t before_read = cache.generation();
  clock.now += absl::Seconds(4);
  cache.LeaseHeldUntil(clock.now + absl::Seconds(3));
  cache.Store(kSchool, 7, before_read);
  EXPECT_EQ(cache.Find(kSchool), std::nullopt);
}

TEST(RevisionCacheTest, ARenewalForgetsWhatItPulledAndRefusesReadsItOvertook) {
  ManualClock clock;
  RevisionCache cache(clock.fn());
  cache.LeaseHeldUntil(clock.now + absl::Seconds(3));
  cache.Store(kSchool, 7, cache.generation());
  cache.Store(kCompany, 2, cache.generation());
  const uint64_t before_read = cache.generation();
  cache.LeaseHeldUntil(clock.now + absl::Seconds(3), {kSchool});
  EXPECT_EQ(cache.Find(kSchool), std::nullopt);
  EXPECT_EQ(cache.Find(kCompany), 2) << "unchanged organisations stay remembered";
  cache.Store(kSchool, 7, before_read);
  EXPECT_EQ(cache.Find(kSchool), std::nullopt) << "read before the renewal: maybe older";

  cache.LeaseHeldUntil(clock.now + absl::Seconds(3), {}, /*forget_all=*/true);
  EXPECT_EQ(cache.Find(kCompany), std::nullopt);
}

// What changes without being recorded (a hand edit; a replica of a release that did not record
// changes) is answered from memory for at most remember_for after the read.
TEST(RevisionCacheTest, AValueIsAnsweredForAtMostRememberForAfterItsRead) {
  ManualClock clock;
  RevisionCache cache(clock.fn(), absl::Minutes(5));
  cache.LeaseHeldUntil(clock.now + absl::Seconds(3));
  cache.Store(kSchool, 7, cache.generation());
  for (int second = 0; second < 300; ++second) {  // Renewed every second, nothing changes.
    EXPECT_EQ(cache.Find(kSchool), 7) << second;
    clock.now += absl::Seconds(1);
    cache.LeaseHeldUntil(clock.now + absl::Seconds(3));
  }
  EXPECT_EQ(cache.Find(kSchool), std::nullopt) << "older than five minutes: read again";
  cache.Store(kSchool, 8, cache.generation());
  EXPECT_EQ(cache.Find(kSchool), 8);
}

// The first rollout of a release that remembers: record and push, never answer from memory.
TEST(RevisionCacheTest, RememberForZeroRemembersNothing) {
  ManualClock clock;
  RevisionCache cache(clock.fn(), absl::ZeroDuration());
  cache.LeaseHeldUntil(clock.now + absl::Seconds(3));
  cache.Store(kSchool, 7, cache.generation());
  EXPECT_EQ(cache.Find(kSchool), std::nullopt);
  EXPECT_TRUE(cache.LeaseHeld()) << "still a peer that writers tell";
}

TEST(RequireReplicaTest, APushForAnotherReplicaIsRefused) {
  EXPECT_TRUE(RequireReplica("", "a").ok()) << "a sender that names none (earlier release)";
  EXPECT_TRUE(RequireReplica("a", "a").ok());
  EXPECT_EQ(RequireReplica("b", "a").code(), absl::StatusCode::kFailedPrecondition)
      << "a process that took over b's address must not acknowledge for b";
}

// revision_changes in memory: change i (from 1) is organisation changes[i - 1].
class FakeRegistry : public ReplicaRegistry {
 public:
  absl::StatusOr<ChangesSince> RenewHolder(const ReplicaPeer& holder, absl::Duration,
                                           std::optional<int64_t> after) override {
    if (down) return absl::UnavailableError("database down");
    renewals.push_back(holder);
    asked_after.push_back(after);
    ChangesSince out;
    out.granted_lease = granted_lease;
    out.through_sequence = static_cast<int64_t>(changes.size());
    out.everything = !after.has_value() || *after < pruned_through || *after > out.through_sequence;
    if (!out.everything) {
      std::set<std::string> changed(changes.begin() + *after, changes.end());
      out.keys.assign(changed.begin(), changed.end());
    }
    return out;
  }
  absl::Status Release(const std::string& id) override {
    released.insert(id);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ReplicaPeer>> Peers(const std::string& id,
                                                 absl::Duration grace) override {
    if (down) return absl::UnavailableError("database down");
    graces.push_back(grace);
    std::vector<ReplicaPeer> out;
    for (const auto& p : peers) {
      if (p.replica_id != id) out.push_back(p);
    }
    return out;
  }
  bool down = false;
  std::vector<std::string> changes;
  int64_t pruned_through = 0;
  std::vector<ReplicaPeer> peers;
  std::optional<absl::Duration> granted_lease;
  std::vector<ReplicaPeer> renewals;
  std::vector<std::optional<int64_t>> asked_after;
  std::vector<absl::Duration> graces;
  std::set<std::string> released;
};

class FakePeers : public PeerInvalidator {
 public:
  absl::Status Invalidate(const ReplicaPeer& peer,
                          const std::vector<std::string>& organization_ids) override {
    if (unreachable.contains(peer.address)) return absl::UnavailableError("connection refused");
    told[peer.address].push_back(organization_ids);
    return absl::OkStatus();
  }
  std::set<std::string> unreachable;
  std::map<std::string, std::vector<std::vector<std::string>>> told;
};

class ReplicaLeasesTest : public ::testing::Test {
 protected:
  ReplicaLeases Make(const std::string& address) {
    return ReplicaLeases(cache_, registry_, peers_, {"self", address, absl::Seconds(3), ""},
                         clock_.fn(), [this](absl::Duration d) {
                           slept_ += d;
                           clock_.now += d;
                         });
  }
  ManualClock clock_;
  RevisionCache cache_{clock_.fn()};
  FakeRegistry registry_;
  FakePeers peers_;
  absl::Duration slept_ = absl::ZeroDuration();
};

TEST_F(ReplicaLeasesTest, ARenewalHoldsTheLeaseFromBeforeTheStatement) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  ASSERT_TRUE(leases.RenewOnce().ok());
  ASSERT_EQ(registry_.renewals.size(), 1u);
  EXPECT_EQ(registry_.renewals[0].address, "10.0.0.1:50052");
  EXPECT_TRUE(cache_.LeaseHeld());
  clock_.now += absl::Seconds(3);
  EXPECT_FALSE(cache_.LeaseHeld());

  registry_.down = true;
  EXPECT_FALSE(leases.RenewOnce().ok());
  EXPECT_FALSE(cache_.LeaseHeld()) << "a failed renewal must not extend the lease";
}

// A lease from another service (rights-svc's RenewLease): its writers wait out their own lease
// length, so the holder remembers no longer than that, whatever it was configured with.
TEST_F(ReplicaLeasesTest, AGrantedLeaseShorterThanConfiguredBoundsTheMemory) {
  ReplicaLeases leases = Make("10.0.0.1:50053");
  registry_.granted_lease = absl::Seconds(1);
  ASSERT_TRUE(leases.RenewOnce().ok());
  clock_.now += absl::Milliseconds(999);
  EXPECT_TRUE(cache_.LeaseHeld());
  clock_.now += absl::Milliseconds(1);
  EXPECT_FALSE(cache_.LeaseHeld()) << "remembered past the granted lease";
  registry_.granted_lease = absl::Seconds(10);  // Longer than configured (3 s): 3 s.
  ASSERT_TRUE(leases.RenewOnce().ok());
  clock_.now += absl::Seconds(3);
  EXPECT_FALSE(cache_.LeaseHeld());
}

TEST_F(ReplicaLeasesTest, WithoutAnAddressNoLeaseIsTaken) {
  ReplicaLeases leases = Make("");
  EXPECT_FALSE(leases.enabled());
  EXPECT_FALSE(leases.RenewOnce().ok());
  EXPECT_TRUE(registry_.renewals.empty());
  EXPECT_FALSE(cache_.LeaseHeld());
}

TEST_F(ReplicaLeasesTest, ARenewalPullsWhatChangedSinceTheSequenceItSawLast) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  registry_.changes = {kCompany, kSchool};
  ASSERT_TRUE(leases.RenewOnce().ok());
  EXPECT_EQ(registry_.asked_after.back(), std::nullopt) << "the first renewal cannot tell";
  cache_.Store(kSchool, 4, cache_.generation());
  cache_.Store(kCompany, 9, cache_.generation());

  ASSERT_TRUE(leases.RenewOnce().ok());
  EXPECT_EQ(registry_.asked_after.back(), 2);
  EXPECT_EQ(cache_.Find(kSchool), 4) << "nothing changed: kept";

  registry_.changes.push_back(kSchool);  // Committed elsewhere; its push never arrived.
  ASSERT_TRUE(leases.RenewOnce().ok());
  EXPECT_EQ(registry_.asked_after.back(), 2);
  EXPECT_EQ(cache_.Find(kSchool), std::nullopt);
  EXPECT_EQ(cache_.Find(kCompany), 9);
  ASSERT_TRUE(leases.RenewOnce().ok());
  EXPECT_EQ(registry_.asked_after.back(), 3);
}

TEST_F(ReplicaLeasesTest, ARenewalThatCannotTellWhatChangedForgetsEverything) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  registry_.changes = {kSchool};
  ASSERT_TRUE(leases.RenewOnce().ok());
  cache_.Store(kCompany, 9, cache_.generation());
  registry_.changes.insert(registry_.changes.end(), {kSchool, kSchool, kSchool});
  registry_.pruned_through = 3;  // Pruned past what this replica saw.
  ASSERT_TRUE(leases.RenewOnce().ok());
  EXPECT_TRUE(cache_.LeaseHeld());
  EXPECT_EQ(cache_.Find(kCompany), std::nullopt);
}

TEST_F(ReplicaLeasesTest, AfterALapseTheRenewalAsksForEverything) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  ASSERT_TRUE(leases.RenewOnce().ok());
  clock_.now += absl::Seconds(4);
  ASSERT_TRUE(leases.RenewOnce().ok());
  EXPECT_EQ(registry_.asked_after.back(), std::nullopt);
}

TEST_F(ReplicaLeasesTest, ACommitTellsEveryPeerAndForgetsLocally) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  ASSERT_TRUE(leases.RenewOnce().ok());
  cache_.Store(kSchool, 4, cache_.generation());
  registry_.peers = {{"b", "10.0.0.2:50052", ""}, {"c", "10.0.0.3:50052", ""}};

  EXPECT_TRUE(leases.ChangesCommitted({kSchool}, absl::ZeroDuration()).empty());
  EXPECT_EQ(cache_.Find(kSchool), std::nullopt);
  EXPECT_EQ(peers_.told["10.0.0.2:50052"], std::vector<std::vector<std::string>>{{kSchool}});
  EXPECT_EQ(peers_.told["10.0.0.3:50052"], std::vector<std::vector<std::string>>{{kSchool}});
  EXPECT_EQ(slept_, absl::ZeroDuration()) << "everyone was told: no waiting";
  EXPECT_EQ(registry_.graces, std::vector<absl::Duration>{absl::Seconds(3)})
      << "leases that ended within one lease length are told too (database clock steps)";
}

TEST_F(ReplicaLeasesTest, ACommitNotToldEverywhereWaitsOneLeaseFromTheCommit) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  registry_.peers = {{"b", "10.0.0.2:50052", ""}, {"c", "10.0.0.3:50052", ""}};
  peers_.unreachable = {"10.0.0.3:50052"};
  const absl::Time committed_at = clock_.now;
  clock_.now += absl::Milliseconds(500);  // The push to b and the failed one to c took a while.

  EXPECT_EQ(leases.ChangesCommitted({kSchool}, absl::ZeroDuration(), committed_at),
            std::vector<std::string>{"c"});
  EXPECT_EQ(slept_, absl::Milliseconds(2500));
  EXPECT_EQ(clock_.now, committed_at + absl::Seconds(3))
      << "by then c has renewed after the commit (and pulled it) or stopped remembering";
}

TEST_F(ReplicaLeasesTest, ACommitNotToldEverywhereWaitsThePeersLongerLease) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  registry_.peers = {{"c", "10.0.0.3:50052", ""}};
  peers_.unreachable = {"10.0.0.3:50052"};
  // c runs with a 9 s lease (a flag change rolling out); the transaction read that.
  EXPECT_EQ(leases.ChangesCommitted({kSchool}, absl::Seconds(9)), std::vector<std::string>{"c"});
  EXPECT_EQ(slept_, absl::Seconds(9));
  EXPECT_EQ(registry_.graces, std::vector<absl::Duration>{absl::Seconds(9)});
}

TEST_F(ReplicaLeasesTest, ACommitWaitsAWholeLeaseWhenTheLeasesCannotBeRead) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  registry_.down = true;
  EXPECT_EQ(leases.ChangesCommitted({kSchool}, absl::ZeroDuration()),
            std::vector<std::string>{"(unknown)"});
  EXPECT_EQ(slept_, absl::Seconds(3));
}

TEST_F(ReplicaLeasesTest, AReplicaWithoutLeaseStillTellsThePeers) {
  ReplicaLeases leases = Make("");
  registry_.peers = {{"b", "10.0.0.2:50052", ""}};
  EXPECT_TRUE(leases.ChangesCommitted({kCompany}, absl::ZeroDuration()).empty());
  EXPECT_EQ(peers_.told["10.0.0.2:50052"].size(), 1u);
}

}  // namespace
}  // namespace wse::rights
