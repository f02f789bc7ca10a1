// MysqlSessionRepository: login sessions and their rotating refresh tokens.

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/mysql_batch.h"
#include "common/mysql_pool.h"
#include "common/mysql_statements.h"
#include "common/mysql_time.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/datatype.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "identity-svc/domain/remembered_records.h"
#include "identity-svc/storage/mysql_audit.h"
#include "identity-svc/storage/mysql_record_changes.h"
#include "identity-svc/storage/mysql_store.h"

namespace wse::identity {
namespace {

constexpr char kSessionSelect[] =
    "SELECT id, person_id, key_type, assurance_level, acr, current_organization_id,"
    " refresh_token_hash, DATE_FORMAT(refresh_expire_time, '%Y-%m-%d %H:%i:%s.%f'),"
    " DATE_FORMAT(create_time, '%Y-%m-%d %H:%i:%s.%f'),"
    " DATE_FORMAT(expire_time, '%Y-%m-%d %H:%i:%s.%f'),"
    " DATE_FORMAT(revoke_time, '%Y-%m-%d %H:%i:%s.%f') FROM sessions";

// The current row, in kSessionSelect's column order.
absl::StatusOr<SessionRecord> ReadSession(const sql::ResultSet& row) {
  SessionRecord session;
  session.id = ColumnText(row, 1);
  session.person_id = ColumnText(row, 2);
  session.key_type = ColumnText(row, 3);
  session.assurance_level = ColumnText(row, 4);
  session.acr = ColumnText(row, 5);
  if (!row.isNull(6)) session.current_organization_id = ColumnText(row, 6);
  session.refresh_token_hash = ColumnText(row, 7);
  ASSIGN_OR_RETURN(auto refresh_expire, wse::ColumnTime(row, 8));
  ASSIGN_OR_RETURN(auto created, wse::ColumnTime(row, 9));
  ASSIGN_OR_RETURN(auto expire, wse::ColumnTime(row, 10));
  session.refresh_expire_time = refresh_expire;
  session.create_time = created;
  session.expire_time = expire;
  if (!row.isNull(11)) {
    ASSIGN_OR_RETURN(auto revoked, wse::ColumnTime(row, 11));
    session.revoke_time = revoked;
  }
  return session;
}

// Whether the session exists (nullopt if not) and if so whether it is revoked; locks its row.
std::optional<bool> LockSessionIsRevoked(sql::Connection& conn, const std::string& id) {
  Statement lock =
      Prepare(conn, "SELECT revoke_time IS NOT NULL FROM sessions WHERE id = ? FOR UPDATE");
  lock->setString(1, id);
  std::unique_ptr<sql::ResultSet> rows(lock->executeQuery());
  if (!rows->next()) return std::nullopt;
  return rows->getInt(1) != 0;
}

// Deletes up to 50 rows of `table` that expired before `before`: each write tidies a little, so
// no sweeper is needed and no single statement grows with the backlog.
void DeleteSomeExpired(sql::Connection& conn, absl::string_view table, absl::Time before) {
  Statement prune =
      Prepare(conn, absl::StrCat("DELETE FROM ", table, " WHERE expire_time < ? LIMIT 50"));
  prune->setString(1, TimeToDb(before));
  prune->executeUpdate();
}

}  // namespace

absl::Status MysqlSessionRepository::Create(const SessionRecord& session,
                                            const UsedIdToken& id_token, const AuditEntry& audit) {
  return InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    // Tokens past their expiry can no longer be presented: their rows have done their job. Ten
    // minutes late, so that a replica whose clock runs behind never finds a live token's row gone.
    DeleteSomeExpired(conn, "used_id_tokens", session.create_time - absl::Minutes(10));
    // The primary key decides between two concurrent logins with one token: one inserts, the
    // other finds the row (waiting for the first to commit or roll back).
    Statement remember = Prepare(conn,
                                 "INSERT IGNORE INTO used_id_tokens (token_hash, session_id,"
                                 " expire_time) VALUES (?, ?, ?)");
    remember->setString(1, id_token.hash);
    remember->setString(2, session.id);
    remember->setString(3, TimeToDb(id_token.expire_time));
    if (remember->executeUpdate() == 0) {
      return absl::AlreadyExistsError("this ID token opened a session before");
    }
    // A new session is live: revoke_time starts NULL whatever the record says.
    Statement insert =
        Prepare(conn,
                "INSERT INTO sessions (id, person_id, key_type, assurance_level, acr,"
                " current_organization_id, refresh_token_hash, previous_refresh_hash,"
                " refresh_expire_time, create_time, expire_time, revoke_time)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL)");
    insert->setString(1, session.id);
    insert->setString(2, session.person_id);
    insert->setString(3, session.key_type);
    insert->setString(4, session.assurance_level);
    insert->setString(5, session.acr);
    if (session.current_organization_id.has_value()) {
      insert->setString(6, *session.current_organization_id);
    } else {
      insert->setNull(6, sql::DataType::CHAR);
    }
    insert->setString(7, session.refresh_token_hash);
    insert->setString(8, TimeToDb(session.refresh_expire_time));
    insert->setString(9, TimeToDb(session.create_time));
    insert->setString(10, TimeToDb(session.expire_time));
    insert->executeUpdate();
    return InsertAudit(conn, audit);
  });
}

