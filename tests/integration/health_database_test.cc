// Health follows the database: NOT_SERVING while MariaDB is down, SERVING again when it returns,
// without restarting the service.
#include <memory>

#include "absl/strings/str_cat.h"
#include "cppconn/connection.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

TEST(HealthDatabaseTest, FollowsTheDatabaseWithoutRestart) {
  PrivateMariaDb db;
  {
    auto conn = ConnectMysql(db.RootOptions());
    ASSERT_TRUE(conn.ok()) << conn.status();
    std::unique_ptr<sql::Statement>((*conn)->createStatement())
        ->execute("CREATE DATABASE wse_notify");
  }
  const int port = FreePort();
  const std::string log = MakeTempDir("wse-health-") + "/notify.log";
  auto service = ChildProcess::Start(
      {StackEnv::Get().Binary("notify-svc/notify-svc"), absl::StrCat("--listen=127.0.0.1:", port),
       "--db_socket=" + db.socket(), "--db_user=root", "--health_probe_interval=200ms",
       ServiceTokenFlag("notify")},
      log);
  ASSERT_TRUE(service.ok());
  const std::string name = "wse.notify.v1.NotifyService";
  ASSERT_TRUE(WaitFor([&] { return HealthOf(port, name) == "SERVING"; }, absl::Seconds(30)))
      << ReadFile(log);
  EXPECT_EQ(HealthOf(port, ""), "SERVING");
  EXPECT_EQ(HealthOf(port, "wse.no.such.Service"), "NOT_FOUND");

  db.Stop();
  EXPECT_TRUE(WaitFor([&] { return HealthOf(port, name) == "NOT_SERVING"; }, absl::Seconds(10)))
      << ReadFile(log);
  EXPECT_EQ(HealthOf(port, ""), "NOT_SERVING");

  db.Start();
  EXPECT_TRUE(WaitFor([&] { return HealthOf(port, name) == "SERVING"; }, absl::Seconds(20)))
      << ReadFile(log);
  // Same process all along.
  EXPECT_FALSE(service->Wait(absl::ZeroDuration()).has_value());
}

}  // namespace
}  // namespace wse::testing
