#pragma once
// The MySQL/MariaDB implementation of registration-svc's storage (store.h), on the schema of
// migrations/0001_vov.sql. This is the only SQL of the service.
//
// Transact runs its body in one wse::InTransaction (READ COMMITTED, UTC session): the body gets
// a MysqlRegistrationTransaction bound to that connection, and commits when it returns OK.
//
// Errors inside a transaction:
//   - what the body can act on comes back as a status from the call: NOT_FOUND, ABORTED (stale
//     version), ALREADY_EXISTS (a duplicate key, MySQL 1062: the statement - or, for the bulk
//     writes, every statement of the call, through a savepoint - is undone, but the transaction
//     stays usable);
//   - what ends the transaction (deadlock, lock wait timeout, lost connection, any other SQL
//     error) is thrown through the body as sql::SQLException; InTransaction rolls back, retries a
//     deadlock and maps the rest to a status (common/mysql_errors.h). Bodies must therefore be
//     exception-safe (RAII) and must not catch sql::SQLException.
//
// Storage details:
//   - Times are kept to the microsecond (DATETIME(6), UTC); finer parts are truncated. Dates are
//     DATE columns; hours are DOUBLE and round-trip exactly. Empty optional ids
//     (corrects_registration_id, registration_id of a draft) are NULL and read back as "".
//   - A training's facts.module_codes is not stored: it is read back as the codes of `modules`.
//   - Bulk writes (participants, version lines, active participants) are multi-row INSERTs of
//     500 rows each (mysql_internal::kRowsPerStatement).
//   - INSZ columns are CHAR(11): only normalised INSZs fit; a longer value is an SQL error
//     (INTERNAL), not a status.
//   - ODB numbers and request ids compare byte-wise (utf8mb4_bin); the training query is a
//     LIKE on the title (the server's case- and accent-insensitive collation) or the ODB number
//     (case-insensitive).
//
// Beyond store.h:
//   - ListDrafts / ListRegistrations / ListVersions / ListTrainings: INVALID_ARGUMENT for a page
//     size below 1; ListVersions also for a page.after that is not a decimal number.
//   - OpenCorrections: newest first (id descending).
//   - InsertParticipants: ALREADY_EXISTS (nothing inserted) too for an id already in the draft.
//   - SetActiveParticipants: ALREADY_EXISTS (nothing changed) too when `insz` repeats an INSZ.
//   - MergeParticipants: a given id that is already a row of the draft (with another INSZ) is a
//     caller error; ids come from NewRecordId, so it does not happen.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/mysql_pool.h"
#include "common/outbox.h"
#include "registration-svc/domain/model.h"
#include "registration-svc/domain/store.h"

namespace sql {
class Connection;
}  // namespace sql

namespace wse::registration {

// One open transaction (see the file comment); valid only during the Transact body.
class MysqlRegistrationTransaction : public RegistrationTransaction {
 public:
  explicit MysqlRegistrationTransaction(sql::Connection& connection) : conn_(connection) {}

  absl::StatusOr<std::optional<std::string>> FindRequestId(const std::string& organization_id,
                                                           const std::string& kind,
                                                           const std::string& request_id,
                                                           const std::string& fingerprint) override;
  absl::Status RecordRequestId(const std::string& organization_id, const std::string& kind,
                               const std::string& request_id, const std::string& resource_id,
                               const std::string& fingerprint) override;

  absl::StatusOr<TrainingRecord> GetTraining(const std::string& odb_number) override;
  absl::Status UpsertTraining(const TrainingRecord& training) override;

  absl::Status InsertDraft(const DraftRecord& draft) override;
  absl::StatusOr<DraftRecord> GetDraft(const std::string& organization_id,
                                       const std::string& id) override;
  absl::Status UpdateDraft(const DraftRecord& draft) override;
  absl::Status MarkValidated(const std::string& organization_id, const std::string& id,
                             int64_t version) override;
  absl::Status DeleteDraft(const std::string& organization_id, const std::string& id) override;
  absl::StatusOr<int> PurgeDrafts(absl::Time expired_before, int limit) override;
  absl::StatusOr<std::vector<DraftRecord>> ListDrafts(const DraftFilter& filter,
                                                      const Page& page) override;
  absl::StatusOr<std::vector<DraftRecord>> OpenCorrections(
      const std::string& organization_id, const std::string& registration_id) override;

