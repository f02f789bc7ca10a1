#include "tests/support/private_mariadb.h"

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "cppconn/connection.h"
#include "gtest/gtest.h"

namespace wse::testing {

PrivateMariaDb::PrivateMariaDb() : dir_(MakeTempDir("wse-mariadb-")), port_(FreePort()) {
  socket_ = dir_ + "/mysqld.sock";
  auto install = ChildProcess::Start(
      {"/usr/bin/mariadb-install-db", "--no-defaults", "--datadir=" + dir_ + "/data", "--user=root",
       "--auth-root-authentication-method=normal"},
      dir_ + "/install.log");
  EXPECT_TRUE(install.ok());
  EXPECT_EQ(install->Wait(absl::Seconds(120)), 0) << ReadFile(dir_ + "/install.log");
  Start();
}

PrivateMariaDb::~PrivateMariaDb() { Stop(); }

MysqlOptions PrivateMariaDb::RootOptions(const std::string& database) const {
  MysqlOptions options;
  options.socket = socket_;
  options.user = "root";
  options.database = database;
  options.connect_timeout = absl::Seconds(1);
  return options;
}

void PrivateMariaDb::Start() {
  auto server = ChildProcess::Start(
      {"/usr/sbin/mariadbd", "--no-defaults", "--datadir=" + dir_ + "/data", "--socket=" + socket_,
       absl::StrCat("--port=", port_), "--bind-address=127.0.0.1", "--user=root",
       "--innodb-buffer-pool-size=32M", "--pid-file=" + dir_ + "/mariadbd.pid"},
      dir_ + "/server.log");
  ASSERT_TRUE(server.ok());
  server_ = std::make_unique<ChildProcess>(*std::move(server));
  ASSERT_TRUE(WaitFor([this] { return ConnectMysql(RootOptions()).ok(); }, absl::Seconds(60)))
      << ReadFile(dir_ + "/server.log");
}

void PrivateMariaDb::Stop() {
  if (server_ == nullptr) return;
  server_->Signal(SIGTERM);
  server_->Wait(absl::Seconds(60));
  server_.reset();
}

void PrivateMariaDb::Kill() {
  if (server_ == nullptr) return;
  server_->Signal(SIGKILL);
  server_->Wait(absl::Seconds(30));
  server_.reset();
}

}  // namespace wse::testing