absl::Status MysqlSessionRepository::StartLogin(const LoginAttempt& attempt) {
  return InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    DeleteSomeExpired(conn, "login_attempts", attempt.expire_time - absl::Hours(1));
    Statement insert = Prepare(conn,
                               "INSERT INTO login_attempts (id_hash, nonce, expire_time)"
                               " VALUES (?, ?, ?)");
    insert->setString(1, attempt.id_hash);
    insert->setString(2, attempt.nonce);
    insert->setString(3, TimeToDb(attempt.expire_time));
    insert->executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::string> MysqlSessionRepository::CompleteLogin(const std::string& id_hash,
                                                                  absl::Time now) {
  std::optional<std::string> nonce;
  absl::Status status = InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    nonce.reset();  // A retried transaction starts over.
    // Compare-and-set: of two completions of one login only the first updates the row.
    Statement complete = Prepare(conn,
                                 "UPDATE login_attempts SET complete_time = ? WHERE id_hash = ?"
                                 " AND complete_time IS NULL AND expire_time > ?");
    complete->setString(1, TimeToDb(now));
    complete->setString(2, id_hash);
    complete->setString(3, TimeToDb(now));
    if (complete->executeUpdate() == 0) return absl::OkStatus();
    Statement read = Prepare(conn, "SELECT nonce FROM login_attempts WHERE id_hash = ?");
    read->setString(1, id_hash);
    std::unique_ptr<sql::ResultSet> rows(read->executeQuery());
    if (rows->next()) nonce = ColumnText(*rows, 1);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!nonce.has_value()) return absl::NotFoundError("no such login in progress");
  return *std::move(nonce);
}

absl::Status MysqlSessionRepository::RecordEvent(const AuditEntry& audit) {
  return InTransaction(
      pool_, [&](sql::Connection& conn) -> absl::Status { return InsertAudit(conn, audit); });
}

absl::StatusOr<SessionRecord> MysqlSessionRepository::Find(const std::string& id) {
  std::optional<SessionRecord> found;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    Statement statement = Prepare(conn, absl::StrCat(kSessionSelect, " WHERE id = ?"));
    statement->setString(1, id);
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    if (!rows->next()) return absl::OkStatus();
    ASSIGN_OR_RETURN(auto session, ReadSession(*rows));
    found = std::move(session);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found.has_value()) return absl::NotFoundError("session not found");
  return *std::move(found);
}

