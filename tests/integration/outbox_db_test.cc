#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/outbox.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "tests/support/process.h"
#include "tests/support/test_database.h"

namespace wse {
namespace {

class RecordingDeliverer : public OutboxDeliverer {
 public:
  absl::Status Deliver(const OutboxRow& row) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail_) return absl::UnavailableError("receiver down");
    keys.push_back(row.idempotency_key);
    payloads.push_back(row.payload);
    return absl::OkStatus();
  }
  void SetFailing(bool fail) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = fail;
  }
  std::vector<std::string> keys, payloads;

 private:
  std::mutex mu_;
  bool fail_ = false;
};

class OutboxDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.pool(), {{"outbox", &OutboxMigrations()}}).ok());
    db_.Execute("CREATE TABLE business (id INT PRIMARY KEY) ENGINE=InnoDB");
  }

  // A business change and its message in one transaction; `commit` decides its fate.
  absl::Status Change(int id, bool commit) {
    return InTransaction(db_.pool(), [&](sql::Connection& c) -> absl::Status {
      std::unique_ptr<sql::Statement>(c.createStatement())
          ->execute(absl::StrCat("INSERT INTO business VALUES (", id, ")"));
      RETURN_IF_ERROR(
          AppendToOutbox(c, {"mail", absl::StrCat("payload-", id, std::string("\0\xff", 2))})
              .status());
      return commit ? absl::OkStatus() : absl::AbortedError("business rule rolled back");
    });
  }

  testing::TestDatabase db_;
};

TEST_F(OutboxDbTest, CommittedChangesAreDeliveredOnceWithStableKeys) {
  ASSERT_TRUE(Change(1, true).ok());
  ASSERT_TRUE(Change(2, true).ok());
  RecordingDeliverer deliverer;
  OutboxRelay relay(db_.pool(), deliverer, {.source = "rights"});
  EXPECT_EQ(relay.RunOnce().value(), 2);
  EXPECT_EQ(relay.RunOnce().value(), 0);  // Nothing is delivered twice.
  ASSERT_EQ(deliverer.keys.size(), 2u);
  EXPECT_EQ(deliverer.keys[0], "rights/outbox/1");
  EXPECT_EQ(deliverer.payloads[0], std::string("payload-1\0\xff", 11));  // Binary-safe.
}

TEST_F(OutboxDbTest, RolledBackChangeLeavesNoMessage) {
  EXPECT_FALSE(Change(1, false).ok());
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM outbox"), "0");
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM business"), "0");
}

TEST_F(OutboxDbTest, FailedDeliveryIsRetriedAfterBackoff) {
  ASSERT_TRUE(Change(1, true).ok());
  RecordingDeliverer deliverer;
  deliverer.SetFailing(true);
  OutboxRelay relay(db_.pool(), deliverer,
                    {.source = "rights", .initial_backoff = absl::Milliseconds(300)});
  EXPECT_EQ(relay.RunOnce().value(), 0);
  EXPECT_EQ(db_.QueryScalar("SELECT CONCAT(attempts, ':', last_error) FROM outbox"),
            "1:receiver down");
  deliverer.SetFailing(false);
  EXPECT_EQ(relay.RunOnce().value(), 0);  // Still backing off.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(relay.RunOnce().value(), 1);
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL"), "1");
}

// A commit that appended rows wakes the relay: the row leaves long before the next poll.
TEST_F(OutboxDbTest, ACommitWakesTheRelayBeforeItsNextPoll) {
  RecordingDeliverer deliverer;
  OutboxRelay relay(db_.pool(), deliverer, {.source = "rights", .poll_interval = absl::Hours(1)});
  relay.Start();
  absl::SleepFor(absl::Milliseconds(200));  // The first pass (at start) found nothing.
  ASSERT_TRUE(Change(1, true).ok());
  EXPECT_FALSE(Change(2, false).ok());  // A rollback wakes nobody and leaves nothing.
  bool delivered = false;
  for (int i = 0; i < 100 && !delivered; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
    delivered =
        db_.QueryScalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL") == "1";
  }
  relay.Stop();
  EXPECT_TRUE(delivered) << "the row waited for the hourly poll";
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM outbox"), "1");
}

TEST_F(OutboxDbTest, ConcurrentRelaysDeliverEveryRowExactlyOnce) {
  constexpr int kRows = 300;
  for (int i = 0; i < kRows; ++i) ASSERT_TRUE(Change(i, true).ok());
  RecordingDeliverer a, b;
  OutboxRelay relay_a(db_.pool(), a, {.source = "s", .batch_size = 7});
  OutboxRelay relay_b(db_.pool(), b, {.source = "s", .batch_size = 7});
  relay_a.Start();
  relay_b.Start();
  testing::WaitFor(
      [&] {
        return db_.QueryScalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == "0";
      },
      absl::Seconds(30));
  relay_a.Stop();
  relay_b.Stop();
  std::multiset<std::string> all(a.keys.begin(), a.keys.end());
  all.insert(b.keys.begin(), b.keys.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), static_cast<size_t>(kRows));
}

// Holds its first delivery (and so its claimed rows' locks) until released.
class BlockingDeliverer : public RecordingDeliverer {
 public:
  absl::Status Deliver(const OutboxRow& row) override {
    if (!blocked_once_) {
      blocked_once_ = true;
      claimed_.set_value();
      release_.get_future().wait();
    }
    return RecordingDeliverer::Deliver(row);
  }
  std::promise<void> claimed_, release_;

 private:
  bool blocked_once_ = false;
};

TEST_F(OutboxDbTest, SecondRelaySkipsRowsClaimedByTheFirst) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Change(i, true).ok());
  BlockingDeliverer slow;
  RecordingDeliverer fast;
  OutboxRelay relay_slow(db_.pool(), slow, {.source = "s", .batch_size = 4});
  OutboxRelay relay_fast(db_.pool(), fast, {.source = "s", .batch_size = 100});
  auto slow_pass = std::async(std::launch::async, [&] { return relay_slow.RunOnce(); });
  slow.claimed_.get_future().wait();  // Rows 1-4 are locked by the slow relay's transaction.
  // Without SKIP LOCKED this would wait on those locks; instead it takes the other six.
  EXPECT_EQ(relay_fast.RunOnce().value(), 6);
  slow.release_.set_value();
  EXPECT_EQ(slow_pass.get().value(), 4);
  ASSERT_EQ(fast.keys.size(), 6u);
  EXPECT_EQ(fast.keys.front(), "s/outbox/5");
  EXPECT_EQ(db_.QueryScalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL"), "0");
}

}  // namespace
}  // namespace wse
