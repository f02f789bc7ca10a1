#include "tests/support/stack_env.h"

#include <cstdio>
#include <cstdlib>

namespace wse::testing {
namespace {

std::string Var(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    std::fprintf(stderr, "%s is not set: run these tests through deploy/local/test.sh\n", name);
    std::abort();
  }
  return value;
}

int Port(const char* name) { return std::atoi(Var(name).c_str()); }

}  // namespace

const StackEnv& StackEnv::Get() {
  static const StackEnv env = [] {
    StackEnv e;
    e.root = Var("STACK_ROOT");
    e.build_dir = Var("STACK_BUILD_DIR");
    e.run_dir = Var("STACK_RUN_DIR");
    e.db_socket = Var("STACK_DB_SOCKET");
    e.gateway_port = Port("STACK_GATEWAY_PORT");
    e.operator_gateway_port = Port("STACK_OPERATOR_GATEWAY_PORT");
    e.identity_port = Port("STACK_IDENTITY_PORT");
    e.rights_port = Port("STACK_RIGHTS_PORT");
    e.registration_port = Port("STACK_REGISTRATION_PORT");
    e.notify_port = Port("STACK_NOTIFY_PORT");
    e.db_port = Port("STACK_DB_PORT");
    e.smtp_port = Port("STACK_SMTP_PORT");
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