  absl::StatusOr<std::vector<ParticipantRecord>> ListParticipants(
      const std::string& draft_id) override;
  absl::StatusOr<ParticipantRecord> GetParticipant(const std::string& draft_id,
                                                   const std::string& participant_id) override;
  absl::Status InsertParticipants(const std::string& draft_id,
                                  const std::vector<ParticipantRecord>& participants) override;
  // Reads the draft's (insz, id) pairs, gives matching rows their stored id and runs
  // INSERT ... ON DUPLICATE KEY UPDATE, which then updates those rows in place (id, insz kept).
  absl::Status MergeParticipants(const std::string& draft_id,
                                 const std::vector<ParticipantRecord>& participants) override;
  absl::Status UpdateParticipant(const std::string& draft_id,
                                 const ParticipantRecord& participant) override;
  absl::Status DeleteParticipant(const std::string& draft_id,
                                 const std::string& participant_id) override;
  absl::Status DeleteAllParticipants(const std::string& draft_id) override;

  absl::Status InsertRegistration(const RegistrationRecord& registration) override;
  absl::StatusOr<RegistrationRecord> GetRegistration(const std::string& organization_id,
                                                     const std::string& id) override;
  absl::Status UpdateRegistration(const RegistrationRecord& registration) override;
  // The receipt number is the row's AUTO_INCREMENT value (LAST_INSERT_ID()).
  absl::StatusOr<int64_t> InsertVersion(const RegistrationVersionRecord& version) override;
  absl::StatusOr<RegistrationVersionRecord> GetVersion(const std::string& organization_id,
                                                       const std::string& registration_id,
                                                       int version,
                                                       bool with_participants) override;
  absl::StatusOr<std::vector<RegistrationVersionRecord>> ListRegistrations(
      const RegistrationFilter& filter, const Page& page, bool with_participants) override;
  absl::StatusOr<std::vector<RegistrationVersionRecord>> ListVersions(
      const std::string& organization_id, const std::string& registration_id, const Page& page,
      bool with_participants) override;

  absl::StatusOr<std::vector<ActiveConflict>> FindActiveConflicts(
      const std::string& odb_number, int school_year, const std::vector<std::string>& insz,
      const std::string& except_registration_id) override;
  // The primary key (odb_number, school_year, insz) is the rule, so a concurrent registration
  // of the same participant cannot slip in between the check and the insert.
  absl::Status SetActiveParticipants(const std::string& registration_id,
                                     const std::string& odb_number, int school_year,
                                     const std::vector<std::string>& insz) override;
  absl::Status AddActiveParticipants(const std::string& registration_id,
                                     const std::string& odb_number, int school_year,
                                     const std::vector<std::string>& insz) override;

  absl::StatusOr<uint64_t> AppendOutbox(const OutboxMessage& message) override;

  // The confirm writer's operations, one statement per table (IN lists padded to powers of two,
  // multi-row inserts in power-of-two chunks: common/mysql_batch.h).
  absl::StatusOr<std::vector<std::optional<DraftRecord>>> GetDrafts(
      const std::vector<DraftKey>& keys) override;
  absl::StatusOr<std::vector<std::vector<ParticipantRecord>>> ListParticipantsOf(
      const std::vector<std::string>& draft_ids) override;
  // Multi-row inserts of the registrations, request ids, versions (receipt numbers read back
  // with RETURNING), lines and active participants, then one UPDATE of the drafts, inside a
  // savepoint: ALREADY_EXISTS or ABORTED leave nothing of the call behind.
  absl::StatusOr<std::vector<int64_t>> InsertConfirmations(
      const std::vector<NewConfirmation>& confirmations) override;
  absl::Status AppendOutboxAll(const std::vector<OutboxMessage>& messages) override;

 private:
  // The participant lines of one version, in line order.
  absl::StatusOr<std::vector<RegisteredParticipant>> VersionParticipants(
      const std::string& registration_id, int version);
  // Reads the participant lines of every version in `versions`.
  absl::Status FillParticipants(std::vector<RegistrationVersionRecord>& versions);
  // The multi-row INSERT of active participants (throws 1062 on a conflict).
  void InsertActive(const std::string& registration_id, const std::string& odb_number,
                    int school_year, const std::vector<std::string>& insz);

  sql::Connection& conn_;
};

class MysqlRegistrationStore : public RegistrationStore {
 public:
  explicit MysqlRegistrationStore(wse::MysqlPool& pool) : pool_(pool) {}

  // A deadlock or lock wait timeout reruns `body` (wse::InTransaction), so bodies must not have
  // effects outside the transaction they cannot repeat.
  absl::Status Transact(const std::function<absl::Status(RegistrationTransaction&)>& body) override;

  absl::StatusOr<TrainingRecord> GetTraining(const std::string& odb_number) override;
  absl::StatusOr<std::vector<TrainingRecord>> ListTrainings(const TrainingFilter& filter,
                                                            const Page& page) override;

 private:
  wse::MysqlPool& pool_;
};

}  // namespace wse::registration
