#pragma once
// A throwaway schema on the test stack's MariaDB, dropped when the test ends.

#include <memory>
#include <string>

#include "common/mysql_pool.h"

namespace wse::testing {

class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  MysqlPool& pool() { return *pool_; }
  const std::string& name() const { return name_; }
  // Runs one statement as root in this schema (test setup / inspection only).
  void Execute(const std::string& statement);
  // The first column of the first row of `query`, as text ("" when no row).
  std::string QueryScalar(const std::string& query);

 private:
  std::string name_;
  std::unique_ptr<MysqlPool> pool_;
};

}  // namespace wse::testing
