#include "tests/support/test_database.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "cppconn/connection.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "tests/support/stack_env.h"

namespace wse::testing {

TestDatabase::TestDatabase() {
  std::random_device random;
  name_ = absl::StrCat("wse_test_", random(), random() % 100000);
  {
    MysqlPool admin(StackEnv::Get().RootDb());
    auto lease = admin.Acquire();
    std::unique_ptr<sql::Statement>((*lease)->createStatement())
        ->execute("CREATE DATABASE " + name_);
  }
  pool_ = std::make_unique<MysqlPool>(StackEnv::Get().RootDb(name_));
}

TestDatabase::~TestDatabase() {
  pool_.reset();
  MysqlPool admin(StackEnv::Get().RootDb());
  auto lease = admin.Acquire();
  if (lease.ok()) {
    std::unique_ptr<sql::Statement>((*lease)->createStatement())
        ->execute("DROP DATABASE IF EXISTS " + name_);
  }
}

void TestDatabase::Execute(const std::string& statement) {
  auto lease = pool_->Acquire();
  std::unique_ptr<sql::Statement>((*lease)->createStatement())->execute(statement);
}

std::string TestDatabase::QueryScalar(const std::string& query) {
  auto lease = pool_->Acquire();
  std::unique_ptr<sql::Statement> stmt((*lease)->createStatement());
  std::unique_ptr<sql::ResultSet> rows(stmt->executeQuery(query));
  return rows->next() ? std::string(rows->getString(1)) : std::string();
}

}  // namespace wse::testing
