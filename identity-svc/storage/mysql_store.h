#pragma once
// The MySQL/MariaDB implementations of identity-svc's repositories (repositories.h), on the
// schema of migrations/0001_directory_sessions_keys.sql. This is the only SQL of the service.
//
// Every call runs in its own short transaction (wse::InTransaction / wse::WithConnection), so
// SQL errors become statuses (common/mysql_errors.h) and nothing throws. Mutations write their
// audit row in the same transaction: the change and its audit trail commit together or not at
// all. A call that changes nothing (an unchanged upsert, a second revoke) writes no audit row.
//
// Times written come from the records (the caller's clock); DirectoryRepository records whose
// create_time/update_time are unset (absl::UnixEpoch()) take the database clock instead.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "identity-svc/domain/email_verification.h"
#include "identity-svc/domain/model.h"
#include "identity-svc/domain/store.h"
#include "identity-svc/storage/mysql_record_changes.h"

namespace wse::identity {

class MysqlDirectoryRepository : public DirectoryRepository {
 public:
  explicit MysqlDirectoryRepository(wse::MysqlPool& pool) : pool_(pool) {}
  // Told after each transaction that changed a stored person (mysql_record_changes.h). Set
  // before the first call.
  void OnRecordsChanged(RecordsChanged listener) { records_changed_ = std::move(listener); }

  absl::StatusOr<UpsertOutcome> UpsertPerson(const PersonRecord& person, const AuditEntry& audit,
                                             PersonRecord* stored) override;
  // INVALID_ARGUMENT unless exactly one of kbo_number and institution_number is set.
  absl::StatusOr<PersonRecord> MergePersonEmail(const std::string& person_id,
                                                const EmailAddress& given,
                                                const AuditEntry& audit) override;
  absl::StatusOr<UpsertOutcome> UpsertOrganization(const OrganizationRecord& organization,
                                                   const AuditEntry& audit,
                                                   OrganizationRecord* stored) override;
  absl::StatusOr<PersonRecord> FindPersonById(const std::string& id) override;
  absl::StatusOr<PersonRecord> FindPersonByInsz(const std::string& insz) override;
  absl::StatusOr<OrganizationRecord> FindOrganizationById(const std::string& id) override;
  absl::StatusOr<OrganizationRecord> FindOrganizationByIdentifier(
      const std::string& kbo_number, const std::string& institution_number) override;
  // INVALID_ARGUMENT for a page size below 1. `query` matches case-insensitively, literally (no
  // wildcards).
  absl::StatusOr<std::vector<OrganizationRecord>> ListOrganizations(
      const Page& page, const std::string& kind, const std::string& query) override;
  absl::StatusOr<std::vector<OrganizationRecord>> OrganizationsRepresentedBy(
      const std::string& insz) override;

 private:
  wse::MysqlPool& pool_;
  RecordsChanged records_changed_;
};

class MysqlSessionRepository : public SessionRepository {
 public:
  explicit MysqlSessionRepository(wse::MysqlPool& pool) : pool_(pool) {}
  // Told after each transaction that changed a stored session (mysql_record_changes.h). Set
  // before the first call.
  void OnRecordsChanged(RecordsChanged listener) { records_changed_ = std::move(listener); }

  // ALREADY_EXISTS for a duplicate id or refresh token hash.
  absl::Status Create(const SessionRecord& session, const UsedIdToken& id_token,
                      const AuditEntry& audit) override;
  absl::Status StartLogin(const LoginAttempt& attempt) override;
  absl::StatusOr<std::string> CompleteLogin(const std::string& id_hash, absl::Time now) override;
  absl::Status RecordEvent(const AuditEntry& audit) override;
  absl::StatusOr<SessionRecord> Find(const std::string& id) override;
  // Revoked sessions are not "live": NOT_FOUND.
  absl::StatusOr<SessionRecord> FindByRefreshHash(const std::string& hash, bool* replayed) override;
  // ABORTED also when the session is unknown or revoked: the token is not current either way.
  absl::Status RotateRefresh(const std::string& id, const std::string& old_hash,
                             const std::string& new_hash, absl::Time refresh_expire_time,
                             const AuditEntry& audit) override;
  // NOT_FOUND for an unknown session.
  absl::Status SetCurrentOrganization(const std::string& id,
                                      const std::optional<std::string>& organization_id,
                                      const AuditEntry& audit) override;
  // Five to eight statements for the whole batch: one locking read of every session, one UPDATE
  // of all, the audit events in multi-row inserts, COMMIT.
  absl::StatusOr<std::vector<absl::StatusOr<SessionRecord>>> SwitchContexts(
      const std::vector<const ContextSwitch*>& switches) override;
  // NOT_FOUND for an unknown session; a revoked one keeps its first revoke_time.
  absl::Status Revoke(const std::string& id, absl::Time when, const AuditEntry& audit) override;

 private:
  wse::MysqlPool& pool_;
  RecordsChanged records_changed_;
};

class MysqlSigningKeyRepository : public SigningKeyRepository {
 public:
  explicit MysqlSigningKeyRepository(wse::MysqlPool& pool) : pool_(pool) {}

  // Ties on create_time are ordered by kid, descending.
  absl::StatusOr<std::vector<SigningKeyRecord>> ListUnexpired(absl::Time now) override;
  absl::StatusOr<bool> InsertIfRotationDue(const SigningKeyRecord& candidate,
                                           absl::Time due_before) override;

 private:
  wse::MysqlPool& pool_;
};

// E-mail verifications (email_verification.h); a verified address is written to the person's
// row and announced like any person change. `directory` reads the person back after the commit.
class MysqlEmailVerificationStore : public EmailVerificationStore {
 public:
  MysqlEmailVerificationStore(wse::MysqlPool& pool, DirectoryRepository& directory)
      : pool_(pool), directory_(directory) {}
  void OnRecordsChanged(RecordsChanged listener) { records_changed_ = std::move(listener); }

  absl::Status Start(const std::string& person_id, const Decide& decide, const OutboxMessage& mail,
                     const AuditEntry& audit) override;
  absl::StatusOr<PersonRecord> Verify(const std::string& person_id, const Judge& judge) override;

 private:
  wse::MysqlPool& pool_;
  DirectoryRepository& directory_;
  RecordsChanged records_changed_;
};

}  // namespace wse::identity
