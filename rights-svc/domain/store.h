#pragma once
// Storage of rights-svc. Every change runs in one transaction (RightsStore::Transact), so a
// grant, its audit event and the mail it causes (outbox row) are stored together or not at all.
// MySQL implementation: mysql_store.{h,cc} (the only SQL). Fake: tests/support/rights_fakes.h.
//
// Errors: NOT_FOUND (missing, or in another organisation: ids are always looked up together
// with their organisation), ALREADY_EXISTS (unique clash), ABORTED (stale version, or a
// deadlock: the whole transaction is retried by Transact), UNAVAILABLE (database down).

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/outbox_message.h"
#include "rights-svc/domain/model.h"

namespace wse::rights {

struct WorkRelationFilter {
  std::string organization_id;  // Empty: any organisation (then person_id is set).
  std::string person_id;        // Empty: any person.
  bool include_ended = false;   // Otherwise only relations not ended at `now`.
  absl::Time now;
};

struct GrantFilter {
  std::string organization_id;  // Empty: any organisation (then person_id is set).
  std::string person_id;
  std::string role;
  bool include_inactive = false;  // Otherwise only grants neither revoked nor expired at `now`.
  absl::Time now;
};

struct AccessRequestFilter {
  std::string organization_id;
  std::string state;  // Empty: any.
  std::string requester_id;
};

struct AuditFilter {
  std::string organization_id;
  std::optional<absl::Time> start_time;
  std::optional<absl::Time> end_time;
};

// The operations available inside one transaction. Reads of single records lock them
// (FOR UPDATE) so that read-check-write sequences are safe under concurrency.
class RightsTransaction {
 public:
  virtual ~RightsTransaction() = default;

  // Idempotent creates: the resource id a request_id already produced, if any.
  // Idempotency keys: the resource a request_id of `kind` produced; INVALID_ARGUMENT
  // REQUEST_ID_REUSED (common/request_fingerprint.h) when it was recorded for a request with
  // another fingerprint.
  virtual absl::StatusOr<std::optional<std::string>> FindRequestId(
      const std::string& request_id, const std::string& kind, const std::string& fingerprint) = 0;
  virtual absl::Status RecordRequestId(const std::string& request_id, const std::string& kind,
                                       const std::string& resource_id,
                                       const std::string& fingerprint) = 0;

  virtual absl::Status InsertWorkRelation(const WorkRelationRecord& relation) = 0;
  virtual absl::StatusOr<WorkRelationRecord> GetWorkRelation(const std::string& organization_id,
                                                             const std::string& id) = 0;
  // Writes `relation` if the stored version is `relation.version - 1` (ABORTED otherwise).
  virtual absl::Status UpdateWorkRelation(const WorkRelationRecord& relation) = 0;
  virtual absl::StatusOr<std::vector<WorkRelationRecord>> ListWorkRelations(
      const WorkRelationFilter& filter, const PageRequest& page) = 0;

  virtual absl::Status InsertGrant(const GrantRecord& grant) = 0;
  virtual absl::StatusOr<GrantRecord> GetGrant(const std::string& organization_id,
                                               const std::string& id) = 0;
  virtual absl::Status UpdateGrant(const GrantRecord& grant) = 0;  // Same version rule.
  virtual absl::StatusOr<std::vector<GrantRecord>> ListGrants(const GrantFilter& filter,
                                                              const PageRequest& page) = 0;
  // The organisation's grants of `role` neither revoked nor expired at `now`, ordered by id and
  // locked until the transaction ends: every change that can end a local administrator takes
  // these locks first, so such changes run one after the other (administrators.h).
  virtual absl::StatusOr<std::vector<GrantRecord>> LockGrantsWithRole(
      const std::string& organization_id, const std::string& role, absl::Time now) = 0;

