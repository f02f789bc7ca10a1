// MysqlReplicaRegistry on MariaDB (rights-svc/mysql_replica_registry.h): leases end on the
// database's clock, other replicas see live leases only, a missed invalidation is counted and read
// back at the next renewal, and a released lease is gone.
#include "rights-svc/mysql_replica_registry.h"

#include "common/migrations.h"
#include "common/outbox.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace wse::rights {
namespace {

class ReplicaRegistryDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.pool(), {{"rights", &EmbeddedMigrations()},
                                             {"outbox", &OutboxMigrations()}})
                    .ok());
  }
  std::vector<std::string> PeersOf(const std::string& id) {
    auto peers = registry_.LivePeers(id);
    EXPECT_TRUE(peers.ok()) << peers.status();
    std::vector<std::string> ids;
    if (peers.ok()) {
      for (const ReplicaPeer& p : *peers) ids.push_back(p.replica_id + "@" + p.address);
    }
    return ids;
  }

  ::wse::testing::TestDatabase db_;
  MysqlReplicaRegistry registry_{db_.pool()};
};

TEST_F(ReplicaRegistryDbTest, LiveLeasesAreSeenByTheOthersOnly) {
  ASSERT_EQ(registry_.Renew("a", "10.0.0.1:50052", absl::Seconds(3)).value(), 0);
  ASSERT_EQ(registry_.Renew("b", "10.0.0.2:50052", absl::Seconds(3)).value(), 0);
  EXPECT_EQ(PeersOf("a"), std::vector<std::string>{"b@10.0.0.2:50052"});
  EXPECT_EQ(PeersOf("b"), std::vector<std::string>{"a@10.0.0.1:50052"});
  auto peers = registry_.LivePeers("a");
  ASSERT_TRUE(peers.ok());
  EXPECT_GT((*peers)[0].lease_left, absl::Seconds(2));
  EXPECT_LE((*peers)[0].lease_left, absl::Seconds(3));

  // A renewal may move the address (a rescheduled pod keeps no id, but a restart may).
  ASSERT_TRUE(registry_.Renew("b", "10.0.0.9:50052", absl::Seconds(3)).ok());
  EXPECT_EQ(PeersOf("a"), std::vector<std::string>{"b@10.0.0.9:50052"});

  ASSERT_TRUE(registry_.Release("b").ok());
  EXPECT_TRUE(PeersOf("a").empty());
}

TEST_F(ReplicaRegistryDbTest, AnEndedLeaseIsNoPeerAndNeedsNoWaiting) {
  ASSERT_TRUE(registry_.Renew("a", "10.0.0.1:50052", absl::Milliseconds(1)).ok());
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_TRUE(PeersOf("b").empty());
  EXPECT_EQ(registry_.MarkMissed("a").value(), absl::ZeroDuration());
  EXPECT_EQ(registry_.MarkMissed("never-there").value(), absl::ZeroDuration());
}

TEST_F(ReplicaRegistryDbTest, AMissedInvalidationIsReadBackAtTheNextRenewal) {
  ASSERT_EQ(registry_.Renew("a", "10.0.0.1:50052", absl::Seconds(3)).value(), 0);
  const absl::Duration left = registry_.MarkMissed("a").value();
  EXPECT_GT(left, absl::Seconds(2)) << "the writer must wait out the lease a held";
  EXPECT_LE(left, absl::Seconds(3));
  EXPECT_GT(registry_.MarkMissed("a").value(), absl::ZeroDuration());
  EXPECT_EQ(registry_.Renew("a", "10.0.0.1:50052", absl::Seconds(3)).value(), 2);
  EXPECT_EQ(registry_.Renew("a", "10.0.0.1:50052", absl::Seconds(3)).value(), 2);
}

}  // namespace
}  // namespace wse::rights
