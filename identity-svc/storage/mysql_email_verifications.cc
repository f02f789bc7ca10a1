// MysqlEmailVerificationStore: e-mail verifications (migration 0007), their mails in the outbox,
// and the person's address once verified.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/mysql_statements.h"
#include "common/mysql_time.h"
#include "common/outbox.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "identity-svc/domain/email_address.h"
#include "identity-svc/domain/remembered_records.h"
#include "identity-svc/storage/mysql_audit.h"
#include "identity-svc/storage/mysql_store.h"

namespace wse::identity {
namespace {

// The person's verification, locked until the transaction ends. The person's row is locked
// first, so a verification and an import of the same person take their locks in one order.
absl::StatusOr<std::optional<EmailVerification>> LockVerification(sql::Connection& conn,
                                                                  const std::string& person_id) {
  Statement person = Prepare(conn, "SELECT id FROM persons WHERE id = ? FOR UPDATE");
  person->setString(1, person_id);
  std::unique_ptr<sql::ResultSet> found(person->executeQuery());
  if (!found->next()) return absl::NotFoundError("person not found");
  Statement select =
      Prepare(conn,
              "SELECT email_address, code_hash, DATE_FORMAT(expire_time, '%Y-%m-%d %H:%i:%s.%f'),"
              " failed_attempts, DATE_FORMAT(window_start, '%Y-%m-%d %H:%i:%s.%f'), codes_in_window"
              " FROM email_verifications WHERE person_id = ? FOR UPDATE");
  select->setString(1, person_id);
  std::unique_ptr<sql::ResultSet> row(select->executeQuery());
  if (!row->next()) return std::optional<EmailVerification>();
  EmailVerification v;
  v.person_id = person_id;
  v.email_address = ColumnText(*row, 1);
  v.code_hash = ColumnText(*row, 2);
  ASSIGN_OR_RETURN(v.expire_time, wse::ColumnTime(*row, 3));
  v.failed_attempts = row->getInt(4);
  ASSIGN_OR_RETURN(v.window_start, wse::ColumnTime(*row, 5));
  v.codes_in_window = row->getInt(6);
  return std::optional<EmailVerification>(std::move(v));
}

void StoreVerification(sql::Connection& conn, const EmailVerification& v) {
  Statement upsert =
      Prepare(conn,
              "INSERT INTO email_verifications (person_id, email_address, code_hash, expire_time,"
              " failed_attempts, window_start, codes_in_window) VALUES (?, ?, ?, ?, ?, ?, ?)"
              " ON DUPLICATE KEY UPDATE email_address = VALUES(email_address),"
              " code_hash = VALUES(code_hash), expire_time = VALUES(expire_time),"
              " failed_attempts = VALUES(failed_attempts), window_start = VALUES(window_start),"
              " codes_in_window = VALUES(codes_in_window)");
  upsert->setString(1, v.person_id);
  upsert->setString(2, v.email_address);
  upsert->setString(3, v.code_hash);
  upsert->setString(4, TimeToDb(v.expire_time));
  upsert->setInt(5, v.failed_attempts);
  upsert->setString(6, TimeToDb(v.window_start));
  upsert->setInt(7, v.codes_in_window);
  upsert->executeUpdate();
}

}  // namespace

absl::Status MysqlEmailVerificationStore::Start(const std::string& person_id, const Decide& decide,
                                                const OutboxMessage& mail,
                                                const AuditEntry& audit) {
  return wse::InTransaction(pool_, [&](sql::Connection& conn) -> absl::Status {
    ASSIGN_OR_RETURN(auto before, LockVerification(conn, person_id));
    ASSIGN_OR_RETURN(EmailVerification next, decide(before));
    StoreVerification(conn, next);
    RETURN_IF_ERROR(AppendToOutbox(conn, mail).status());
    return InsertAudit(conn, audit);
  });
}

absl::StatusOr<PersonRecord> MysqlEmailVerificationStore::Verify(const std::string& person_id,
                                                                 const Judge& judge) {
  absl::Status answer;
  bool verified = false;
  absl::Status status = InChangingTransaction(
      pool_, records_changed_,
      [&](sql::Connection& conn, std::vector<std::string>& changed) -> absl::Status {
        ASSIGN_OR_RETURN(auto before, LockVerification(conn, person_id));
        ASSIGN_OR_RETURN(VerificationStep step, judge(before));
        StoreVerification(conn, step.next);
        RETURN_IF_ERROR(InsertAudit(conn, step.audit));
        answer = step.answer;
        verified = step.verified;
        if (step.verified) {
          Statement update = Prepare(conn,
                                     "UPDATE persons SET email_address = ?, email_source = ?,"
                                     " update_time = CURRENT_TIMESTAMP(6) WHERE id = ?");
          update->setString(1, step.next.email_address);
          update->setString(2, kEmailVerified);
          update->setString(3, person_id);
          update->executeUpdate();
          changed.push_back(PersonRecordName(person_id));  // Replicas may remember the old row.
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (!answer.ok()) return answer;
  if (!verified) return absl::InternalError("verification step neither verified nor refused");
  return directory_.FindPersonById(person_id);
}

}  // namespace wse::identity
