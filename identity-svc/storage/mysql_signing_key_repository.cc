// MysqlSigningKeyRepository: the access-token signing keys and their serialised rotation.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/mysql_statements.h"
#include "common/mysql_time.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "identity-svc/storage/mysql_audit.h"
#include "identity-svc/storage/mysql_store.h"

namespace wse::identity {
namespace {

// The current row of ListUnexpired's query.
absl::StatusOr<SigningKeyRecord> ReadSigningKey(const sql::ResultSet& row) {
  SigningKeyRecord key;
  key.kid = ColumnText(row, 1);
  key.alg = ColumnText(row, 2);
  key.private_key_sealed = ColumnText(row, 3);  // Binary-safe: the bytes come back as stored.
  key.public_jwk = ColumnText(row, 4);
  ASSIGN_OR_RETURN(auto created, wse::ColumnTime(row, 5));
  ASSIGN_OR_RETURN(auto retire, wse::ColumnTime(row, 6));
  ASSIGN_OR_RETURN(auto expire, wse::ColumnTime(row, 7));
  key.create_time = created;
  key.retire_time = retire;
  key.expire_time = expire;
  return key;
}

}  // namespace

absl::StatusOr<std::vector<SigningKeyRecord>> MysqlSigningKeyRepository::ListUnexpired(
    absl::Time now) {
  std::vector<SigningKeyRecord> keys;
  absl::Status status = WithConnection(pool_, [&](sql::Connection& conn) -> absl::Status {
    keys.clear();
    Statement statement =
        Prepare(conn,
                "SELECT kid, alg, private_key_sealed, public_jwk,"
                " DATE_FORMAT(create_time, '%Y-%m-%d %H:%i:%s.%f'),"
                " DATE_FORMAT(retire_time, '%Y-%m-%d %H:%i:%s.%f'),"
                " DATE_FORMAT(expire_time, '%Y-%m-%d %H:%i:%s.%f')"
                " FROM signing_keys WHERE expire_time > ? ORDER BY create_time DESC, kid DESC");
    statement->setString(1, TimeToDb(now));
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    while (rows->next()) {
      ASSIGN_OR_RETURN(auto key, ReadSigningKey(*rows));
      keys.push_back(std::move(key));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return keys;
}

absl::StatusOr<bool> MysqlSigningKeyRepository::InsertIfRotationDue(
    const SigningKeyRecord& candidate, absl::Time due_before) {
  bool inserted = false;
  absl::Status status = InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    inserted = false;
    // Replicas rotating at once queue on this row lock; each then sees the keys committed by
    // those before it, so only the first inserts.
    Statement lock = Prepare(conn, "SELECT id FROM key_rotation_lock WHERE id = 1 FOR UPDATE");
    std::unique_ptr<sql::ResultSet> locked(lock->executeQuery());
    if (!locked->next()) return absl::InternalError("key_rotation_lock has no row 1");

    // READ COMMITTED: this read, taken after the lock, sees every rotation committed before it.
    Statement count = Prepare(conn, "SELECT COUNT(*) FROM signing_keys WHERE create_time > ?");
    count->setString(1, TimeToDb(due_before));
    std::unique_ptr<sql::ResultSet> counted(count->executeQuery());
    if (!counted->next()) return absl::InternalError("COUNT(*) returned no row");
    if (counted->getInt64(1) > 0) return absl::OkStatus();  // Another replica rotated first.

    Statement insert =
        Prepare(conn,
                "INSERT INTO signing_keys (kid, alg, private_key_sealed, public_jwk, create_time,"
                " retire_time, expire_time) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert->setString(1, candidate.kid);
    insert->setString(2, candidate.alg);
    insert->setString(3, candidate.private_key_sealed);  // Binary-safe (see common/outbox.cc).
    insert->setString(4, candidate.public_jwk);
    insert->setString(5, TimeToDb(candidate.create_time));
    insert->setString(6, TimeToDb(candidate.retire_time));
    insert->setString(7, TimeToDb(candidate.expire_time));
    insert->executeUpdate();
    inserted = true;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return inserted;
}

}  // namespace wse::identity
