#include <memory>

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

}  // namespace
}  // namespace wse
