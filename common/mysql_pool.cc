#include "common/mysql_pool.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/metrics.h"
#include "common/mysql_errors.h"
#include "common/mysql_statements.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "mysql_driver.h"

namespace wse {

absl::StatusOr<std::unique_ptr<sql::Connection>> ConnectMysql(const MysqlOptions& options) {
  sql::ConnectOptionsMap props;
  if (!options.socket.empty()) {
    props["hostName"] = sql::SQLString("localhost");
    props["socket"] = sql::SQLString(options.socket);
  } else {
    props["hostName"] = sql::SQLString(options.host);
    props["port"] = options.port;
  }
  props["userName"] = sql::SQLString(options.user);
  props["password"] = sql::SQLString(options.password);
  if (!options.database.empty()) props["schema"] = sql::SQLString(options.database);
  props["OPT_CONNECT_TIMEOUT"] = static_cast<int>(absl::ToInt64Seconds(options.connect_timeout));
  props["OPT_READ_TIMEOUT"] = static_cast<int>(absl::ToInt64Seconds(options.read_timeout));
  props["OPT_WRITE_TIMEOUT"] = static_cast<int>(absl::ToInt64Seconds(options.read_timeout));
  props["OPT_RECONNECT"] =
      false;  // Reconnecting silently would lose session state mid-transaction.
  props["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  if (!options.tls_ca_file.empty()) {
    props["sslCA"] = sql::SQLString(options.tls_ca_file);
    props["sslVerify"] = true;   // The chain and the host name (MYSQL_OPT_SSL_VERIFY_SERVER_CERT).
    props["sslEnforce"] = true;  // TLS or no connection at all (MYSQL_OPT_SSL_ENFORCE).
  }
  try {
    sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
    std::unique_ptr<sql::Connection> conn(driver->connect(props));
    std::unique_ptr<sql::Statement> stmt(conn->createStatement());
    stmt->execute(
        "SET SESSION time_zone = '+00:00', SESSION sql_mode = 'STRICT_ALL_TABLES,"
        "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
    // READ COMMITTED: no gap locks, and rows a locking read examines but does not return are
    // released at once. Invariants are kept by unique keys and explicit row locks instead.
    stmt->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    if (options.idle_transaction_timeout > absl::ZeroDuration()) {
      stmt->execute(absl::StrCat(
          "SET SESSION idle_transaction_timeout = ",
          std::max<int64_t>(1, absl::ToInt64Seconds(options.idle_transaction_timeout))));
    }
    if (!options.tls_ca_file.empty()) {
      // Whatever the client library makes of its options: no cipher, no connection.
      std::unique_ptr<sql::ResultSet> cipher(
          stmt->executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'"));
      if (!cipher->next() || cipher->getString(2).length() == 0) {
        return absl::UnavailableError("the database connection is not encrypted");
      }
    }
    return conn;
  } catch (const sql::SQLException& e) {
    // Connection refused, bad credentials, unknown database: the service cannot do its work.
    if (IsConnectionLost(e.getErrorCode())) {
      return absl::UnavailableError(absl::StrCat("cannot reach the database: ", e.what()));
    }
    return absl::UnavailableError(absl::StrCat("cannot open a database session (mysql error ",
                                               e.getErrorCode(), "): ", e.what()));
  }
}

MysqlPool::MysqlPool(MysqlOptions options) : options_(std::move(options)) {}

namespace {

// The pools' and transactions' metrics. Gauges move by steps, so several pools in one process
// (tests) add up instead of overwriting each other.
struct DatabaseMetrics {
  prometheus::Gauge& in_use =
      GaugeOf("wse_db_connections_in_use", "Database connections lent to a caller now.", {});
  prometheus::Gauge& idle =
      GaugeOf("wse_db_connections_idle", "Open database connections in the pool, unused.", {});
  prometheus::Gauge& waiting =
      GaugeOf("wse_db_connection_waiters", "Callers waiting for a database connection now.", {});
  prometheus::Histogram& wait = HistogramOf("wse_db_connection_wait_seconds",
                                            "Time a caller waited for a database connection.", {});
  CountersByLabel acquire_failures{"wse_db_connection_failures_total",
                                   "Connections not lent: pool exhausted (busy) or no database "
                                   "(connect).",
                                   "reason",
                                   {"busy", "connect"}};
  CountersByLabel transactions{"wse_db_transactions_total",
                               "Transactions by outcome: committed, rolled_back (the body said "
                               "no), failed (an error, the commit's included).",
                               "outcome",
                               {"committed", "rolled_back", "failed"}};
  prometheus::Counter& retries =
      CounterOf("wse_db_transaction_retries_total",
                "Transactions run again after a deadlock or lock-wait timeout.", {});
  prometheus::Histogram& commit =
      HistogramOf("wse_db_commit_seconds", "Time of the COMMIT statement (the durable write).", {});
};

DatabaseMetrics& Metrics() {
  static auto* metrics = new DatabaseMetrics();  // Never destroyed: used until the last thread.
  return *metrics;
}

// Closes a pooled connection, its cached statements first.
void Close(std::unique_ptr<sql::Connection> conn) {
  if (conn == nullptr) return;
  mysql_statements_internal::Forget(conn.get());
  conn.reset();
}

}  // namespace

MysqlPool::~MysqlPool() {
  absl::MutexLock lock(&mu_);
  Metrics().idle.Decrement(static_cast<double>(idle_.size()));
  for (auto& conn : idle_) Close(std::move(conn));
  idle_.clear();
}

MysqlPool::Lease::Lease(MysqlPool* pool, std::unique_ptr<sql::Connection> conn, uint64_t generation)
    : pool_(pool), conn_(std::move(conn)), generation_(generation) {}

MysqlPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      conn_(std::move(other.conn_)),
      generation_(other.generation_),
      broken_(other.broken_) {
  other.pool_ = nullptr;
}

MysqlPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Return(std::move(conn_), generation_, broken_);
}

absl::StatusOr<MysqlPool::Lease> MysqlPool::Acquire() {
  uint64_t generation = 0;
  DatabaseMetrics& metrics = Metrics();
  {
    absl::MutexLock lock(&mu_);
    if (idle_.empty() && leased_ >= options_.pool_size) {
      metrics.waiting.Increment();
      const absl::Time start = absl::Now();
      const bool got = WaitForConnection(start + options_.acquire_timeout);
      metrics.waiting.Decrement();
      metrics.wait.Observe(absl::ToDoubleSeconds(absl::Now() - start));
      if (!got) {
        metrics.acquire_failures["busy"].Increment();
        return absl::UnavailableError("all database connections are busy; retry later");
      }
    } else {
      metrics.wait.Observe(0);
    }
    ++leased_;
    metrics.in_use.Increment();
    generation = generation_;
    if (!idle_.empty()) {
      std::unique_ptr<sql::Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      metrics.idle.Decrement();
      return Lease(this, std::move(conn), generation);
    }
  }
  // Connect outside the lock: it can take up to connect_timeout.
  auto conn = ConnectMysql(options_);
  if (!conn.ok()) {
    metrics.acquire_failures["connect"].Increment();
    absl::MutexLock lock(&mu_);
    --leased_;
    metrics.in_use.Decrement();
    available_.Signal();
    return conn.status();
  }
  mysql_statements_internal::Track(conn->get());
  return Lease(this, *std::move(conn), generation);
}

bool MysqlPool::WaitForConnection(absl::Time deadline) {
  // A CondVar loop rather than Mutex::Await: the check then runs in this file's code after the
  // wait returns, where ThreadSanitizer sees the lock (Debian's abseil is not instrumented and
  // Await evaluates conditions inside it).
  while (idle_.empty() && leased_ >= options_.pool_size) {
    if (available_.WaitWithDeadline(&mu_, deadline) && idle_.empty() &&
        leased_ >= options_.pool_size) {
      return false;
    }
  }
  return true;
}

void MysqlPool::Return(std::unique_ptr<sql::Connection> conn, uint64_t generation, bool broken) {
  {
    absl::MutexLock lock(&mu_);
    --leased_;
    Metrics().in_use.Decrement();
    available_.Signal();
    if (!broken && conn != nullptr && generation == generation_) {
      idle_.push_back(std::move(conn));
      Metrics().idle.Increment();
      return;
    }
  }
  Close(std::move(conn));
}

void MysqlPool::Invalidate() {
  std::vector<std::unique_ptr<sql::Connection>> dropped;
  {
    absl::MutexLock lock(&mu_);
    ++generation_;
    Metrics().idle.Decrement(static_cast<double>(idle_.size()));
    dropped.swap(idle_);
  }
  // Closed outside the lock.
  for (auto& conn : dropped) Close(std::move(conn));
}

absl::Status WithConnection(MysqlPool& pool,
                            const std::function<absl::Status(sql::Connection&)>& body) {
  ASSIGN_OR_RETURN(auto lease, pool.Acquire());
  try {
    return body(*lease);
  } catch (const sql::SQLException& e) {
    if (IsConnectionLost(e.getErrorCode())) lease.MarkBroken();
    return FromSqlException(e);
  }
}

namespace {
// Outbox rows appended by the transaction this thread runs (InTransaction resets it per attempt).
thread_local int outbox_appends = 0;
}  // namespace

void mysql_pool_internal::NoteOutboxAppend() { ++outbox_appends; }

void MysqlPool::OnOutboxCommit(std::function<void()> hook) {
  absl::MutexLock lock(&hook_mu_);
  outbox_hook_ = std::move(hook);
}

void MysqlPool::OutboxCommitted() {
  absl::ReaderMutexLock lock(&hook_mu_);
  if (outbox_hook_) outbox_hook_();
}

absl::Status InTransaction(MysqlPool& pool,
                           const std::function<absl::Status(sql::Connection&)>& body,
                           int attempts) {
  absl::Status status;
  bool server_conflict = false;
  bool body_refused = false;  // The body answered an error (a stale etag, a missing row).
  for (int attempt = 0; attempt < attempts; ++attempt) {
    // Only a conflict raised by the server is retried; an ABORTED decided by `body` (a stale
    // etag, say) is the caller's answer.
    server_conflict = false;
    body_refused = false;
    outbox_appends = 0;
    status = WithConnection(pool, [&](sql::Connection& conn) -> absl::Status {
      // START TRANSACTION / COMMIT rather than autocommit off and on: one round trip less per
      // transaction, and the connection is back in autocommit mode whatever happens.
      std::unique_ptr<sql::Statement> control(conn.createStatement());
      control->execute("START TRANSACTION");
      absl::Status result;
      try {
        result = body(conn);
      } catch (const sql::SQLException& e) {
        server_conflict = MysqlErrorCode(e.getErrorCode()) == absl::StatusCode::kAborted;
        try {
          control->execute("ROLLBACK");
        } catch (const sql::SQLException&) {
          // The connection is gone; WithConnection discards it on the rethrow below.
        }
        throw;
      }
      // Not conn.commit(): Connector/C++ 1.1 ignores the server's answer there, so a COMMIT
      // lost with the connection (database crash, killed session) passed as committed and the
      // caller was told OK for a transaction the server rolled back. A COMMIT statement throws,
      // and WithConnection turns a lost connection into UNAVAILABLE (outcome unknown: retry
      // with the same request id).
      if (!result.ok()) {
        control->execute("ROLLBACK");
        // An answer (a stale etag, a missing row), not a fault the body ran into.
        const absl::StatusCode code = result.code();
        body_refused = code != absl::StatusCode::kInternal && code != absl::StatusCode::kUnknown &&
                       code != absl::StatusCode::kDataLoss &&
                       code != absl::StatusCode::kUnavailable;
        return result;
      }
      const ScopedTimer timed(Metrics().commit);
      control->execute("COMMIT");
      return result;
    });
    if (status.ok() && outbox_appends > 0) pool.OutboxCommitted();
    if (status.code() != absl::StatusCode::kAborted || !server_conflict) break;
    if (attempt + 1 < attempts) Metrics().retries.Increment();
  }
  // "rolled_back" when the body decided; the server's conflicts and lost connections are failures.
  Metrics()
      .transactions[status.ok()    ? "committed"
                    : body_refused ? "rolled_back"
                                   : "failed"]
      .Increment();
  return status;
}

}  // namespace wse
