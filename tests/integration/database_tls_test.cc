// Issue 15, point 5: connections to the database can use TLS with the server's certificate
// verified (--db_tls_ca_file). On the test stack notify-svc reaches MariaDB over TCP that way,
// and its database user is REQUIRE SSL, so the stack's notify-svc being SERVING means its
// connections are encrypted; a notify-svc of the test's own that trusts another CA cannot
// connect at all (no fallback to plain text).
#include <signal.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/mysql_pool.h"
#include "cppconn/connection.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

const char kNotify[] = "wse.notify.v1.NotifyService";

// How the stack's notify-svc reaches MariaDB, without the CA.
MysqlOptions NotifyOverTcp() {
  const StackEnv& env = StackEnv::Get();
  MysqlOptions options;
  options.host = "127.0.0.1";
  options.port = env.db_port;
  options.user = "wse_notify";
  options.password = std::string(
      absl::StripAsciiWhitespace(ReadFile(env.run_dir + "/secrets/wse_notify.password")));
  options.database = "wse_notify";
  return options;
}

TEST(DatabaseTlsTest, TheStacksTlsServiceServesWithAUserThatOnlyLogsInOverTls) {
  const StackEnv& env = StackEnv::Get();
  EXPECT_EQ(HealthOf(env.notify_port, kNotify), "SERVING");
  // The server refuses that user in plain text ...
  EXPECT_FALSE(ConnectMysql(NotifyOverTcp()).ok()) << "wse_notify logged in without TLS";
  // ... and lets it in over TLS with the stack's CA, the way notify-svc connects.
  MysqlOptions tls = NotifyOverTcp();
  tls.tls_ca_file = env.run_dir + "/tls/ca.pem";
  auto conn = ConnectMysql(tls);
  ASSERT_TRUE(conn.ok()) << conn.status();
  std::unique_ptr<sql::Statement> statement((*conn)->createStatement());
  std::unique_ptr<sql::ResultSet> cipher(
      statement->executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'"));
  ASSERT_TRUE(cipher->next());
  EXPECT_FALSE(std::string(cipher->getString(2)).empty()) << "the session is not encrypted";
}

TEST(DatabaseTlsTest, AServerCertificateOfAnotherCaStopsTheStart) {
  const StackEnv& env = StackEnv::Get();
  const std::string dir = MakeTempDir("wse-dbtls-");
  const std::string rogue = dir + "/rogue";  // Same names, another CA.
  ASSERT_EQ(std::system(absl::StrCat("bash ", env.root, "/deploy/local/dev_certs.sh ", rogue)
                            .c_str()),
            0);
  auto start = [&](const std::string& ca, const std::string& log) {
    const int port = FreePort();
    std::vector<std::string> argv = {env.Binary("notify-svc/notify-svc"),
                                     absl::StrCat("--listen=127.0.0.1:", port),
                                     "--db_host=127.0.0.1",
                                     absl::StrCat("--db_port=", env.db_port),
                                     "--db_user=wse_notify",
                                     "--db_password_file=" + env.run_dir +
                                         "/secrets/wse_notify.password",
                                     "--db_tls_ca_file=" + ca,
                                     "--db_startup_timeout=2s",
                                     "--workers=1",
                                     "--identity_address=127.0.0.1:1",
                                     ServiceTokenFlag("notify")};
    return std::make_pair(port, ChildProcess::Start(argv, log));
  };

  auto [refused_port, refused] = start(rogue + "/ca.pem", dir + "/rogue.log");
  ASSERT_TRUE(refused.ok());
  auto code = refused->Wait(absl::Seconds(30));
  EXPECT_EQ(code, 1) << ReadFile(dir + "/rogue.log");
  EXPECT_NE(HealthOf(refused_port, kNotify), "SERVING");

  // The same process with the stack's CA: the refusal above was the certificate's.
  auto [port, trusted] = start(env.run_dir + "/tls/ca.pem", dir + "/trusted.log");
  ASSERT_TRUE(trusted.ok());
  EXPECT_TRUE(WaitFor([&] { return HealthOf(port, kNotify) == "SERVING"; }, absl::Seconds(30)))
      << ReadFile(dir + "/trusted.log");
  trusted->Signal(SIGTERM);
  trusted->Wait(absl::Seconds(20));
}

}  // namespace
}  // namespace wse::testing
