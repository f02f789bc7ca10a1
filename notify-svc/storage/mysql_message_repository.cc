#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/mysql_batch.h"
#include "common/mysql_statements.h"
#include "common/mysql_time.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/datatype.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "notify-svc/storage/mysql_rows.h"
#include "notify-svc/storage/mysql_store.h"

namespace wse::notify {
namespace {

constexpr size_t kMaxErrorLength = 1000;

// "?, ?, ?, ?" for an IN list of `ids`, padded (common/mysql_batch.h): the statement's text
// never holds a value, so each shape is prepared once per connection and kept.
std::string IdPlaceholders(const std::vector<uint64_t>& ids) {
  return Placeholders(PaddedCount(ids.size()));
}

// Messages whose ids are listed, ascending, with recipients.
absl::StatusOr<std::vector<MessageRecord>> SelectByIds(sql::Connection& conn,
                                                       const std::vector<uint64_t>& ids) {
  std::vector<MessageRecord> messages;
  if (ids.empty()) return messages;
  Statement select =
      Prepare(conn, absl::StrCat("SELECT ", kMessageColumns, " FROM messages WHERE id IN (",
                                 IdPlaceholders(ids), ") ORDER BY id"));
  BindPadded(*select, ids);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto message, ReadMessageRow(*rows));
    messages.push_back(std::move(message));
  }
  LoadRecipients(conn, messages);
  return messages;
}

absl::StatusOr<MessageRecord> SelectOne(sql::Connection& conn, const std::string& where,
                                        const std::string& value) {
  Statement select = Prepare(
      conn, absl::StrCat("SELECT ", kMessageColumns, " FROM messages WHERE ", where, " = ?"));
  select->setString(1, value);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  if (!rows->next()) return absl::NotFoundError("message not found");
  ASSIGN_OR_RETURN(auto message, ReadMessageRow(*rows));
  std::vector<MessageRecord> one = {std::move(message)};
  LoadRecipients(conn, one);
  RETURN_IF_ERROR(LoadHistory(conn, one[0]));
  return std::move(one[0]);
}

std::vector<uint64_t> ReadIds(sql::PreparedStatement& select) {
  std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
  std::vector<uint64_t> ids;
  while (rows->next()) ids.push_back(rows->getUInt64(1));
  return ids;
}

}  // namespace

