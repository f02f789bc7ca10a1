#include "common/outbox.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/mysql_statements.h"
#include "cppconn/connection.h"
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
  };
  return kMigrations;
}

absl::StatusOr<uint64_t> AppendToOutbox(sql::Connection& transaction,
                                        const OutboxMessage& message) {
  Statement insert = Prepare(transaction, "INSERT INTO outbox (kind, payload) VALUES (?, ?)");
  insert->setString(1, message.kind);
  insert->setString(2, message.payload);  // Binary-safe: Connector/C++ sends the bytes as is.
  insert->execute();
  std::unique_ptr<sql::Statement> stmt(transaction.createStatement());
  std::unique_ptr<sql::ResultSet> id(stmt->executeQuery("SELECT LAST_INSERT_ID()"));
  id->next();
  return id->getUInt64(1);
}

OutboxRelay::OutboxRelay(MysqlPool& pool, OutboxDeliverer& deliverer, OutboxRelayOptions options)
    : pool_(pool),
      deliverer_(deliverer),
      options_(std::move(options)),
      task_(options_.poll_interval, [this] { Pass(); }) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  task_.Start();
  task_.Wake();  // The first pass now: rows may have waited while the service was down.
}

void OutboxRelay::Stop() { task_.Stop(); }

void OutboxRelay::Poke() { task_.Wake(); }

void OutboxRelay::Pass() {
  auto delivered = RunOnce();
  if (!delivered.ok()) {
    LogWarn("outbox relay pass failed", {{"error", delivered.status().message()}});
  }
  // A full batch means more may be waiting: go again at once.
  if (delivered.ok() && *delivered >= options_.batch_size) task_.Wake();
}

absl::StatusOr<int> OutboxRelay::RunOnce() {
  int delivered = 0;
  absl::Status status = InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    delivered = 0;
    // The (delivered_at, id) index returns pending rows already in id order, so only the rows
    // taken are locked (a sort would lock every pending row and starve other relays).
    Statement claim =
        Prepare(conn,
                "SELECT id, kind, payload, attempts FROM outbox"
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
      row.idempotency_key = absl::StrCat(options_.source, "/outbox/", row.id);
      batch.push_back(std::move(row));
    }
    Statement done =
        Prepare(conn,
                "UPDATE outbox SET delivered_at = CURRENT_TIMESTAMP(6), attempts = attempts + 1,"
                " last_error = NULL WHERE id = ?");
    Statement retry =
        Prepare(conn,
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
                " next_attempt_at = CURRENT_TIMESTAMP(6) + INTERVAL ? MICROSECOND WHERE id = ?");
    for (const OutboxRow& row : batch) {
      absl::Status sent = deliverer_.Deliver(row);
      if (sent.ok()) {
        done->setUInt64(1, row.id);
        done->execute();
        ++delivered;
        continue;
      }
      // Exponential backoff: initial * 2^attempts, capped.
      absl::Duration backoff = options_.initial_backoff * (1 << std::min(row.attempts, 16));
      backoff = std::min(backoff, options_.max_backoff);
      retry->setString(1, std::string(sent.message()).substr(0, 1000));
      retry->setInt64(2, absl::ToInt64Microseconds(backoff));
      retry->setUInt64(3, row.id);
      retry->execute();
      LogWarn("outbox delivery failed; will retry",
              {{"outbox_id", absl::StrCat(row.id)}, {"error", sent.message()}});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return delivered;
}

}  // namespace wse
