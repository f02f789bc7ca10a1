#pragma once
// Row helpers of MysqlMessageRepository: parameters as JSON text, reading a message row with its
// recipients and history. Times travel as text (common/mysql_time.h).

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/mysql_columns.h"
#include "notify-svc/domain/model.h"

namespace sql {
class Connection;
class ResultSet;
}  // namespace sql

namespace wse::notify {

// Columns of a message row in the order ReadMessageRow expects; times as text.
extern const char kMessageColumns[];

using wse::ColumnText;

std::string ParametersToJson(const std::map<std::string, std::string>& parameters);
absl::StatusOr<std::map<std::string, std::string>> ParametersFromJson(absl::string_view json);

// The current row (selected with kMessageColumns), without recipients and history.
absl::StatusOr<MessageRecord> ReadMessageRow(const sql::ResultSet& row);

// Fills recipients (and history when asked) of `messages` with one query each.
void LoadRecipients(sql::Connection& conn, std::vector<MessageRecord>& messages);
absl::Status LoadHistory(sql::Connection& conn, MessageRecord& message);
// The recipients of many messages (message id -> its recipients) in multi-row inserts.
void InsertRecipientsOf(
    sql::Connection& conn,
    const std::vector<std::pair<uint64_t, const std::vector<RecipientRecord>*>>& messages);
void InsertRecipients(sql::Connection& conn, uint64_t id,
                      const std::vector<RecipientRecord>& recipients);

}  // namespace wse::notify
