#include "common/outbox.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/mysql_batch.h"
#include "common/mysql_statements.h"
#include "common/request_context.h"
#include "common/trace_context.h"
#include "cppconn/connection.h"
#include "cppconn/datatype.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"

namespace wse {

const std::vector<Migration>& OutboxMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "0001_outbox",
       "CREATE TABLE IF NOT EXISTS outbox (\n"
       "  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
       "  kind VARCHAR(64) NOT NULL,\n"
       "  payload MEDIUMBLOB NOT NULL,\n"
       "  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n"
       "  attempts INT NOT NULL DEFAULT 0,\n"
       "  next_attempt_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n"
       "  delivered_at TIMESTAMP(6) NULL,\n"
       "  last_error VARCHAR(1024) NULL,\n"
       "  KEY outbox_pending (delivered_at, id)\n"
       ") ENGINE=InnoDB;\n"},
      // The trace of the request that wrote the row (W3C traceparent), continued by its delivery.
      {2, "0002_outbox_traceparent",
       "ALTER TABLE outbox ADD COLUMN IF NOT EXISTS traceparent VARCHAR(64) NULL;\n"},
  };
  return kMigrations;
}

namespace {

void BindTraceparent(sql::PreparedStatement& statement, int index, const OutboxMessage& message) {
  if (!message.traceparent.empty()) {
    statement.setString(index, message.traceparent);
  } else if (const TraceContext* trace = CurrentTrace()) {
    statement.setString(index, trace->Traceparent());
  } else {
    statement.setNull(index, sql::DataType::VARCHAR);
  }
}

}  // namespace

void AppendAllToOutbox(sql::Connection& transaction, const std::vector<OutboxMessage>& messages) {
  if (messages.empty()) return;
  mysql_pool_internal::NoteOutboxAppend();
  for (const Chunk& chunk : PowerOfTwoChunks(messages.size(), 64)) {
    Statement insert = Prepare(transaction, absl::StrCat("INSERT INTO outbox (kind, payload,"
                                                         " traceparent) VALUES ",
                                                         RowPlaceholders(chunk.size, 3)));
    for (size_t row = 0; row < chunk.size; ++row) {
      const OutboxMessage& message = messages[chunk.offset + row];
      const int first = static_cast<int>(row * 3 + 1);
      insert->setString(first, message.kind);
      insert->setString(first + 1, message.payload);
      BindTraceparent(*insert, first + 2, message);
    }
    insert->execute();
  }
}

absl::StatusOr<uint64_t> AppendToOutbox(sql::Connection& transaction,
                                        const OutboxMessage& message) {
  mysql_pool_internal::NoteOutboxAppend();
  Statement insert =
      Prepare(transaction, "INSERT INTO outbox (kind, payload, traceparent) VALUES (?, ?, ?)");
  insert->setString(1, message.kind);
  insert->setString(2, message.payload);  // Binary-safe: Connector/C++ sends the bytes as is.
  BindTraceparent(*insert, 3, message);
  insert->execute();
  std::unique_ptr<sql::Statement> stmt(transaction.createStatement());
  std::unique_ptr<sql::ResultSet> id(stmt->executeQuery("SELECT LAST_INSERT_ID()"));
  id->next();
  return id->getUInt64(1);
}

OutboxRelay::Metrics::Metrics(const std::string& source)
    : pending(GaugeOf("wse_outbox_pending_rows",
                      "Outbox rows not yet delivered (measured every 5 s).", {{"source", source}})),
      oldest_age(GaugeOf("wse_outbox_oldest_pending_age_seconds",
                         "Age of the oldest outbox row not yet delivered; 0 when none.",
                         {{"source", source}})),
      delivered(CounterOf("wse_outbox_deliveries_total", "Outbox deliveries by result.",
                          {{"source", source}, {"result", "delivered"}})),
      failed(CounterOf("wse_outbox_deliveries_total", "Outbox deliveries by result.",
                       {{"source", source}, {"result", "failed"}})),
      last_pass(GaugeOf("wse_outbox_last_pass_timestamp_seconds",
                        "When the outbox relay last completed a pass (every poll interval).",
                        {{"source", source}})) {}

std::vector<absl::Status> OutboxDeliverer::DeliverAll(const std::vector<OutboxRow>& rows) {
  std::vector<absl::Status> outcomes;
  outcomes.reserve(rows.size());
  for (const OutboxRow& row : rows) {
    // The delivery continues the trace of the request that wrote the row: its call and log
    // lines carry that trace_id.
    const ScopedTrace traced(TraceContext::Continue(row.traceparent), NewRequestId());
    outcomes.push_back(Deliver(row));
  }
  return outcomes;
}

OutboxRelay::OutboxRelay(MysqlPool& pool, OutboxDeliverer& deliverer, OutboxRelayOptions options)
    : pool_(pool),
      deliverer_(deliverer),
      options_(std::move(options)),
      metrics_(options_.source),
      task_(options_.poll_interval, [this] { Pass(); }) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  pool_.OnOutboxCommit([this] { task_.Wake(); });
  task_.Start();
  task_.Wake();  // The first pass now: rows may have waited while the service was down.
}