absl::StatusOr<MessageRecord> MysqlMessageRepository::Create(const MessageRecord& message) {
  absl::StatusOr<MessageRecord> created = absl::InternalError("not run");
  absl::Status status = InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    Statement insert = Prepare(
        conn,
        "INSERT INTO messages (idempotency_key, content_sha256, template_id, requested_locale,"
        " locale, parameters_json, source_event, subject, text_body, html_body, state, due_time,"
        " traceparent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NOW(6), ?)");
    insert->setString(1, message.idempotency_key);
    insert->setString(2, message.content_sha256);
    insert->setString(3, message.template_id);
    insert->setString(4, message.requested_locale);
    insert->setString(5, message.rendered ? message.rendered->locale : "");
    insert->setString(6, ParametersToJson(message.parameters));
    insert->setString(7, message.source_event);
    if (message.rendered) {
      insert->setString(8, message.rendered->subject);
      insert->setString(9, message.rendered->text_body);
      insert->setString(10, message.rendered->html_body);
    } else {
      for (int i = 8; i <= 10; ++i) insert->setNull(i, sql::DataType::VARCHAR);
    }
    insert->setString(11, message.traceparent);
    insert->execute();
    std::unique_ptr<sql::Statement> stmt(conn.createStatement());
    std::unique_ptr<sql::ResultSet> id(stmt->executeQuery("SELECT LAST_INSERT_ID()"));
    id->next();
    const uint64_t new_id = id->getUInt64(1);
    InsertRecipients(conn, new_id, message.recipients);
    ASSIGN_OR_RETURN(auto stored, SelectByIds(conn, {new_id}));
    created = std::move((stored)[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return created;
}

namespace {

// Which of `keys` are stored already; locks them, and the gaps where the others would go, so
// that a concurrent call cannot insert one of them before this transaction ends.
absl::flat_hash_map<std::string, bool> LockKeys(sql::Connection& conn,
                                                const std::vector<std::string>& keys) {
  const size_t padded = PaddedCount(keys.size());
  Statement lock = Prepare(conn, absl::StrCat("SELECT idempotency_key FROM messages WHERE"
                                              " idempotency_key IN (",
                                              Placeholders(padded), ") FOR UPDATE"));
  BindPadded(*lock, keys);
  std::unique_ptr<sql::ResultSet> rows(lock->executeQuery());
  absl::flat_hash_map<std::string, bool> taken;
  while (rows->next()) taken[ColumnText(*rows, 1)] = true;
  return taken;
}

// Inserts `messages` (multi-row, power-of-two chunks) and returns their ids by key.
absl::flat_hash_map<std::string, uint64_t> InsertMessages(
    sql::Connection& conn, const std::vector<const MessageRecord*>& messages) {
  absl::flat_hash_map<std::string, uint64_t> ids;
  for (const Chunk& chunk : PowerOfTwoChunks(messages.size())) {
    Statement insert = Prepare(
        conn,
        absl::StrCat("INSERT INTO messages (idempotency_key, content_sha256, template_id,"
                     " requested_locale, locale, parameters_json, source_event, subject,"
                     " text_body, html_body, state, due_time, traceparent) VALUES ",
                     absl::StrJoin(std::vector<std::string>(
                                       chunk.size, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NOW(6), ?)"),
                                   ", "),
                     " RETURNING id, idempotency_key"));
    int column = 1;
    for (size_t i = chunk.offset; i < chunk.offset + chunk.size; ++i) {
      const MessageRecord& message = *messages[i];
      insert->setString(column++, message.idempotency_key);
      insert->setString(column++, message.content_sha256);
      insert->setString(column++, message.template_id);
      insert->setString(column++, message.requested_locale);
      insert->setString(column++, message.rendered ? message.rendered->locale : "");
      insert->setString(column++, ParametersToJson(message.parameters));
      insert->setString(column++, message.source_event);
      if (message.rendered) {
        insert->setString(column++, message.rendered->subject);
        insert->setString(column++, message.rendered->text_body);
        insert->setString(column++, message.rendered->html_body);
      } else {
        for (int k = 0; k < 3; ++k) insert->setNull(column++, sql::DataType::VARCHAR);
      }
      insert->setString(column++, message.traceparent);
    }
    std::unique_ptr<sql::ResultSet> rows(insert->executeQuery());
    while (rows->next()) ids[ColumnText(*rows, 2)] = rows->getUInt64(1);
  }
  return ids;
}

}  // namespace

absl::StatusOr<std::vector<absl::StatusOr<MessageRecord>>> MysqlMessageRepository::CreateAll(
    const std::vector<MessageRecord>& messages) {
  std::vector<absl::StatusOr<MessageRecord>> results;
  if (messages.empty()) return results;
  std::vector<std::string> keys;
  for (const MessageRecord& message : messages) keys.push_back(message.idempotency_key);
  absl::Status status = InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    results.assign(messages.size(), absl::AlreadyExistsError("duplicate idempotency key"));
    absl::flat_hash_map<std::string, bool> taken = LockKeys(conn, keys);
    std::vector<const MessageRecord*> fresh;  // The first of each key not stored yet.
    std::vector<size_t> positions;
    for (size_t i = 0; i < messages.size(); ++i) {
      bool& used = taken[messages[i].idempotency_key];
      if (used) continue;
      used = true;
      fresh.push_back(&messages[i]);
      positions.push_back(i);
    }
    if (fresh.empty()) return absl::OkStatus();
    absl::flat_hash_map<std::string, uint64_t> ids = InsertMessages(conn, fresh);
    std::vector<uint64_t> new_ids;
    std::vector<std::pair<uint64_t, const std::vector<RecipientRecord>*>> recipients;
    for (const MessageRecord* message : fresh) {
      auto id = ids.find(message->idempotency_key);
      if (id == ids.end()) return absl::InternalError("an inserted message returned no id");
      new_ids.push_back(id->second);
      recipients.emplace_back(id->second, &message->recipients);
    }
    InsertRecipientsOf(conn, recipients);
    ASSIGN_OR_RETURN(auto stored, SelectByIds(conn, new_ids));
    absl::flat_hash_map<uint64_t, MessageRecord*> by_id;
    for (MessageRecord& record : stored) by_id[record.id] = &record;
    for (size_t k = 0; k < fresh.size(); ++k) {
      auto record = by_id.find(new_ids[k]);
      if (record == by_id.end()) return absl::InternalError("an inserted message is not there");
      results[positions[k]] = std::move(*record->second);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return results;
}

absl::StatusOr<MessageRecord> MysqlMessageRepository::FindById(uint64_t id) {
  absl::StatusOr<MessageRecord> found = absl::InternalError("not run");
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    found = SelectOne(conn, "id", absl::StrCat(id));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<MessageRecord> MysqlMessageRepository::FindByIdempotencyKey(const std::string& key) {
  absl::StatusOr<MessageRecord> found = absl::InternalError("not run");
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    found = SelectOne(conn, "idempotency_key", key);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<std::vector<MessageRecord>> MysqlMessageRepository::List(const MessageFilter& filter,
                                                                        uint64_t before_id,
                                                                        int limit) {
  if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
  std::string sql = absl::StrCat("SELECT ", kMessageColumns, " FROM messages m WHERE 1 = 1");
  if (before_id > 0) absl::StrAppend(&sql, " AND m.id < ?");
  if (!filter.source_event.empty()) absl::StrAppend(&sql, " AND m.source_event = ?");
  if (filter.state) absl::StrAppend(&sql, " AND m.state = ?");
  if (!filter.recipient.empty()) {
    absl::StrAppend(&sql,
                    " AND EXISTS (SELECT 1 FROM message_recipients r WHERE r.message_id = m.id"
                    " AND (r.address = ? OR r.resolved_email = ?))");
  }
  absl::StrAppend(&sql, " ORDER BY m.id DESC LIMIT ?");
  std::vector<MessageRecord> messages;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    Statement select = Prepare(conn, sql);
    int i = 1;
    if (before_id > 0) select->setUInt64(i++, before_id);
    if (!filter.source_event.empty()) select->setString(i++, filter.source_event);
    if (filter.state) select->setInt(i++, static_cast<int>(*filter.state));
    if (!filter.recipient.empty()) {
      select->setString(i++, filter.recipient);
      select->setString(i++, filter.recipient);
    }
    select->setInt(i, limit);
    std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
    messages.clear();
    while (rows->next()) {
      ASSIGN_OR_RETURN(auto message, ReadMessageRow(*rows));
      messages.push_back(std::move(message));
    }
    LoadRecipients(conn, messages);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return messages;
}

absl::StatusOr<std::vector<MessageRecord>> MysqlMessageRepository::ClaimDue(int limit,
                                                                            absl::Duration lease) {
  std::vector<MessageRecord> claimed;
  absl::Status status = InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    // The range scan of messages_due (due_time, id) yields rows in this order, so SKIP LOCKED
    // locks just the rows taken; a sort would lock every due row and serialise the workers.
    Statement select =
        Prepare(conn,
                "SELECT id FROM messages WHERE due_time <= NOW(6) ORDER BY due_time, id LIMIT ?"
                " FOR UPDATE SKIP LOCKED");
    select->setInt(1, limit);
    const std::vector<uint64_t> ids = ReadIds(*select);
    claimed.clear();
    if (ids.empty()) return absl::OkStatus();
    Statement take = Prepare(
        conn, absl::StrCat(
                  "UPDATE messages SET state = 2, attempt_count = attempt_count + 1,"
                  " due_time = NOW(6) + INTERVAL ? MICROSECOND, update_time = NOW(6) WHERE id IN (",
                  IdPlaceholders(ids), ")"));
    take->setInt64(1, absl::ToInt64Microseconds(lease));
    BindPadded(*take, ids, 2);
    take->execute();
    ASSIGN_OR_RETURN(auto messages, SelectByIds(conn, ids));
    claimed = std::move(messages);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return claimed;
}

absl::Status MysqlMessageRepository::Finish(uint64_t id, int claimed_attempt,
                                            const AttemptResult& result) {
  return InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    std::string sql =
        "UPDATE messages SET state = ?, last_error = ?, update_time = NOW(6),"
        " due_time = IF(? = 1, NOW(6) + INTERVAL ? MICROSECOND, NULL),"
        " send_time = IF(? = 3, NOW(6), send_time)";
    if (result.rendered) sql += ", locale = ?, subject = ?, text_body = ?, html_body = ?";
    sql += " WHERE id = ? AND state = 2 AND attempt_count = ?";
    Statement update = Prepare(conn, sql);
    const int state = static_cast<int>(result.new_state);
    int i = 1;
    update->setInt(i++, state);
    update->setString(i++, result.last_error.substr(0, kMaxErrorLength));
    update->setInt(i++, state);
    update->setInt64(i++, absl::ToInt64Microseconds(result.retry_after));
    update->setInt(i++, state);
    if (result.rendered) {
      update->setString(i++, result.rendered->locale);
      update->setString(i++, result.rendered->subject);
      update->setString(i++, result.rendered->text_body);
      update->setString(i++, result.rendered->html_body);
    }
    update->setUInt64(i++, id);
    update->setInt(i, claimed_attempt);
    if (update->executeUpdate() == 0) {
      return absl::FailedPreconditionError("the claim on this message is no longer held");
    }
    Statement attempt = Prepare(
        conn,
        "INSERT INTO delivery_attempts (message_id, attempt_time, outcome, smtp_code, error)"
        " VALUES (?, ?, ?, ?, ?)");
    attempt->setUInt64(1, id);
    attempt->setString(2, TimeToDb(result.attempt.attempt_time));
    attempt->setInt(3, static_cast<int>(result.attempt.outcome));
    attempt->setInt(4, result.attempt.smtp_code);
    attempt->setString(5, result.attempt.error.substr(0, kMaxErrorLength));
    attempt->execute();
    if (!result.recipients.empty()) InsertRecipients(conn, id, result.recipients);
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> MysqlMessageRepository::RenewClaim(uint64_t id, int claimed_attempt,
                                                        absl::Duration lease) {
  bool held = false;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    // update_time always changes, so a held claim is always one affected row.
    Statement renew = Prepare(conn,
                              "UPDATE messages SET due_time = NOW(6) + INTERVAL ? MICROSECOND,"
                              " update_time = NOW(6) WHERE id = ? AND state = 2 AND"
                              " attempt_count = ?");
    renew->setInt64(1, absl::ToInt64Microseconds(lease));
    renew->setUInt64(2, id);
    renew->setInt(3, claimed_attempt);
    held = renew->executeUpdate() == 1;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return held;
}

absl::StatusOr<std::vector<uint64_t>> MysqlMessageRepository::RequeueDead(
    const std::vector<uint64_t>& ids, int limit) {
  std::vector<uint64_t> requeued;
  absl::Status status = InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    std::string sql = "SELECT id FROM messages WHERE state = 5";
    if (!ids.empty()) absl::StrAppend(&sql, " AND id IN (", IdPlaceholders(ids), ")");
    absl::StrAppend(&sql, " ORDER BY id LIMIT ? FOR UPDATE");
    Statement select = Prepare(conn, sql);
    if (!ids.empty()) BindPadded(*select, ids);
    select->setInt(ids.empty() ? 1 : static_cast<int>(PaddedCount(ids.size())) + 1, limit);
    requeued = ReadIds(*select);
    if (requeued.empty()) return absl::OkStatus();
    Statement update = Prepare(
        conn, absl::StrCat(
                  "UPDATE messages SET state = 1, due_time = NOW(6), budget_start = attempt_count,"
                  " update_time = NOW(6) WHERE id IN (",
                  IdPlaceholders(requeued), ")"));
    BindPadded(*update, requeued);
    update->execute();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return requeued;
}

}  // namespace wse::notify
