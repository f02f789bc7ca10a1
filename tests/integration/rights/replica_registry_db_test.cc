// MysqlReplicaRegistry on MariaDB (common/mysql_replica_registry.h) with rights-svc's tables:
// leases end on the database's clock and peers include leases that ended within the grace; a
// renewal pulls the organisations changed by committed rights transactions since the sequence it
// saw, never one still uncommitted (the gate), and everything once that history was pruned.
#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/migrations.h"
#include "common/mysql_replica_registry.h"
#include "common/mysql_statements.h"
#include "common/outbox.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "gtest/gtest.h"
#include "rights-svc/storage/mysql_store.h"
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
  std::vector<std::string> PeersOf(const std::string& id,
                                   absl::Duration grace = absl::ZeroDuration()) {
    auto peers = registry_.Peers(id, grace);
    EXPECT_TRUE(peers.ok()) << peers.status();
    std::vector<std::string> ids;
    if (peers.ok()) {
      for (const ReplicaPeer& p : *peers) ids.push_back(p.replica_id + "@" + p.address);
    }
    return ids;
  }
  // A rights transaction that changed these organisations (as RightsManager's writes do).
  void Change(const std::vector<std::string>& organizations) {
    ASSERT_TRUE(store_
                    .Transact([&](RightsTransaction& tx) -> absl::Status {
                      for (const std::string& org : organizations) {
                        RETURN_IF_ERROR(tx.BumpRevision(org));
                      }
                      return absl::OkStatus();
                    })
                    .ok());
  }
  ChangesSince Renew(std::optional<int64_t> after) {
    absl::StatusOr<ChangesSince> changes =
        registry_.Renew("a", "10.0.0.1:50052", absl::Seconds(3), after);
    EXPECT_TRUE(changes.ok()) << changes.status();
    ChangesSince out = changes.value_or(ChangesSince{});
    std::sort(out.keys.begin(), out.keys.end());
    return out;
  }

  ::wse::testing::TestDatabase db_;
  MysqlReplicaRegistry registry_{db_.pool(), kRightsReplicaTables};
  MysqlRightsStore store_{db_.pool()};
};

TEST_F(ReplicaRegistryDbTest, LiveLeasesAreSeenByTheOthersOnly) {
  ASSERT_TRUE(registry_.Renew("a", "10.0.0.1:50052", absl::Seconds(3), std::nullopt).ok());
  ASSERT_TRUE(registry_.Renew("b", "10.0.0.2:50052", absl::Seconds(3), std::nullopt).ok());
  EXPECT_EQ(PeersOf("a"), std::vector<std::string>{"b@10.0.0.2:50052"});
  EXPECT_EQ(PeersOf("b"), std::vector<std::string>{"a@10.0.0.1:50052"});

  // A renewal may move the address (a rescheduled pod keeps no id, but a restart may).
  ASSERT_TRUE(registry_.Renew("b", "10.0.0.9:50052", absl::Seconds(3), std::nullopt).ok());
  EXPECT_EQ(PeersOf("a"), std::vector<std::string>{"b@10.0.0.9:50052"});

  ASSERT_TRUE(registry_.Release("b").ok());
  EXPECT_TRUE(PeersOf("a").empty());
}

// A holder of another service is listed with its push token; the service's own replicas with
// none (they accept the service token).
TEST_F(ReplicaRegistryDbTest, AHolderOfAnotherServiceIsListedWithItsPushToken) {
  ASSERT_TRUE(registry_.Renew("a", "10.0.0.1:50052", absl::Seconds(3), std::nullopt).ok());
  ASSERT_TRUE(
      registry_.RenewHolder({"h", "10.0.0.5:50053", "push-token-1"}, absl::Seconds(3), std::nullopt)
          .ok());
  auto peers = registry_.Peers("a", absl::ZeroDuration());
  ASSERT_TRUE(peers.ok()) << peers.status();
  ASSERT_EQ(peers->size(), 1u);
  EXPECT_EQ((*peers)[0].push_token, "push-token-1");
  auto of_holder = registry_.Peers("h", absl::ZeroDuration());
  ASSERT_TRUE(of_holder.ok());
  ASSERT_EQ(of_holder->size(), 1u);
  EXPECT_EQ((*of_holder)[0].push_token, "");
  // Not in replica_leases, which replicas of the previous release read (and push to with the
  // service's own token).
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM replica_leases WHERE replica_id = 'h'"), "0");
  ASSERT_TRUE(registry_.Release("h").ok());
  EXPECT_TRUE(PeersOf("a").empty());
}