absl::StatusOr<SessionRecord> MysqlSessionRepository::FindByRefreshHash(const std::string& hash,
                                                                        bool* replayed) {
  std::optional<SessionRecord> found;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    // Both columns are indexed; hashes of random tokens do not collide, so one row at most.
    Statement statement =
        Prepare(conn, absl::StrCat(kSessionSelect,
                                   " WHERE (refresh_token_hash = ? OR previous_refresh_hash = ?)"
                                   " AND revoke_time IS NULL LIMIT 1"));
    statement->setString(1, hash);
    statement->setString(2, hash);
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    if (!rows->next()) return absl::OkStatus();
    ASSIGN_OR_RETURN(auto session, ReadSession(*rows));
    found = std::move(session);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found.has_value()) return absl::NotFoundError("session not found");
  if (replayed != nullptr) *replayed = found->refresh_token_hash != hash;
  return *std::move(found);
}

absl::Status MysqlSessionRepository::RotateRefresh(const std::string& id,
                                                   const std::string& old_hash,
                                                   const std::string& new_hash,
                                                   absl::Time refresh_expire_time,
                                                   const AuditEntry& audit) {
  return InChangingTransaction(
      pool_, records_changed_,
      [&](sql::Connection& conn, std::vector<std::string>& changed) -> absl::Status {
        changed.push_back(SessionRecordName(id));
        // Compare-and-set on the current hash: of two concurrent uses of one refresh token only the
        // first rotates; the other sees 0 rows.
        Statement rotate =
            Prepare(conn,
                    "UPDATE sessions SET previous_refresh_hash = refresh_token_hash,"
                    " refresh_token_hash = ?, refresh_expire_time = ?"
                    " WHERE id = ? AND refresh_token_hash = ? AND revoke_time IS NULL");
        rotate->setString(1, new_hash);
        rotate->setString(2, TimeToDb(refresh_expire_time));
        rotate->setString(3, id);
        rotate->setString(4, old_hash);
        if (rotate->executeUpdate() == 0) {
          return absl::AbortedError("the refresh token was already used");
        }
        return InsertAudit(conn, audit);
      });
}

absl::Status MysqlSessionRepository::SetCurrentOrganization(
    const std::string& id, const std::optional<std::string>& organization_id,
    const AuditEntry& audit) {
  return InChangingTransaction(
      pool_, records_changed_,
      [&](sql::Connection& conn, std::vector<std::string>& changed) -> absl::Status {
        changed.push_back(SessionRecordName(id));
        // Looked up first: an UPDATE setting the same value reports 0 rows, like a missing id.
        if (!LockSessionIsRevoked(conn, id).has_value()) {
          return absl::NotFoundError("session not found");
        }
        Statement update =
            Prepare(conn, "UPDATE sessions SET current_organization_id = ? WHERE id = ?");
        if (organization_id.has_value()) {
          update->setString(1, *organization_id);
        } else {
          update->setNull(1, sql::DataType::CHAR);
        }
        update->setString(2, id);
        update->executeUpdate();
        return InsertAudit(conn, audit);
      });
}

namespace {

// Locks the sessions with these ids (sorted, distinct: every batch locks in one order) and reads
// them; one statement, its IN list padded to a power of two.
absl::StatusOr<absl::flat_hash_map<std::string, SessionRecord>> LockSessions(
    sql::Connection& conn, const std::vector<std::string>& ids) {
  const size_t padded = PaddedCount(ids.size());
  Statement lock = Prepare(
      conn, absl::StrCat(kSessionSelect, " WHERE id IN (", Placeholders(padded), ") FOR UPDATE"));
  BindPadded(*lock, ids);
  std::unique_ptr<sql::ResultSet> rows(lock->executeQuery());
  absl::flat_hash_map<std::string, SessionRecord> sessions;
  while (rows->next()) {
    ASSIGN_OR_RETURN(auto session, ReadSession(*rows));
    sessions.emplace(session.id, std::move(session));
  }
  return sessions;
}

// Sets each session's organisation in one UPDATE (CASE per id; pairs padded by repeating the
// last, which changes nothing).
void UpdateOrganizations(
    sql::Connection& conn,
    const std::vector<std::pair<std::string, std::optional<std::string>>>& organization_by_id) {
  const size_t padded = PaddedCount(organization_by_id.size());
  std::string cases;
  for (size_t i = 0; i < padded; ++i) absl::StrAppend(&cases, " WHEN ? THEN ?");
  Statement update =
      Prepare(conn, absl::StrCat("UPDATE sessions SET current_organization_id ="
                                 " CASE id",
                                 cases, " END WHERE id IN (", Placeholders(padded), ")"));
  for (size_t i = 0; i < padded; ++i) {
    const auto& [id, organization] = organization_by_id[std::min(i, organization_by_id.size() - 1)];
    const int at = static_cast<int>(2 * i + 1);
    update->setString(at, id);
    if (organization.has_value()) {
      update->setString(at + 1, *organization);
    } else {
      update->setNull(at + 1, sql::DataType::CHAR);
    }
    update->setString(static_cast<int>(2 * padded + i + 1), id);
  }
  update->executeUpdate();
}

}  // namespace

