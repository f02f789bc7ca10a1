#include "common/mysql_statements.h"

#include <atomic>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"

namespace wse {
namespace {

// Bulk writes build statements with varying row counts; past this many a connection closes the
// statement it used least recently to make room, rather than growing without bound (and against
// max_prepared_stmt_count: 4 services x 16 connections x 64 stays far below its 16,382).
constexpr size_t kMaxStatementsPerConnection = 64;

struct Entry {
  std::unique_ptr<sql::PreparedStatement> statement;
  bool in_use = false;
  uint64_t last_use = 0;
};

// Touched only by the thread holding the connection's lease.
struct ConnectionStatements {
  // Node-based: a Statement points at its entry's in_use flag while others are added.
  absl::node_hash_map<std::string, Entry> by_text;
  uint64_t uses = 0;
  uint64_t evictions = 0;
};

// Closes the least recently used statement not in use, if any (a full cache of statements all in
// use by one caller is not possible at 64, but then the new one is simply not cached).
void EvictOne(ConnectionStatements& statements) {
  auto oldest = statements.by_text.end();
  for (auto it = statements.by_text.begin(); it != statements.by_text.end(); ++it) {
    if (it->second.in_use) continue;
    if (oldest == statements.by_text.end() || it->second.last_use < oldest->second.last_use) {
      oldest = it;
    }
  }
  if (oldest == statements.by_text.end()) return;
  statements.by_text.erase(oldest);
  // A connection that evicts over and over runs more shapes than it keeps; the usual cause is a
  // text that carries values instead of placeholders (never logged: it may hold personal data).
  if (++statements.evictions == 1000) {
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true)) {
      LogWarn(
          "a pooled connection replaced 1000 cached statements; a statement text may carry "
          "values instead of placeholders",
          {{"limit", absl::StrCat(kMaxStatementsPerConnection)}});
    }
  }
}

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
    auto it = statements->by_text.find(sql);
    if (it == statements->by_text.end()) {
      if (statements->by_text.size() >= kMaxStatementsPerConnection) EvictOne(*statements);
      if (statements->by_text.size() < kMaxStatementsPerConnection) {
        // prepareStatement throws on a bad statement or a lost connection: nothing is cached.
        std::unique_ptr<sql::PreparedStatement> prepared(conn.prepareStatement(sql));
        it = statements->by_text.emplace(sql, Entry{std::move(prepared), false, 0}).first;
      }
    }
    if (it != statements->by_text.end() && !it->second.in_use) {
      it->second.in_use = true;
      it->second.last_use = ++statements->uses;
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