  // ALREADY_EXISTS when the same requester already has a PENDING request for the same
  // organisation, role and context.
  virtual absl::Status InsertAccessRequest(const AccessRequestRecord& request) = 0;
  virtual absl::StatusOr<AccessRequestRecord> GetAccessRequest(const std::string& organization_id,
                                                               const std::string& id) = 0;
  virtual absl::Status UpdateAccessRequest(const AccessRequestRecord& request) = 0;  // Version.
  virtual absl::StatusOr<std::vector<AccessRequestRecord>> ListAccessRequests(
      const AccessRequestFilter& filter, const PageRequest& page) = 0;
  // PENDING requests with expire_time <= now, oldest first, locked and skipped by other
  // replicas (SKIP LOCKED).
  virtual absl::StatusOr<std::vector<AccessRequestRecord>> ClaimExpiredRequests(absl::Time now,
                                                                                int limit) = 0;

  // Grants (any organisation) not revoked, still valid at `now` and ending before `horizon`,
  // whose holder was not yet told; locked, other replicas skip them (SKIP LOCKED).
  virtual absl::StatusOr<std::vector<GrantRecord>> ClaimExpiringGrants(absl::Time now,
                                                                       absl::Time horizon,
                                                                       int limit) = 0;
  virtual absl::Status MarkExpiryNoticeSent(const std::string& organization_id,
                                            const std::string& id, absl::Time when) = 0;

  // The organisation's last audit event (sequence 0 and empty hash when none), locked so that
  // appends to one organisation's chain are serialised.
  virtual absl::StatusOr<AuditRecord> LockAuditHead(const std::string& organization_id) = 0;
  virtual absl::Status InsertAudit(const AuditRecord& event) = 0;

  // Bumps the organisation's rights revision (any grant or work-relation change).
  virtual absl::Status BumpRevision(const std::string& organization_id) = 0;
  // Tells the replicas about the organisation again when the transaction ends, also when it
  // fails, without a change: a retried revocation that finds the work done (or its etag stale)
  // must not answer before the replicas could have been told of the first call's change.
  virtual void AnnounceAgain(const std::string& organization_id) { (void)organization_id; }

  virtual absl::StatusOr<uint64_t> AppendOutbox(const OutboxMessage& message) = 0;
};

class RightsStore {
 public:
  virtual ~RightsStore() = default;
  // Runs `body` in one transaction; commits when it returns OK, rolls back otherwise.
  virtual absl::Status Transact(const std::function<absl::Status(RightsTransaction&)>& body) = 0;

  // Runs `body` without a transaction (autocommit): for reads of one statement, which see what
  // is committed when they run; saves the BEGIN and COMMIT round trips of Transact.
  virtual absl::Status Read(const std::function<absl::Status(RightsTransaction&)>& body) = 0;

  // Read-only queries outside a transaction (the CheckPermission hot path).
  // Grants active at `now`, ordered by role, context, id: UnendedGrants filtered by the clock.
  absl::StatusOr<std::vector<GrantRecord>> ActiveGrants(const std::string& organization_id,
                                                        const std::string& person_id,
                                                        absl::Time now) {
    absl::StatusOr<std::vector<GrantRecord>> grants =
        UnendedGrants(organization_id, person_id, now);
    if (!grants.ok()) return grants;
    const absl::Time at = absl::FromUnixMicros(absl::ToUnixMicros(now));  // As stored.
    grants->erase(std::remove_if(grants->begin(), grants->end(),
                                 [at](const GrantRecord& g) { return !g.ActiveAt(at); }),
                  grants->end());
    SortGrants(*grants);
    return grants;
  }
  // Grants neither revoked nor ended at `now`, including those that start later: what a cache
  // keyed by revision may hold, since time alone turns them on and off.
  virtual absl::StatusOr<std::vector<GrantRecord>> UnendedGrants(const std::string& organization_id,
                                                                 const std::string& person_id,
                                                                 absl::Time now) = 0;
  // Work relations not ended at `now`, including those that start later (as UnendedGrants).
  virtual absl::StatusOr<std::vector<WorkRelationRecord>> UnendedWorkRelations(
      const std::string& organization_id, const std::string& person_id, absl::Time now) = 0;
  virtual absl::StatusOr<int64_t> Revision(const std::string& organization_id) = 0;
  virtual absl::StatusOr<std::vector<AuditRecord>> ListAudit(const AuditFilter& filter,
                                                             int64_t after_sequence, int limit) = 0;
};

}  // namespace wse::rights