// Each holder costs every rights change a push: their number is bounded, renewals always pass.
TEST_F(ReplicaRegistryDbTest, HoldersOfOtherServicesAreLimited) {
  for (int i = 0; i < 32; ++i) {
    ASSERT_TRUE(registry_
                    .RenewHolder({absl::StrCat("h", i), "10.0.0.5:50053", "push-token-1"},
                                 absl::Seconds(3), std::nullopt)
                    .ok())
        << i;
  }
  EXPECT_EQ(
      registry_
          .RenewHolder({"h32", "10.0.0.5:50053", "push-token-1"}, absl::Seconds(3), std::nullopt)
          .status()
          .code(),
      absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(
      registry_.RenewHolder({"h0", "10.0.0.5:50053", "push-token-1"}, absl::Seconds(3), 0).ok())
      << "a held lease is renewed";
  ASSERT_TRUE(registry_.Release("h0").ok());
  EXPECT_TRUE(
      registry_
          .RenewHolder({"h32", "10.0.0.5:50053", "push-token-1"}, absl::Seconds(3), std::nullopt)
          .ok());
  EXPECT_TRUE(registry_.Renew("r1", "10.0.0.1:50052", absl::Seconds(3), std::nullopt).ok())
      << "the service's own replicas are not counted";
}

// A holder that renewed through a replica with a longer lease, and lost the answer of a later
// renewal through one with a shorter lease, still counts on the longer one: the row never ends
// earlier, and keeps the length that goes with its end.
TEST_F(ReplicaRegistryDbTest, ALeaseNeverEndsEarlierThanARenewalGranted) {
  ASSERT_TRUE(
      registry_.RenewHolder({"h", "10.0.0.5:50053", "push-token-1"}, absl::Seconds(9), std::nullopt)
          .ok());
  ASSERT_TRUE(
      registry_.RenewHolder({"h", "10.0.0.5:50053", "push-token-1"}, absl::Seconds(3), 0).ok());
  EXPECT_EQ(db_.QueryScalar("SELECT lease_micros FROM replica_lease_holders"), "9000000");
  EXPECT_EQ(db_.QueryScalar("SELECT expires_at > NOW(6) + INTERVAL 8 SECOND"
                            " FROM replica_lease_holders"),
            "1");
  EXPECT_EQ(db_.QueryScalar("SELECT longest_lease_micros FROM revision_change_gate"), "9000000");
}

// A transaction that announced and then failed (a retried revocation whose etag is stale) still
// tells its listener the longest lease, read from the gate on its own.
TEST_F(ReplicaRegistryDbTest, AFailedAnnouncingTransactionLearnsTheLongestLease) {
  ASSERT_TRUE(registry_.Renew("b", "10.0.0.2:50052", absl::Seconds(9), std::nullopt).ok());
  std::vector<std::string> told;
  absl::Duration longest;
  store_.OnRevisionsCommitted(
      [&](const std::vector<std::string>& organizations, absl::Duration lease) {
        told = organizations;
        longest = lease;
      });
  const absl::Status failed = store_.Transact([](RightsTransaction& tx) -> absl::Status {
    tx.AnnounceAgain("school");
    return absl::AbortedError("stale etag; reload and retry");
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(told, std::vector<std::string>{"school"});
  EXPECT_EQ(longest, absl::Seconds(9));
}

TEST_F(ReplicaRegistryDbTest, AnEndedLeaseIsAPeerForTheGraceOnly) {
  ASSERT_TRUE(registry_.Renew("a", "10.0.0.1:50052", absl::Milliseconds(1), std::nullopt).ok());
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_TRUE(PeersOf("b").empty());
  EXPECT_EQ(PeersOf("b", absl::Seconds(3)), std::vector<std::string>{"a@10.0.0.1:50052"})
      << "its own clock may still count on the lease after a step of the database's";
}

TEST_F(ReplicaRegistryDbTest, ARenewalPullsWhatCommittedSinceTheSequenceItSaw) {
  Change({"school"});
  const ChangesSince first = Renew(std::nullopt);
  EXPECT_TRUE(first.everything) << "no starting point: everything";
  EXPECT_GT(first.through_sequence, 0);

  Change({"company", "school"});
  Change({"company"});
  const ChangesSince second = Renew(first.through_sequence);
  EXPECT_FALSE(second.everything);
  EXPECT_EQ(second.keys, (std::vector<std::string>{"company", "school"}));
  EXPECT_EQ(second.through_sequence, first.through_sequence + 3);

  const ChangesSince third = Renew(second.through_sequence);
  EXPECT_FALSE(third.everything);
  EXPECT_TRUE(third.keys.empty());
  EXPECT_TRUE(Renew(second.through_sequence + 10).everything)
      << "a sequence the table never reached (a restored database): cannot tell";
}

TEST_F(ReplicaRegistryDbTest, AChangeIsNotReachedBeforeItsTransactionCommits) {
  const ChangesSince before = Renew(std::nullopt);
  // A rights transaction that recorded its change and has not committed yet.
  absl::Notification recorded, commit;
  std::thread writer([&] {
    absl::Status s = InTransaction(db_.pool(), [&](sql::Connection& conn) -> absl::Status {
      std::vector<std::string> bumped;
      MysqlRightsTransaction recording(conn, &bumped);
      RETURN_IF_ERROR(recording.BumpRevision("school"));
      RETURN_IF_ERROR(recording.RecordChanges().status());
      recorded.Notify();
      commit.WaitForNotification();
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
  });
  recorded.WaitForNotification();
  std::atomic<bool> renewed{false};
  ChangesSince during;
  std::thread renewal([&] {
    during = Renew(before.through_sequence);
    renewed.store(true);
  });
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_FALSE(renewed.load()) << "the renewal read past a change that may still roll back";
  commit.Notify();
  writer.join();
  renewal.join();
  EXPECT_EQ(during.keys, std::vector<std::string>{"school"});
}

TEST_F(ReplicaRegistryDbTest, ARenewalBehindThePrunedHistoryForgetsEverything) {
  db_.Execute(
      "INSERT INTO revision_changes (organization_id, change_time) VALUES"
      " ('old1', NOW(6) - INTERVAL 2 HOUR), ('old2', NOW(6) - INTERVAL 2 HOUR)");
  Change({"school"});
  const ChangesSince seen = Renew(std::nullopt);
  // What is older than two minutes goes; the newest row always stays.
  ASSERT_TRUE(registry_.PruneHistory().ok());
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM revision_changes"), "1");
  EXPECT_EQ(db_.QueryScalar("SELECT pruned_through FROM revision_change_gate"),
            std::to_string(seen.through_sequence - 1));
  EXPECT_TRUE(Renew(seen.through_sequence - 2).everything);
  const ChangesSince current = Renew(seen.through_sequence);
  EXPECT_FALSE(current.everything);
  EXPECT_TRUE(current.keys.empty());
}

// Pruning deletes in chunks outside the renewals' gate: a history larger than one chunk goes in
// one call, and a renewal runs while it does.
TEST_F(ReplicaRegistryDbTest, PruningRemovesMoreThanOneChunk) {
  db_.Execute(
      "INSERT INTO revision_changes (organization_id, change_time)"
      " SELECT CONCAT('org', seq), NOW(6) - INTERVAL 10 MINUTE FROM seq_1_to_25000");
  Change({"school"});
  const ChangesSince seen = Renew(std::nullopt);
  ASSERT_TRUE(registry_.PruneHistory().ok());
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM revision_changes"), "1");
  EXPECT_FALSE(Renew(seen.through_sequence).everything);
}

// Writers wait out the longest lease a replica may still count on (RecordReplicaChanges returns
// it), also when it is longer than their own; it shrinks once that lease ended a lease ago.
TEST_F(ReplicaRegistryDbTest, AWriterLearnsTheLongestLiveLease) {
  auto recorded_longest = [&]() -> absl::Duration {
    absl::Duration longest;
    EXPECT_TRUE(InTransaction(db_.pool(), [&](sql::Connection& conn) -> absl::Status {
                  ASSIGN_OR_RETURN(longest,
                                   RecordReplicaChanges(conn, kRightsReplicaTables, {"school"}));
                  return absl::OkStatus();
                }).ok());
    return longest;
  };
  ASSERT_TRUE(registry_.Renew("a", "10.0.0.1:50052", absl::Seconds(3), std::nullopt).ok());
  EXPECT_EQ(recorded_longest(), absl::Seconds(3));
  ASSERT_TRUE(registry_.Renew("b", "10.0.0.2:50052", absl::Seconds(9), std::nullopt).ok());
  ASSERT_TRUE(
      registry_.RenewHolder({"h", "10.0.0.5:50053", "push-token-1"}, absl::Seconds(5), std::nullopt)
          .ok());
  EXPECT_EQ(recorded_longest(), absl::Seconds(9)) << "b's lease is longer than a's own";
  // b's lease ended more than its length ago (as if long gone): no longer counted.
  db_.Execute(
      "UPDATE replica_leases SET expires_at = NOW(6) - INTERVAL 10 SECOND WHERE replica_id = 'b'");
  ASSERT_TRUE(registry_.Renew("a", "10.0.0.1:50052", absl::Seconds(3), std::nullopt).ok());
  EXPECT_EQ(recorded_longest(), absl::Seconds(5)) << "the holder's lease is now the longest";
}

}  // namespace
}  // namespace wse::rights
