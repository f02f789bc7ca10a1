#pragma once
// A MariaDB server of the test's own (temporary data folder, free port), so a test can stop and
// restart it without disturbing the shared test stack.

#include <memory>
#include <string>

#include "common/mysql_pool.h"
#include "tests/support/process.h"

namespace wse::testing {

class PrivateMariaDb {
 public:
  PrivateMariaDb();  // Initialises the data folder and starts the server.
  ~PrivateMariaDb();
  void Stop();
  void Kill();  // SIGKILL: a crash; the next Start() runs InnoDB crash recovery.
  void Start();
  const std::string& socket() const { return socket_; }
  const std::string& dir() const { return dir_; }  // Data, socket and server.log live here.
  MysqlOptions RootOptions(const std::string& database = "") const;

 private:
  std::string dir_, socket_;
  int port_;
  std::unique_ptr<ChildProcess> server_;
};

}  // namespace wse::testing
