#pragma once
// The MySQL/MariaDB implementation of rights-svc's storage (store.h), on the schema of
// migrations/0001_gebruikersbeheer.sql. This is the only SQL of the service.
//
// Transact runs its body in one wse::InTransaction (READ COMMITTED, UTC session): the body gets
// a MysqlRightsTransaction bound to that connection, and commits when it returns OK.
//
// Errors inside a transaction:
//   - what the body can act on comes back as a status from the call: NOT_FOUND (no such record
//     in that organisation), ABORTED (stale version), ALREADY_EXISTS (a duplicate key, MySQL
//     1062: the statement is undone but the transaction stays usable);
//   - what ends the transaction (deadlock, lock wait timeout, lost connection, any other SQL
//     error) is thrown through the body as sql::SQLException; InTransaction rolls back, retries a
//     deadlock and maps the rest to a status (common/mysql_errors.h). Bodies must therefore be
//     exception-safe (RAII) and must not catch sql::SQLException.
//
// Times are stored to the microsecond (TIMESTAMP(6)); finer parts are truncated. Empty optional
// strings (end_reason, revoked_by, ...) are stored as NULL and read back as "".
//
// Beyond store.h:
//   - Update* of a record that does not exist (in that organisation) is ABORTED too, as is a
//     stale version: either way the caller's copy is not current. create_time is never updated.
//   - List* and ClaimExpiredRequests: INVALID_ARGUMENT for a page size / limit below 1. Pages
//     are ordered by id (keyset: id > page.after).
//   - InsertAudit: FAILED_PRECONDITION unless event.sequence == head.sequence + 1 and
//     event.prev_hash == head.hash (LockAuditHead first, in the same transaction).
//   - ListAudit: INVALID_ARGUMENT for an empty organization_id or a limit below 1; start_time is
//     inclusive, end_time exclusive; ascending by sequence, sequence > after_sequence.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/mysql_pool.h"
#include "common/mysql_replica_registry.h"
#include "common/outbox.h"
#include "rights-svc/domain/model.h"
#include "rights-svc/domain/store.h"

namespace sql {
class Connection;
}  // namespace sql

namespace wse::rights {

// Where rights transactions record which organisations' rights changed, for the replicas'
// leases (migrations 0003-0004; common/mysql_replica_registry.h).
inline constexpr ReplicaTables kRightsReplicaTables{"revision_changes", "organization_id",
                                                    "revision_change_gate"};

// One open transaction (see the file comment); valid only during the Transact body.
class MysqlRightsTransaction : public RightsTransaction {
 public:
  // `bumped` (if given) collects the organisations whose revision this transaction bumped.
  explicit MysqlRightsTransaction(sql::Connection& connection,
                                  std::vector<std::string>* bumped = nullptr)
      : conn_(connection), bumped_(bumped) {}

  absl::StatusOr<std::optional<std::string>> FindRequestId(const std::string& request_id,
                                                           const std::string& kind,
                                                           const std::string& fingerprint) override;
  absl::Status RecordRequestId(const std::string& request_id, const std::string& kind,
                               const std::string& resource_id,
                               const std::string& fingerprint) override;

  absl::Status InsertWorkRelation(const WorkRelationRecord& relation) override;
  absl::StatusOr<WorkRelationRecord> GetWorkRelation(const std::string& organization_id,
                                                     const std::string& id) override;
  absl::Status UpdateWorkRelation(const WorkRelationRecord& relation) override;
  absl::StatusOr<std::vector<WorkRelationRecord>> ListWorkRelations(
      const WorkRelationFilter& filter, const PageRequest& page) override;

  absl::Status InsertGrant(const GrantRecord& grant) override;
  absl::StatusOr<GrantRecord> GetGrant(const std::string& organization_id,
                                       const std::string& id) override;
  absl::Status UpdateGrant(const GrantRecord& grant) override;
  absl::StatusOr<std::vector<GrantRecord>> ListGrants(const GrantFilter& filter,
                                                      const PageRequest& page) override;
  absl::StatusOr<std::vector<GrantRecord>> LockGrantsWithRole(const std::string& organization_id,
                                                              const std::string& role,
                                                              absl::Time now) override;

