// Prepared statements kept per pooled connection (common/mysql_statements.h), against MariaDB:
// the server's own counters say how often a statement was prepared.

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/mysql_pool.h"
#include "common/mysql_statements.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "tests/support/stack_env.h"
#include "tests/support/test_database.h"

namespace wse {
namespace {

// Statements this session prepared so far (the server's count).
int PreparedSoFar(sql::Connection& conn) {
  std::unique_ptr<sql::Statement> s(conn.createStatement());
  std::unique_ptr<sql::ResultSet> r(s->executeQuery("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'"));
  return r->next() ? r->getInt(2) : -1;
}

int PlusOne(sql::Connection& conn, int value) {
  Statement add = Prepare(conn, "SELECT ? + 1");
  add->setInt(1, value);
  std::unique_ptr<sql::ResultSet> r(add->executeQuery());
  return r->next() ? r->getInt(1) : -1;
}

TEST(MysqlStatementsDbTest, APooledConnectionPreparesEachStatementOnce) {
  testing::TestDatabase db;
  ASSERT_TRUE(WithConnection(db.pool(), [](sql::Connection& conn) {
                const int before = PreparedSoFar(conn);
                for (int i = 0; i < 5; ++i) EXPECT_EQ(PlusOne(conn, i), i + 1);
                EXPECT_EQ(PreparedSoFar(conn) - before, 1);
                return absl::OkStatus();
              }).ok());
  // The next lease of the same (only idle) connection still has it.
  ASSERT_TRUE(WithConnection(db.pool(), [](sql::Connection& conn) {
                const int before = PreparedSoFar(conn);
                EXPECT_EQ(PlusOne(conn, 41), 42);
                EXPECT_EQ(PreparedSoFar(conn) - before, 0);
                return absl::OkStatus();
              }).ok());
}

TEST(MysqlStatementsDbTest, TheSameStatementInUseTwiceGetsASecondOne) {
  testing::TestDatabase db;
  ASSERT_TRUE(WithConnection(db.pool(), [](sql::Connection& conn) {
                Statement outer = Prepare(conn, "SELECT ? * 2");
                Statement inner = Prepare(conn, "SELECT ? * 2");
                EXPECT_NE(outer.get(), inner.get());
                outer->setInt(1, 3);
                inner->setInt(1, 5);
                std::unique_ptr<sql::ResultSet> a(outer->executeQuery());
                std::unique_ptr<sql::ResultSet> b(inner->executeQuery());
                EXPECT_TRUE(a->next() && b->next());
                EXPECT_EQ(a->getInt(1), 6);
                EXPECT_EQ(b->getInt(1), 10);
                return absl::OkStatus();
              }).ok());
}

TEST(MysqlStatementsDbTest, ConnectionsOutsideAPoolAreNotCached) {
  auto conn = ConnectMysql(testing::StackEnv::Get().RootDb());
  ASSERT_TRUE(conn.ok()) << conn.status();
  const int before = PreparedSoFar(**conn);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(PlusOne(**conn, i), i + 1);
  EXPECT_EQ(PreparedSoFar(**conn) - before, 3);
}

TEST(MysqlStatementsDbTest, ReplacedConnectionsStartWithNoStatements) {
  testing::TestDatabase db;
  ASSERT_TRUE(WithConnection(db.pool(), [](sql::Connection& conn) {
                EXPECT_EQ(PlusOne(conn, 1), 2);
                return absl::OkStatus();
              }).ok());
  db.pool().Invalidate();  // As after a database outage: the idle connection is closed.
  ASSERT_TRUE(WithConnection(db.pool(), [](sql::Connection& conn) {
                const int before = PreparedSoFar(conn);
                EXPECT_EQ(PlusOne(conn, 2), 3);
                EXPECT_EQ(PreparedSoFar(conn) - before, 1);
                return absl::OkStatus();
              }).ok());
}

// A full cache makes room by closing the statement used least recently: a statement first needed
// after a connection ran 64 other shapes (registration-svc's bulk chunks, say) is still prepared
// once, not on every call (as it was when a full cache stopped taking new statements).
TEST(MysqlStatementsDbTest, AFullCacheKeepsTheStatementsInUse) {
  testing::TestDatabase db;
  ASSERT_TRUE(WithConnection(db.pool(), [](sql::Connection& conn) {
                const auto run = [&](const std::string& sql) {
                  Statement statement = Prepare(conn, sql);
                  statement->setInt(1, 1);
                  std::unique_ptr<sql::ResultSet> r(statement->executeQuery());
                  return r->next() ? r->getInt(1) : -1;
                };
                for (int shape = 0; shape < 100; ++shape) {
                  EXPECT_EQ(run("SELECT ? + " + std::to_string(shape)), 1 + shape);
                }
                const int before = PreparedSoFar(conn);
                for (int i = 0; i < 20; ++i) EXPECT_EQ(run("SELECT ? * 3"), 3);
                EXPECT_EQ(PreparedSoFar(conn) - before, 1);
                // And the cache stays bounded: the oldest shapes went (prepared again once).
                const int again = PreparedSoFar(conn);
                EXPECT_EQ(run("SELECT ? + 0"), 1);
                EXPECT_EQ(PreparedSoFar(conn) - again, 1);
                return absl::OkStatus();
              }).ok());
}

TEST(MysqlStatementsDbTest, ConcurrentCallersGetRightAnswers) {
  testing::TestDatabase db;
  std::atomic<int> wrong{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const int value = t * 1000 + i;
        absl::Status s = WithConnection(db.pool(), [&](sql::Connection& conn) {
          if (PlusOne(conn, value) != value + 1) ++wrong;
          return absl::OkStatus();
        });
        if (!s.ok()) ++failed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(failed.load(), 0);
}

}  // namespace
}  // namespace wse
