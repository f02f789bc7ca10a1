// MysqlRegistrationTransaction: the confirm writer's set-based writes. A batch of first
// confirmations costs one statement per table (per power-of-two chunk), not one per item: the
// round trip, not the disk, is what a write costs here (common/group_commit.h).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/mysql_batch.h"
#include "common/mysql_statements.h"
#include "common/outbox.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "registration-svc/storage/mysql_store.h"
#include "registration-svc/storage/mysql_store_internal.h"

namespace wse::registration {
namespace {

using mysql_internal::AllOrNothing;
using mysql_internal::BindLine;
using mysql_internal::BindRegistration;
using mysql_internal::BindVersion;
using mysql_internal::ColumnText;
using mysql_internal::kChanged;
using mysql_internal::kLineColumnCount;
using mysql_internal::kRegistrationColumnCount;
using mysql_internal::kRegistrationInsertColumns;
using mysql_internal::kVersionColumnCount;
using mysql_internal::kVersionInsertColumns;
using mysql_internal::LineColumnList;
using mysql_internal::SetStringOrNull;
using mysql_internal::SetTime;

// Rows per statement at most (params: 64 versions x 19, 128 lines x 16, 256 index rows x 4).
constexpr size_t kMaxHeads = 64;
constexpr size_t kMaxLines = 128;
constexpr size_t kMaxIndexRows = 256;

// `head` VALUES (...), ... `tail` for `count` rows in power-of-two chunks; bind(statement,
// first parameter, row) fills one row; `after` runs each executed statement (for RETURNING).
template <typename Bind, typename After>
void InsertChunked(sql::Connection& conn, const std::string& head, size_t columns,
                   const std::string& tail, size_t count, size_t max_chunk, const Bind& bind,
                   const After& after) {
  for (const Chunk& chunk : PowerOfTwoChunks(count, max_chunk)) {
    Statement insert =
        Prepare(conn, absl::StrCat(head, " VALUES ", RowPlaceholders(chunk.size, columns), tail));
    for (size_t row = 0; row < chunk.size; ++row) {
      bind(*insert, static_cast<unsigned int>(row * columns + 1), chunk.offset + row);
    }
    after(*insert);
  }
}

void Execute(sql::PreparedStatement& statement) { statement.executeUpdate(); }

// "CASE id WHEN ? THEN ? ... END" for `rows` drafts.
std::string CaseById(size_t rows) {
  std::string text = "CASE id";
  for (size_t i = 0; i < rows; ++i) text += " WHEN ? THEN ?";
  return text + " END";
}

// The confirmed drafts: state, registration, times and version, each only from the version the
// transaction read (as UpdateDraft). ABORTED when a row did not match.
absl::Status ConfirmDrafts(sql::Connection& conn, const std::vector<NewConfirmation>& items) {
  for (const Chunk& chunk : PowerOfTwoChunks(items.size(), kMaxHeads)) {
    const std::string by_id = CaseById(chunk.size);
    Statement update = Prepare(
        conn, absl::StrCat("UPDATE drafts SET state = ", by_id, ", registration_id = ", by_id,
                           ", registration_version = ", by_id, ", update_time = ", by_id,
                           ", expire_time = ", by_id, ", version = ", by_id, " WHERE id IN (",
                           wse::Placeholders(chunk.size), ") AND organization_id = ", by_id,
                           " AND version = ", by_id));
    unsigned int index = 1;
    // One CASE: (id, value) per draft.
    auto each = [&](auto bind_value) {
      for (size_t i = chunk.offset; i < chunk.offset + chunk.size; ++i) {
        update->setString(index++, items[i].draft.id);
        bind_value(items[i].draft, index++);
      }
    };
    each([&](const DraftRecord& d, unsigned int at) {
      update->setInt(at, static_cast<int>(d.state));
    });
    each([&](const DraftRecord& d, unsigned int at) {
      SetStringOrNull(*update, at, d.registration_id);
    });
    each(
        [&](const DraftRecord& d, unsigned int at) { update->setInt(at, d.registration_version); });
    each([&](const DraftRecord& d, unsigned int at) { SetTime(*update, at, d.update_time); });
    each([&](const DraftRecord& d, unsigned int at) { SetTime(*update, at, d.expire_time); });
    each([&](const DraftRecord& d, unsigned int at) { update->setInt64(at, d.version); });
    for (size_t i = chunk.offset; i < chunk.offset + chunk.size; ++i) {
      update->setString(index++, items[i].draft.id);
    }
    each([&](const DraftRecord& d, unsigned int at) { update->setString(at, d.organization_id); });
    each([&](const DraftRecord& d, unsigned int at) { update->setInt64(at, d.version - 1); });
    // The version always changes, so a matched row is a changed row.
    if (update->executeUpdate() != static_cast<int>(chunk.size)) {
      return absl::AbortedError(kChanged);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<int64_t>> MysqlRegistrationTransaction::InsertConfirmations(
    const std::vector<NewConfirmation>& items) {
  std::vector<int64_t> receipt_numbers(items.size(), 0);
  if (items.empty()) return receipt_numbers;
  absl::Status status = AllOrNothing(conn_, [&]() -> absl::Status {
    InsertChunked(
        conn_, absl::StrCat("INSERT INTO registrations (", kRegistrationInsertColumns, ")"),
        kRegistrationColumnCount, "", items.size(), kMaxHeads,
        [&](sql::PreparedStatement& s, unsigned int first, size_t i) {
          BindRegistration(s, first, items[i].registration);
        },
        Execute);
    InsertChunked(
        conn_,
        "INSERT INTO request_ids (organization_id, kind, request_id, resource_id, fingerprint)", 5,
        "", items.size(), kMaxHeads,
        [&](sql::PreparedStatement& s, unsigned int first, size_t i) {
          const NewConfirmation& c = items[i];
          s.setString(first, c.registration.organization_id);
          s.setString(first + 1, c.request_kind);
          s.setString(first + 2, c.request_id);
          s.setString(first + 3, absl::StrCat(c.registration.id, "@", c.version.version));
          s.setString(first + 4, c.request_fingerprint);
        },
        Execute);
    // Receipt numbers are the AUTO_INCREMENT values, read back by registration id.
    absl::flat_hash_map<std::string, int64_t> numbers;
    InsertChunked(
        conn_, absl::StrCat("INSERT INTO registration_versions (", kVersionInsertColumns, ")"),
        kVersionColumnCount, " RETURNING registration_id, receipt_number", items.size(), kMaxHeads,
        [&](sql::PreparedStatement& s, unsigned int first, size_t i) {
          BindVersion(s, first, items[i].version);
        },
        [&](sql::PreparedStatement& s) {
          std::unique_ptr<sql::ResultSet> rows(s.executeQuery());
          while (rows->next()) numbers[ColumnText(*rows, 1)] = rows->getInt64(2);
        });
    for (size_t i = 0; i < items.size(); ++i) {
      auto it = numbers.find(items[i].version.registration_id);
      if (it == numbers.end()) return absl::InternalError("no receipt number was assigned");
      receipt_numbers[i] = it->second;
    }

    // Every participant line of every version: (item, line) pairs.
    std::vector<std::pair<size_t, size_t>> lines;
    for (size_t i = 0; i < items.size(); ++i) {
      for (size_t line = 0; line < items[i].version.participants.size(); ++line) {
        lines.emplace_back(i, line);
      }
    }
    InsertChunked(
        conn_, absl::StrCat("INSERT INTO registration_participants (", LineColumnList(), ")"),
        kLineColumnCount, "", lines.size(), kMaxLines,
        [&](sql::PreparedStatement& s, unsigned int first, size_t row) {
          BindLine(s, first, items[lines[row].first].version, lines[row].second);
        },
        Execute);
    // The lines are the registrations' active participants (the primary key is the rule: a
    // participant active elsewhere, or twice in the batch, is a duplicate key).
    InsertChunked(
        conn_, "INSERT INTO active_participants (odb_number, school_year, insz, registration_id)",
        4, "", lines.size(), kMaxIndexRows,
        [&](sql::PreparedStatement& s, unsigned int first, size_t row) {
          const RegistrationRecord& head = items[lines[row].first].registration;
          s.setString(first, head.odb_number);
          s.setInt(first + 1, head.school_year);
          s.setString(first + 2,
                      items[lines[row].first].version.participants[lines[row].second].input.insz);
          s.setString(first + 3, head.id);
        },
        Execute);
    return ConfirmDrafts(conn_, items);
  });
  if (!status.ok()) return status;
  return receipt_numbers;
}

absl::Status MysqlRegistrationTransaction::AppendOutboxAll(
    const std::vector<OutboxMessage>& messages) {
  AppendAllToOutbox(conn_, messages);
  return absl::OkStatus();
}

}  // namespace wse::registration