  // open_key = organization_id/requester_id/role/context while PENDING, NULL otherwise: the
  // unique key access_requests_open allows one open request per person, role and context.
  absl::Status InsertAccessRequest(const AccessRequestRecord& request) override;
  absl::StatusOr<AccessRequestRecord> GetAccessRequest(const std::string& organization_id,
                                                       const std::string& id) override;
  absl::Status UpdateAccessRequest(const AccessRequestRecord& request) override;
  absl::StatusOr<std::vector<AccessRequestRecord>> ListAccessRequests(
      const AccessRequestFilter& filter, const PageRequest& page) override;
  absl::StatusOr<std::vector<AccessRequestRecord>> ClaimExpiredRequests(absl::Time now,
                                                                        int limit) override;
  absl::StatusOr<std::vector<GrantRecord>> ClaimExpiringGrants(absl::Time now, absl::Time horizon,
                                                               int limit) override;
  absl::Status MarkExpiryNoticeSent(const std::string& organization_id, const std::string& id,
                                    absl::Time when) override;

  // The head row is created (sequence 0, hash "") on first use and locked FOR UPDATE.
  absl::StatusOr<AuditRecord> LockAuditHead(const std::string& organization_id) override;
  // Inserts the event and moves the head to (event.sequence, event.hash).
  absl::Status InsertAudit(const AuditRecord& event) override;

  absl::Status BumpRevision(const std::string& organization_id) override;
  void AnnounceAgain(const std::string& organization_id) override {
    if (bumped_ != nullptr) bumped_->push_back(organization_id);
  }

  absl::StatusOr<uint64_t> AppendOutbox(const OutboxMessage& message) override;

  // Records the bumped organisations in revision_changes (migrations/0004), for the replicas'
  // renewals to pull; MysqlRightsStore::Transact calls it last before COMMIT. Returns the longest
  // lease a replica may count on (RecordReplicaChanges).
  absl::StatusOr<absl::Duration> RecordChanges();

 private:
  sql::Connection& conn_;
  std::vector<std::string>* bumped_;
};

class MysqlRightsStore : public RightsStore {
 public:
  explicit MysqlRightsStore(wse::MysqlPool& pool) : pool_(pool) {}

  // Called after every transaction that bumped revisions (also a failed one: a lost COMMIT may
  // have committed), with those organisations and the longest lease a replica may count on (zero
  // when the transaction did not get as far as recording), before Transact returns
  // (replica_leases.h: the other replicas are told, or waited out, before the RPC answers). Set it
  // before serving. Such a transaction also records the organisations in revision_changes, which
  // every replica's lease renewal reads: the announcement is the fast path, not the only one.
  void OnRevisionsCommitted(
      std::function<void(const std::vector<std::string>&, absl::Duration)> listener) {
    revisions_committed_ = std::move(listener);
  }

  // A deadlock or lock wait timeout reruns `body` (wse::InTransaction), so bodies must not have
  // effects outside the transaction they cannot repeat.
  absl::Status Transact(const std::function<absl::Status(RightsTransaction&)>& body) override;
  absl::Status Read(const std::function<absl::Status(RightsTransaction&)>& body) override;

  // One indexed SELECT (grants_holder), no transaction.
  absl::StatusOr<std::vector<GrantRecord>> UnendedGrants(const std::string& organization_id,
                                                         const std::string& person_id,
                                                         absl::Time now) override;
  absl::StatusOr<std::vector<WorkRelationRecord>> UnendedWorkRelations(
      const std::string& organization_id, const std::string& person_id, absl::Time now) override;
  absl::StatusOr<int64_t> Revision(const std::string& organization_id) override;
  absl::StatusOr<std::vector<AuditRecord>> ListAudit(const AuditFilter& filter,
                                                     int64_t after_sequence, int limit) override;

 private:
  wse::MysqlPool& pool_;
  std::function<void(const std::vector<std::string>&, absl::Duration)> revisions_committed_;
};

}  // namespace wse::rights
