#include "tests/support/stack_env.h"

#include <cstdio>
#include <cstdlib>

namespace wse::testing {

const StackEnv& StackEnv::Get() {
  static const StackEnv env = [] {
    absl::StatusOr<flow::Services> services = flow::Services::FromEnvironment();
    if (!services.ok()) {
      std::fprintf(stderr, "%s\n", services.status().ToString().c_str());
      std::abort();
    }
    StackEnv e;
    static_cast<flow::Services&>(e) = *std::move(services);
    return e;
  }();
  return env;
}

MysqlOptions StackEnv::RootDb(const std::string& database) const {
  MysqlOptions db;
  db.socket = db_socket;
  db.user = "root";
  db.database = database;
  db.pool_size = 4;
  return db;
}

}  // namespace wse::testing
