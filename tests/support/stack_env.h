#pragma once
// Where the test stack started by deploy/local/test.sh lives (STACK_* environment variables).

#include <string>

#include "common/mysql_pool.h"

namespace wse::testing {

struct StackEnv {
  std::string root;       // Repository root.
  std::string build_dir;  // Build tree (binaries).
  std::string run_dir;    // Run folder: logs, mails, secrets.
  std::string db_socket;
  int gateway_port = 0, operator_gateway_port = 0, identity_port = 0, rights_port = 0,
      registration_port = 0, notify_port = 0, db_port = 0, smtp_port = 0;

  // Aborts the test binary with a clear message when the variables are missing: these tests
  // need the stack; run them through deploy/local/test.sh.
  static const StackEnv& Get();

  // Root access to the stack's MariaDB (for throwaway test schemas).
  MysqlOptions RootDb(const std::string& database = "") const;
  std::string Binary(const std::string& relative) const { return build_dir + "/" + relative; }
};

}  // namespace wse::testing
