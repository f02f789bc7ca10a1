#pragma once
// A bounded pool of MySQL/MariaDB connections (Connector/C++ 1.1).
//
// Connections are made lazily and replaced when a call reports them lost (2006/2013), so the
// services keep running across a database restart. Acquire() waits at most `acquire_timeout` and
// answers UNAVAILABLE rather than piling up callers.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sql {
class Connection;
}  // namespace sql

namespace wse {

struct MysqlOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string socket;  // Unix socket; preferred over host:port when set.
  std::string user;
  std::string password;
  std::string database;  // Empty: no default schema.
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Seconds(2);
  // Bounds every statement so that a hung server surfaces as UNAVAILABLE instead of a hang.
  absl::Duration read_timeout = absl::Seconds(10);
  absl::Duration acquire_timeout = absl::Seconds(2);
  // A transaction of this session left idle this long is ended by the server, connection and
  // all (MariaDB's idle_transaction_timeout). A process frozen in the middle of a transaction (a
  // stopped or stalled replica holding a lease table's gate row) would otherwise keep its row
  // locks, and every writer waiting on them, until the lock wait gives up; with this bound they
  // wait at most this long. Shorter than read_timeout, so a waiting statement outlives it. Our
  // transactions run their statements back to back (no RPC inside one). Zero: no bound.
  absl::Duration idle_transaction_timeout = absl::Seconds(5);
  // PEM file of the CA that signed the database server's certificate. Set: every connection is
  // TLS, the server's certificate must chain to this CA and name the host connected to, or the
  // connection fails (no fallback to plain text). Empty: no TLS (a local unix socket).
  std::string tls_ca_file;
};

// Opens one connection (used by the pool and by health probes).
absl::StatusOr<std::unique_ptr<sql::Connection>> ConnectMysql(const MysqlOptions& options);

class MysqlPool {
 public:
  explicit MysqlPool(MysqlOptions options);
  ~MysqlPool();
  MysqlPool(const MysqlPool&) = delete;
  MysqlPool& operator=(const MysqlPool&) = delete;

  // A borrowed connection; returned to the pool on destruction unless marked broken.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    sql::Connection& operator*() const { return *conn_; }
    sql::Connection* operator->() const { return conn_.get(); }
    void MarkBroken() { broken_ = true; }

   private:
    friend class MysqlPool;
    Lease(MysqlPool* pool, std::unique_ptr<sql::Connection> conn, uint64_t generation);
    MysqlPool* pool_;
    std::unique_ptr<sql::Connection> conn_;
    uint64_t generation_;
    bool broken_ = false;
  };

  absl::StatusOr<Lease> Acquire();

  // Drops every idle connection and makes leased ones be dropped on return (after an outage the
  // old sockets are dead; this saves each caller discovering it).
  void Invalidate();

  const MysqlOptions& options() const { return options_; }

  // Called after every COMMIT of a transaction that appended outbox rows (common/outbox.h), on
  // the committing thread: the outbox relay wakes at once instead of at its next poll. One hook
  // at a time; an empty function removes it.
  void OnOutboxCommit(std::function<void()> hook);
  void OutboxCommitted();

 private:
  void Return(std::unique_ptr<sql::Connection> conn, uint64_t generation, bool broken);
  // Waits until a connection is idle or may be opened; false at `deadline`.
  bool WaitForConnection(absl::Time deadline) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const MysqlOptions options_;
  absl::Mutex mu_;
  absl::CondVar available_;  // Signalled whenever a lease ends.
  std::vector<std::unique_ptr<sql::Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int leased_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Mutex hook_mu_;
  std::function<void()> outbox_hook_ ABSL_GUARDED_BY(hook_mu_);
};

namespace mysql_pool_internal {
// AppendToOutbox tells the transaction running on this thread that it holds outbox rows.
void NoteOutboxAppend();
}  // namespace mysql_pool_internal

// Runs `body` on a pooled connection. SQL exceptions become statuses (mysql_errors.h) and a lost
// connection is discarded instead of being returned to the pool.
absl::Status WithConnection(MysqlPool& pool,
                            const std::function<absl::Status(sql::Connection&)>& body);

// Runs `body` in one transaction: commits if it returns OK, rolls back otherwise. A deadlock or
// lock-wait timeout (ABORTED) is retried up to `attempts` times in total.
absl::Status InTransaction(MysqlPool& pool,
                           const std::function<absl::Status(sql::Connection&)>& body,
                           int attempts = 3);

}  // namespace wse
