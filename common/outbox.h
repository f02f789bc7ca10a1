#pragma once
// The transactional outbox: a service writes its business change and the message announcing it
// in ONE transaction (AppendToOutbox on the transaction's connection); OutboxRelay then delivers
// the rows at least once, and the receiver deduplicates on the row's idempotency key, so every
// event yields exactly one effect even across crashes and outages of the receiver.
//
// Relays claim rows with SELECT ... FOR UPDATE SKIP LOCKED, so any number of replicas can run.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/metrics.h"
#include "common/migrations.h"
#include "common/mysql_pool.h"
#include "common/outbox_message.h"
#include "common/periodic_task.h"

namespace sql {
class Connection;
}  // namespace sql

namespace wse {

// The outbox table, as a migration component "outbox" every service with an outbox applies.
const std::vector<Migration>& OutboxMigrations();

// Appends inside the caller's open transaction, with the trace the thread works for
// (CurrentTrace(), common/trace_context.h); returns the row id.
absl::StatusOr<uint64_t> AppendToOutbox(sql::Connection& transaction, const OutboxMessage& message);
// The same for many messages, in multi-row statements (row ids not returned).
void AppendAllToOutbox(sql::Connection& transaction, const std::vector<OutboxMessage>& messages);

struct OutboxRow {
  uint64_t id = 0;
  std::string kind;
  std::string payload;
  int attempts = 0;
  // Stable across redeliveries: "<source>/outbox/<id>".
  std::string idempotency_key;
  // The traceparent of the request that appended it; empty for rows from before traces.
  std::string traceparent;
};

// Delivers one row; OK means the receiver has it durably. Any error is retried later.
class OutboxDeliverer {
 public:
  virtual ~OutboxDeliverer() = default;
  virtual absl::Status Deliver(const OutboxRow& row) = 0;
  // A whole pass's rows: one outcome per row, in order. By default one Deliver after another,
  // each under its row's trace; a receiver that takes many in one call overrides it.
  virtual std::vector<absl::Status> DeliverAll(const std::vector<OutboxRow>& rows);
};

struct OutboxRelayOptions {
  std::string source;  // Prefix of idempotency keys, e.g. "rights".
  int batch_size = 50;
  absl::Duration poll_interval = absl::Milliseconds(200);
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(5);
};

class OutboxRelay {
 public:
  OutboxRelay(MysqlPool& pool, OutboxDeliverer& deliverer, OutboxRelayOptions options);
  ~OutboxRelay();

  // Start also wakes the relay after every commit of a transaction on `pool` that appended rows
  // (MysqlPool::OnOutboxCommit): a receipt mail leaves at once, not at the next poll.
  void Start();
  void Stop();
  // Wakes the relay now instead of at the next poll.
  void Poke();

  // One pass: claims due rows, delivers them, records the outcome. Returns rows delivered.
  absl::StatusOr<int> RunOnce();
  // Sets wse_outbox_pending_rows and wse_outbox_oldest_pending_age_seconds from the table.
  absl::Status MeasureBacklog();

 private:
  // wse_outbox_* {source}: what an operator watches for a receiver that stopped taking rows.
  struct Metrics {
    explicit Metrics(const std::string& source);
    prometheus::Gauge& pending;
    prometheus::Gauge& oldest_age;
    prometheus::Counter& delivered;
    prometheus::Counter& failed;
    // When the relay last completed a pass: the age gauges above are the relay's own
    // measurements, so a relay that stalls (or cannot reach its database) shows here.
    prometheus::Gauge& last_pass;
  };
  static constexpr absl::Duration kBacklogInterval = absl::Seconds(5);

  void Pass();
  // Locks and reads the rows due now, at most one batch, in the caller's transaction.
  std::vector<OutboxRow> ClaimDue(sql::Connection& transaction) const;
  static void MarkDelivered(sql::Connection& transaction, const std::vector<uint64_t>& ids);

  MysqlPool& pool_;
  OutboxDeliverer& deliverer_;
  const OutboxRelayOptions options_;
  Metrics metrics_;
  absl::Time backlog_measured_ = absl::InfinitePast();  // Only the relay's thread uses it.
  PeriodicTask task_;
};

}  // namespace wse
