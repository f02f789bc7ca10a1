#include "common/mysql_statements.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"

namespace wse {
namespace {

// Bulk writes build statements with varying row counts; past this many a connection stops
// caching new ones rather than growing without bound (and against max_prepared_stmt_count).
constexpr size_t kMaxStatementsPerConnection = 64;

struct Entry {
  std::unique_ptr<sql::PreparedStatement> statement;
  bool in_use = false;
};

// Touched only by the thread holding the connection's lease.
// Node-based: a Statement points at its entry's in_use flag while others are added.
using ConnectionStatements = absl::node_hash_map<std::string, Entry>;

struct Registry {
  absl::Mutex mu;
  absl::flat_hash_map<const sql::Connection*, std::unique_ptr<ConnectionStatements>> connections
      ABSL_GUARDED_BY(mu);
};

Registry& TheRegistry() {
  static Registry* registry = new Registry;  // Never destroyed: pools may outlive main().
  return *registry;
}

ConnectionStatements* StatementsOf(const sql::Connection* conn) {
  Registry& registry = TheRegistry();
  absl::MutexLock lock(&registry.mu);
  auto it = registry.connections.find(conn);
  return it == registry.connections.end() ? nullptr : it->second.get();
}

}  // namespace

Statement::Statement(sql::PreparedStatement* statement, bool* in_use, bool owned)
    : statement_(statement), in_use_(in_use), owned_(owned) {}

Statement::Statement(Statement&& other) noexcept
    : statement_(other.statement_), in_use_(other.in_use_), owned_(other.owned_) {
  other.statement_ = nullptr;
  other.in_use_ = nullptr;
  other.owned_ = false;
}

Statement::~Statement() {
  if (owned_) delete statement_;
  if (in_use_ != nullptr) *in_use_ = false;
}

Statement Prepare(sql::Connection& conn, const std::string& sql) {
  ConnectionStatements* statements = StatementsOf(&conn);
  if (statements != nullptr) {
    auto it = statements->find(sql);
    if (it == statements->end() && statements->size() < kMaxStatementsPerConnection) {
      // prepareStatement throws on a bad statement or a lost connection: nothing is cached then.
      std::unique_ptr<sql::PreparedStatement> prepared(conn.prepareStatement(sql));
      it = statements->emplace(sql, Entry{std::move(prepared), false}).first;
    }
    if (it != statements->end() && !it->second.in_use) {
      it->second.in_use = true;
      it->second.statement->clearParameters();
      return Statement(it->second.statement.get(), &it->second.in_use, /*owned=*/false);
    }
  }
  return Statement(conn.prepareStatement(sql), nullptr, /*owned=*/true);
}

namespace mysql_statements_internal {

void Track(const sql::Connection* conn) {
  Registry& registry = TheRegistry();
  absl::MutexLock lock(&registry.mu);
  registry.connections[conn] = std::make_unique<ConnectionStatements>();
}

void Forget(const sql::Connection* conn) {
  std::unique_ptr<ConnectionStatements> statements;
  {
    Registry& registry = TheRegistry();
    absl::MutexLock lock(&registry.mu);
    auto it = registry.connections.find(conn);
    if (it == registry.connections.end()) return;
    statements = std::move(it->second);
    registry.connections.erase(it);
  }
  // The statements close here, before their connection does.
}

}  // namespace mysql_statements_internal
}  // namespace wse
