// Remembered revisions and the replica leases that keep them honest (rights-svc/revision_cache.h,
// rights-svc/replica_leases.h), on a manual clock with in-memory registry and peers.
#include "rights-svc/replica_leases.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rights-svc/revision_cache.h"

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

class FakeRegistry : public ReplicaRegistry {
 public:
  absl::StatusOr<int64_t> Renew(const std::string& id, const std::string& address,
                                absl::Duration lease) override {
    if (down) return absl::UnavailableError("database down");
    renewals.push_back({id, address, lease});
    return missed[id];
  }
  absl::StatusOr<absl::Duration> MarkMissed(const std::string& id) override {
    if (down) return absl::UnavailableError("database down");
    ++missed[id];
    for (const auto& p : peers) {
      if (p.replica_id == id) return p.lease_left;
    }
    return absl::ZeroDuration();
  }
  absl::Status Release(const std::string& id) override {
    released.insert(id);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ReplicaPeer>> LivePeers(const std::string& id) override {
    if (down) return absl::UnavailableError("database down");
    std::vector<ReplicaPeer> out;
    for (const auto& p : peers) {
      if (p.replica_id != id) out.push_back(p);
    }
    return out;
  }
  bool down = false;
  std::vector<ReplicaPeer> peers;
  std::vector<ReplicaPeer> renewals;
  std::set<std::string> released;
  std::map<std::string, int64_t> missed;
};

class FakePeers : public PeerInvalidator {
 public:
  absl::Status Invalidate(const std::string& address,
                          const std::vector<std::string>& organization_ids) override {
    if (unreachable.contains(address)) return absl::UnavailableError("connection refused");
    told[address].push_back(organization_ids);
    return absl::OkStatus();
  }
  std::set<std::string> unreachable;
  std::map<std::string, std::vector<std::vector<std::string>>> told;
};

class ReplicaLeasesTest : public ::testing::Test {
 protected:
  ReplicaLeases Make(const std::string& address) {
    return ReplicaLeases(cache_, registry_, peers_, {"self", address, absl::Seconds(3)},
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

TEST_F(ReplicaLeasesTest, WithoutAnAddressNoLeaseIsTaken) {
  ReplicaLeases leases = Make("");
  EXPECT_FALSE(leases.enabled());
  EXPECT_FALSE(leases.RenewOnce().ok());
  EXPECT_TRUE(registry_.renewals.empty());
  EXPECT_FALSE(cache_.LeaseHeld());
}

TEST_F(ReplicaLeasesTest, ACommitTellsEveryLivePeerAndForgetsLocally) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  ASSERT_TRUE(leases.RenewOnce().ok());
  cache_.Store(kSchool, 4, cache_.generation());
  registry_.peers = {{"b", "10.0.0.2:50052", absl::Seconds(2)},
                     {"c", "10.0.0.3:50052", absl::Seconds(1)}};

  EXPECT_TRUE(leases.RevisionsCommitted({kSchool}).empty());
  EXPECT_EQ(cache_.Find(kSchool), std::nullopt);
  EXPECT_EQ(peers_.told["10.0.0.2:50052"], std::vector<std::vector<std::string>>{{kSchool}});
  EXPECT_EQ(peers_.told["10.0.0.3:50052"], std::vector<std::vector<std::string>>{{kSchool}});
  EXPECT_EQ(slept_, absl::ZeroDuration()) << "everyone was told: no waiting";
}

TEST_F(ReplicaLeasesTest, ACommitWaitsOutTheLeaseOfAnUnreachablePeer) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  registry_.peers = {{"b", "10.0.0.2:50052", absl::Milliseconds(2500)},
                     {"c", "10.0.0.3:50052", absl::Milliseconds(800)}};
  peers_.unreachable = {"10.0.0.2:50052", "10.0.0.3:50052"};

  EXPECT_EQ(leases.RevisionsCommitted({kSchool}), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(slept_, absl::Milliseconds(2500)) << "the longest lease left among the unreachable";
  EXPECT_EQ(registry_.missed["b"], 1) << "b must learn at its next renewal that it missed one";
  EXPECT_EQ(registry_.missed["c"], 1);
}

TEST_F(ReplicaLeasesTest, AReplicaThatMissedAnInvalidationForgetsAtItsNextRenewal) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  ASSERT_TRUE(leases.RenewOnce().ok());
  cache_.Store(kSchool, 4, cache_.generation());
  ASSERT_TRUE(leases.RenewOnce().ok());
  EXPECT_EQ(cache_.Find(kSchool), 4) << "an ordinary renewal keeps what is remembered";

  ++registry_.missed["self"];  // A writer could not reach this replica (still alive, renewing).
  ASSERT_TRUE(leases.RenewOnce().ok());
  EXPECT_TRUE(cache_.LeaseHeld());
  EXPECT_EQ(cache_.Find(kSchool), std::nullopt);
}

TEST_F(ReplicaLeasesTest, ACommitWaitsAWholeLeaseWhenTheLeasesCannotBeRead) {
  ReplicaLeases leases = Make("10.0.0.1:50052");
  registry_.down = true;
  EXPECT_FALSE(leases.RevisionsCommitted({kSchool}).empty());
  EXPECT_EQ(slept_, absl::Seconds(3));
}

TEST_F(ReplicaLeasesTest, AReplicaWithoutLeaseStillTellsThePeers) {
  ReplicaLeases leases = Make("");
  registry_.peers = {{"b", "10.0.0.2:50052", absl::Seconds(2)}};
  EXPECT_TRUE(leases.RevisionsCommitted({kCompany}).empty());
  EXPECT_EQ(peers_.told["10.0.0.2:50052"].size(), 1u);
}

}  // namespace
}  // namespace wse::rights
