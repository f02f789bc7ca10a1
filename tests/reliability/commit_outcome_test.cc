// The fault under every "none lost" claim: the connection dies between a transaction's last
// statement and its COMMIT (database crash, killed session). Connector/C++ 1.1's
// Connection::commit() ignores the server's answer, so InTransaction once reported such a
// transaction as committed although the server rolled it back: a registration acknowledged to
// the client and then missing (found by DatabaseOutageTest/Crash). Deterministic here: the body
// has its own session killed before returning.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/mysql_pool.h"
#include "cppconn/connection.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "tests/support/private_mariadb.h"

namespace wse::testing {
namespace {

int64_t Scalar(sql::Connection& conn, const std::string& query) {
  std::unique_ptr<sql::Statement> stmt(conn.createStatement());
  std::unique_ptr<sql::ResultSet> rows(stmt->executeQuery(query));
  return rows->next() ? rows->getInt64(1) : -1;
}

TEST(CommitOutcomeTest, ACommitLostWithTheConnectionIsUnavailableNotOk) {
  PrivateMariaDb db;
  auto admin = ConnectMysql(db.RootOptions());
  ASSERT_TRUE(admin.ok()) << admin.status();
  std::unique_ptr<sql::Statement>((*admin)->createStatement())
      ->execute("CREATE DATABASE wse_commit");
  std::unique_ptr<sql::Statement>((*admin)->createStatement())
      ->execute("CREATE TABLE wse_commit.acks (id INT PRIMARY KEY) ENGINE=InnoDB");
  MysqlPool pool(db.RootOptions("wse_commit"));

  // The session dies after the insert, before the commit.
  absl::Status lost = InTransaction(pool, [&](sql::Connection& conn) -> absl::Status {
    std::unique_ptr<sql::Statement>(conn.createStatement())
        ->execute("INSERT INTO acks VALUES (1)");
    const int64_t session = Scalar(conn, "SELECT CONNECTION_ID()");
    std::unique_ptr<sql::Statement>((*admin)->createStatement())
        ->execute(absl::StrCat("KILL ", session));
    return absl::OkStatus();
  });
  EXPECT_EQ(lost.code(), absl::StatusCode::kUnavailable) << lost;
  EXPECT_EQ(Scalar(**admin, "SELECT COUNT(*) FROM wse_commit.acks"), 0);

  // The pool does not hand out the dead session again: the next transaction commits.
  absl::Status next = InTransaction(pool, [](sql::Connection& conn) -> absl::Status {
    std::unique_ptr<sql::Statement>(conn.createStatement())
        ->execute("INSERT INTO acks VALUES (2)");
    return absl::OkStatus();
  });
  EXPECT_TRUE(next.ok()) << next;
  EXPECT_EQ(Scalar(**admin, "SELECT COUNT(*) FROM wse_commit.acks WHERE id = 2"), 1);
}

}  // namespace
}  // namespace wse::testing
