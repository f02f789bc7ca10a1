#include <memory>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "cppconn/connection.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "tests/support/stack_env.h"
#include "tests/support/test_database.h"

namespace wse {
namespace {

void Exec(sql::Connection& conn, const std::string& statement) {
  std::unique_ptr<sql::Statement>(conn.createStatement())->execute(statement);
}

TEST(MysqlPoolDbTest, TransactionCommitsOnOkAndRollsBackOnError) {
  testing::TestDatabase db;
  db.Execute("CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB");
  ASSERT_TRUE(InTransaction(db.pool(), [](sql::Connection& c) {
                Exec(c, "INSERT INTO t VALUES (1)");
                return absl::OkStatus();
              }).ok());
  absl::Status refused = InTransaction(db.pool(), [](sql::Connection& c) {
    Exec(c, "INSERT INTO t VALUES (2)");
    return absl::FailedPreconditionError("domain rule says no");
  });
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(db.QueryScalar("SELECT GROUP_CONCAT(id) FROM t"), "1");
}

TEST(MysqlPoolDbTest, DuplicateKeyBecomesAlreadyExistsAndRollsBack) {
  testing::TestDatabase db;
  db.Execute("CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB");
  db.Execute("INSERT INTO t VALUES (1)");
  absl::Status status = InTransaction(db.pool(), [](sql::Connection& c) {
    Exec(c, "INSERT INTO t VALUES (5)");
    Exec(c, "INSERT INTO t VALUES (1)");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(db.QueryScalar("SELECT COUNT(*) FROM t"), "1");
}

TEST(MysqlPoolDbTest, KilledConnectionIsReplaced) {
  testing::TestDatabase db;
  std::string id;
  ASSERT_TRUE(WithConnection(db.pool(), [&id](sql::Connection& c) {
                std::unique_ptr<sql::Statement> s(c.createStatement());
                std::unique_ptr<sql::ResultSet> r(s->executeQuery("SELECT CONNECTION_ID()"));
                r->next();
                id = r->getString(1);
                return absl::OkStatus();
              }).ok());
  // Kill the pooled connection from outside, as a server restart would.
  MysqlPool admin(testing::StackEnv::Get().RootDb());
  ASSERT_TRUE(WithConnection(admin, [&id](sql::Connection& c) {
                Exec(c, "KILL " + id);
                return absl::OkStatus();
              }).ok());
  // The first use of the dead connection fails as UNAVAILABLE (retry the call), then the pool
  // hands out a fresh one.
  absl::Status first = WithConnection(db.pool(), [](sql::Connection& c) {
    Exec(c, "DO 1");
    return absl::OkStatus();
  });
  EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(WithConnection(db.pool(), [](sql::Connection& c) {
                Exec(c, "DO 1");
                return absl::OkStatus();
              }).ok());
}

TEST(MysqlPoolDbTest, ExhaustedPoolAnswersUnavailableInsteadOfWaitingForever) {
  MysqlOptions options = testing::StackEnv::Get().RootDb();
  options.pool_size = 1;
  options.acquire_timeout = absl::Milliseconds(100);
  MysqlPool pool(options);
  auto held = pool.Acquire();
  ASSERT_TRUE(held.ok());
  auto second = pool.Acquire();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

// A holder frozen inside a transaction (a stopped replica with a lease table's gate row locked)
// keeps its locks only until the server ends its idle transaction; a writer waiting for the row
// then gets it, long before its own statement would time out. Without the bound (zero) the
// writer's wait runs into the lock wait timeout instead.
TEST(MysqlPoolDbTest, AFrozenHoldersIdleTransactionEndsAndItsLocksGo) {
  testing::TestDatabase db;
  db.Execute("CREATE TABLE gate (id INT PRIMARY KEY, v INT) ENGINE=InnoDB");
  db.Execute("INSERT INTO gate VALUES (1, 0)");
  MysqlOptions options = testing::StackEnv::Get().RootDb(db.name());
  options.idle_transaction_timeout = absl::Seconds(1);
  MysqlPool frozen_pool(options);
  auto frozen = frozen_pool.Acquire();
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  Exec(**frozen, "START TRANSACTION");
  Exec(**frozen, "SELECT v FROM gate WHERE id = 1 FOR UPDATE");
  // ... and nothing more from it: the process is frozen.

  MysqlOptions writer_options = options;
  writer_options.idle_transaction_timeout = absl::ZeroDuration();
  MysqlPool writer(writer_options);
  const absl::Time start = absl::Now();
  absl::Status wrote = InTransaction(writer, [](sql::Connection& c) {
    Exec(c, "SET SESSION innodb_lock_wait_timeout = 20");
    Exec(c, "UPDATE gate SET v = v + 1 WHERE id = 1");
    return absl::OkStatus();
  });
  const absl::Duration waited = absl::Now() - start;
  EXPECT_TRUE(wrote.ok()) << wrote;
  EXPECT_GE(waited, absl::Milliseconds(500)) << "the row was never locked";
  EXPECT_LT(waited, absl::Seconds(6)) << "the frozen holder kept its lock";
  EXPECT_EQ(db.QueryScalar("SELECT v FROM gate WHERE id = 1"), "1");
  // The frozen holder's session is gone: its next statement fails, nothing it did stays.
  EXPECT_ANY_THROW(Exec(**frozen, "UPDATE gate SET v = 100 WHERE id = 1"));
  EXPECT_EQ(db.QueryScalar("SELECT v FROM gate WHERE id = 1"), "1");
}

}  // namespace
}  // namespace wse