absl::StatusOr<std::vector<absl::StatusOr<SessionRecord>>> MysqlSessionRepository::SwitchContexts(
    const std::vector<const ContextSwitch*>& switches) {
  std::vector<std::string> ids;
  for (const ContextSwitch* change : switches) ids.push_back(change->session_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  std::vector<absl::StatusOr<SessionRecord>> results;
  absl::Status status = InChangingTransaction(
      pool_, records_changed_,
      [&](sql::Connection& conn, std::vector<std::string>& changed) -> absl::Status {
        results.clear();  // A retried transaction starts over.
        ASSIGN_OR_RETURN(auto sessions, LockSessions(conn, ids));
        std::vector<std::pair<std::string, std::optional<std::string>>> organization_by_id;
        std::vector<AuditEntry> audits;
        for (const ContextSwitch* change : switches) {
          auto it = sessions.find(change->session_id);
          if (it == sessions.end()) {
            results.push_back(absl::NotFoundError("session not found"));
            continue;
          }
          if (absl::Status admitted = change->admit(it->second); !admitted.ok()) {
            results.push_back(admitted);
            continue;
          }
          it->second.current_organization_id = change->organization_id;
          auto same = std::find_if(organization_by_id.begin(), organization_by_id.end(),
                                   [&](const auto& entry) { return entry.first == it->first; });
          if (same == organization_by_id.end()) {
            organization_by_id.emplace_back(it->first, change->organization_id);
          } else {
            same->second = change->organization_id;  // The later switch wins, as if in sequence.
          }
          audits.push_back(change->audit(it->second));
          results.push_back(it->second);
        }
        if (organization_by_id.empty()) return absl::OkStatus();
        for (const auto& [id, organization] : organization_by_id)
          changed.push_back(SessionRecordName(id));
        UpdateOrganizations(conn, organization_by_id);
        return InsertAudits(conn, audits);
      });
  if (!status.ok()) return status;
  return results;
}

absl::Status MysqlSessionRepository::Revoke(const std::string& id, absl::Time when,
                                            const AuditEntry& audit) {
  return InChangingTransaction(
      pool_, records_changed_,
      [&](sql::Connection& conn, std::vector<std::string>& changed) -> absl::Status {
        const std::optional<bool> revoked = LockSessionIsRevoked(conn, id);
        if (!revoked.has_value()) return absl::NotFoundError("session not found");
        // Announced also when already revoked: a retried logout must not answer before every
        // replica has forgotten the session, and the first call may still be telling them.
        changed.push_back(SessionRecordName(id));
        if (*revoked) return absl::OkStatus();  // Idempotent: the first revocation stands.
        Statement update = Prepare(conn, "UPDATE sessions SET revoke_time = ? WHERE id = ?");
        update->setString(1, TimeToDb(when));
        update->setString(2, id);
        update->executeUpdate();
        return InsertAudit(conn, audit);
      });
}

}  // namespace wse::identity