void OutboxRelay::Stop() {
  pool_.OnOutboxCommit(nullptr);
  task_.Stop();
}

void OutboxRelay::Poke() { task_.Wake(); }

void OutboxRelay::Pass() {
  const absl::Time now = absl::Now();
  if (now - backlog_measured_ >= kBacklogInterval) {
    backlog_measured_ = now;
    absl::Status measured = MeasureBacklog();
    if (!measured.ok()) LogWarn("measuring the outbox failed", {{"error", measured.message()}});
  }
  auto delivered = RunOnce();
  if (!delivered.ok()) {
    LogWarn("outbox relay pass failed", {{"error", delivered.status().message()}});
  }
  if (delivered.ok()) metrics_.last_pass.SetToCurrentTime();
  // A full batch means more may be waiting: go again at once.
  if (delivered.ok() && *delivered >= options_.batch_size) task_.Wake();
}

absl::Status OutboxRelay::MeasureBacklog() {
  return WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    // The (delivered_at, id) index holds the pending rows together: a range read, not a scan.
    Statement backlog = Prepare(conn,
                                "SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(MICROSECOND, "
                                "MIN(created_at), CURRENT_TIMESTAMP(6)), 0)"
                                " FROM outbox WHERE delivered_at IS NULL");
    std::unique_ptr<sql::ResultSet> row(backlog->executeQuery());
    if (!row->next()) return absl::OkStatus();
    metrics_.pending.Set(static_cast<double>(row->getInt64(1)));
    metrics_.oldest_age.Set(static_cast<double>(row->getInt64(2)) / 1e6);
    return absl::OkStatus();
  });
}

std::vector<OutboxRow> OutboxRelay::ClaimDue(sql::Connection& transaction) const {
  // The (delivered_at, id) index returns pending rows already in id order, so only the rows
  // taken are locked (a sort would lock every pending row and starve other relays).
  Statement claim =
      Prepare(transaction,
              "SELECT id, kind, payload, attempts, traceparent FROM outbox"
              " WHERE delivered_at IS NULL AND next_attempt_at <= CURRENT_TIMESTAMP(6)"
              " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED");
  claim->setInt(1, options_.batch_size);
  std::unique_ptr<sql::ResultSet> rows(claim->executeQuery());
  std::vector<OutboxRow> batch;
  while (rows->next()) {
    OutboxRow row;
    row.id = rows->getUInt64(1);
    row.kind = rows->getString(2);
    row.payload = rows->getString(3);
    row.attempts = rows->getInt(4);
    if (!rows->isNull(5)) row.traceparent = rows->getString(5);
    row.idempotency_key = absl::StrCat(options_.source, "/outbox/", row.id);
    batch.push_back(std::move(row));
  }
  return batch;
}

absl::StatusOr<int> OutboxRelay::RunOnce() {
  int delivered = 0;
  int failed = 0;
  absl::Status status = InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    delivered = 0;
    failed = 0;
    const std::vector<OutboxRow> batch = ClaimDue(conn);
    if (batch.empty()) return absl::OkStatus();
    const std::vector<absl::Status> outcomes = deliverer_.DeliverAll(batch);
    if (outcomes.size() != batch.size()) {
      return absl::InternalError("the outbox deliverer answered for a different number of rows");
    }
    std::vector<uint64_t> done;
    Statement retry =
        Prepare(conn,
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
                " next_attempt_at = CURRENT_TIMESTAMP(6) + INTERVAL ? MICROSECOND WHERE id = ?");
    for (size_t i = 0; i < batch.size(); ++i) {
      const OutboxRow& row = batch[i];
      const absl::Status& sent = outcomes[i];
      if (sent.ok()) {
        done.push_back(row.id);
        continue;
      }
      // Exponential backoff: initial * 2^attempts, capped.
      absl::Duration backoff = options_.initial_backoff * (1 << std::min(row.attempts, 16));
      backoff = std::min(backoff, options_.max_backoff);
      retry->setString(1, std::string(sent.message()).substr(0, 1000));
      retry->setInt64(2, absl::ToInt64Microseconds(backoff));
      retry->setUInt64(3, row.id);
      retry->execute();
      ++failed;
      LogWarn("outbox delivery failed; will retry",
              {{"outbox_id", absl::StrCat(row.id)}, {"error", sent.message()}});
    }
    MarkDelivered(conn, done);
    delivered = static_cast<int>(done.size());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  // Counted once committed: a pass rolled back (and its rows delivered again) counts once.
  metrics_.delivered.Increment(delivered);
  metrics_.failed.Increment(failed);
  return delivered;
}

void OutboxRelay::MarkDelivered(sql::Connection& transaction, const std::vector<uint64_t>& ids) {
  if (ids.empty()) return;
  // One statement for the pass; the IN list padded to a power of two (common/mysql_batch.h).
  const size_t padded = PaddedCount(ids.size());
  Statement done =
      Prepare(transaction, absl::StrCat("UPDATE outbox SET delivered_at = CURRENT_TIMESTAMP(6),"
                                        " attempts = attempts + 1, last_error = NULL WHERE id IN (",
                                        Placeholders(padded), ")"));
  BindPadded(*done, ids);
  done->execute();
}

}  // namespace wse
