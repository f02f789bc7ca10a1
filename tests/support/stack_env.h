#pragma once
// The test stack started by deploy/local/test.sh: flow::Services read once from its STACK_*
// variables, with what only tests need on top.

#include <string>

#include "common/mysql_pool.h"
#include "tests/flow/services.h"

namespace wse::testing {

struct StackEnv : flow::Services {
  // Aborts the test binary with a clear message when the variables are missing: these tests
  // need the stack; run them through deploy/local/test.sh.
  static const StackEnv& Get();

  // Root access to the stack's MariaDB (for throwaway test schemas).
  MysqlOptions RootDb(const std::string& database = "") const;
  std::string Binary(const std::string& relative) const { return build_dir + "/" + relative; }
};

}  // namespace wse::testing
