#include "notify-svc/storage/mysql_rows.h"

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/mysql_batch.h"
#include "common/mysql_statements.h"
#include "common/mysql_time.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "nlohmann/json.hpp"

namespace wse::notify {

#define WSE_TIME_TEXT(col) "DATE_FORMAT(" col ", '%Y-%m-%d %H:%i:%s.%f')"
const char kMessageColumns[] =
    "id, idempotency_key, content_sha256, template_id, requested_locale, locale,"
    " parameters_json, source_event, subject, text_body, html_body, state, attempt_count,"
    " budget_start, " WSE_TIME_TEXT("due_time") ", last_error, " WSE_TIME_TEXT(
        "create_time") ", " WSE_TIME_TEXT("send_time") ", traceparent";
#undef WSE_TIME_TEXT

std::string ParametersToJson(const std::map<std::string, std::string>& parameters) {
  nlohmann::json doc = nlohmann::json::object();
  for (const auto& [key, value] : parameters) doc[key] = value;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<std::map<std::string, std::string>> ParametersFromJson(absl::string_view json) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return absl::InternalError("bad parameters_json");
  std::map<std::string, std::string> parameters;
  for (const auto& [key, value] : doc.items()) {
    if (!value.is_string()) return absl::InternalError("bad parameters_json value");
    parameters[key] = value.get<std::string>();
  }
  return parameters;
}

absl::StatusOr<MessageRecord> ReadMessageRow(const sql::ResultSet& row) {
  MessageRecord m;
  m.id = row.getUInt64(1);
  m.idempotency_key = ColumnText(row, 2);
  m.content_sha256 = ColumnText(row, 3);
  m.template_id = ColumnText(row, 4);
  m.requested_locale = ColumnText(row, 5);
  ASSIGN_OR_RETURN(auto parameters, ParametersFromJson(ColumnText(row, 7)));
  m.parameters = std::move(parameters);
  m.source_event = ColumnText(row, 8);
  if (!row.isNull(9)) {
    m.rendered = RenderedMail{ColumnText(row, 6), ColumnText(row, 9), ColumnText(row, 10),
                              ColumnText(row, 11)};
  }
  m.state = static_cast<MessageState>(row.getInt(12));
  m.attempt_count = row.getInt(13);
  m.budget_start = row.getInt(14);
  if (!row.isNull(15)) {
    ASSIGN_OR_RETURN(auto due, wse::ColumnTime(row, 15));
    m.due_time = due;
  }
  m.last_error = ColumnText(row, 16);
  ASSIGN_OR_RETURN(auto created, wse::ColumnTime(row, 17));
  m.create_time = created;
  if (!row.isNull(18)) {
    ASSIGN_OR_RETURN(auto sent, wse::ColumnTime(row, 18));
    m.send_time = sent;
  }
  m.traceparent = ColumnText(row, 19);
  return m;
}

void LoadRecipients(sql::Connection& conn, std::vector<MessageRecord>& messages) {
  if (messages.empty()) return;
  std::map<uint64_t, MessageRecord*> by_id;
  for (MessageRecord& m : messages) {
    m.recipients.clear();
    by_id[m.id] = &m;
  }
  std::vector<uint64_t> ids;
  for (const auto& [id, m] : by_id) ids.push_back(id);
  // Placeholders, never the ids themselves: a text with values in it would be prepared anew for
  // every call and fill the connection's statement cache (common/mysql_statements.h).
  Statement select = Prepare(
      conn, absl::StrCat("SELECT message_id, is_person, address, display_name, resolved_email"
                         " FROM message_recipients WHERE message_id IN (",
                         Placeholders(PaddedCount(ids.size())), ") ORDER BY message_id, position"));
  BindPadded(*select, ids);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  while (rows->next()) {
    RecipientRecord r;
    r.is_person = rows->getInt(2) != 0;
    r.address = ColumnText(*rows, 3);
    r.display_name = ColumnText(*rows, 4);
    r.resolved_email = ColumnText(*rows, 5);
    by_id[rows->getUInt64(1)]->recipients.push_back(std::move(r));
  }
}

absl::Status LoadHistory(sql::Connection& conn, MessageRecord& message) {
  Statement select =
      Prepare(conn,
              "SELECT DATE_FORMAT(attempt_time, '%Y-%m-%d %H:%i:%s.%f'), outcome, smtp_code, error"
              " FROM delivery_attempts WHERE message_id = ? ORDER BY id");
  select->setUInt64(1, message.id);
  std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
  message.history.clear();
  while (rows->next()) {
    DeliveryAttemptRecord a;
    ASSIGN_OR_RETURN(auto when, TimeFromDb(ColumnText(*rows, 1)));
    a.attempt_time = when;
    a.outcome = static_cast<DeliveryOutcome>(rows->getInt(2));
    a.smtp_code = rows->getInt(3);
    a.error = ColumnText(*rows, 4);
    message.history.push_back(std::move(a));
  }
  return absl::OkStatus();
}

void InsertRecipientsOf(
    sql::Connection& conn,
    const std::vector<std::pair<uint64_t, const std::vector<RecipientRecord>*>>& messages) {
  struct Row {
    uint64_t id;
    int position;
    const RecipientRecord* recipient;
  };
  std::vector<Row> rows;
  for (const auto& [id, recipients] : messages) {
    for (size_t i = 0; i < recipients->size(); ++i) {
      rows.push_back({id, static_cast<int>(i), &(*recipients)[i]});
    }
  }
  for (const Chunk& chunk : PowerOfTwoChunks(rows.size())) {
    Statement insert = Prepare(
        conn, absl::StrCat("INSERT INTO message_recipients (message_id, position, is_person,"
                           " address, display_name, resolved_email) VALUES ",
                           RowPlaceholders(chunk.size, 6)));
    int column = 1;
    for (size_t i = chunk.offset; i < chunk.offset + chunk.size; ++i) {
      insert->setUInt64(column++, rows[i].id);
      insert->setInt(column++, rows[i].position);
      insert->setInt(column++, rows[i].recipient->is_person ? 1 : 0);
      insert->setString(column++, rows[i].recipient->address);
      insert->setString(column++, rows[i].recipient->display_name);
      insert->setString(column++, rows[i].recipient->resolved_email);
    }
    insert->execute();
  }
}

void InsertRecipients(sql::Connection& conn, uint64_t id,
                      const std::vector<RecipientRecord>& recipients) {
  Statement insert = Prepare(
      conn,
      "INSERT INTO message_recipients (message_id, position, is_person, address, display_name,"
      " resolved_email) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
      " resolved_email = VALUES(resolved_email)");
  for (size_t i = 0; i < recipients.size(); ++i) {
    insert->setUInt64(1, id);
    insert->setInt(2, static_cast<int>(i));
    insert->setInt(3, recipients[i].is_person ? 1 : 0);
    insert->setString(4, recipients[i].address);
    insert->setString(5, recipients[i].display_name);
    insert->setString(6, recipients[i].resolved_email);
    insert->execute();
  }
}

}  // namespace wse::notify
