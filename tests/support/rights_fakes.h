#pragma once
// An in-memory rights-svc store for unit tests, with the observable behaviour of
// MysqlRightsStore (rights-svc/mysql_store.h): NOT_FOUND across organisations, ABORTED for a
// stale (or missing) version, ALREADY_EXISTS for duplicate ids / open access requests / request
// ids, keyset pages ordered by id, times kept to the microsecond, INVALID_ARGUMENT for page sizes
// below 1, the audit-head check of InsertAudit, and all-or-nothing transactions. The shared
// contract test (tests/integration/rights/store_contract_test.cc) runs against both.
//
// Transact holds the store's lock for the whole body and runs it on a copy of the state, which
// replaces the state only when the body returns OK. So: transactions are serialised (no
// deadlocks, nothing is ever "locked by another replica"), and a body must not call the store's
// own methods (UnendedGrants, Revision, ListAudit, Transact) — that would self-deadlock.
//
// Differences a test must not rely on: ids compare byte-wise (MySQL: by collation, the same for
// lowercase hex), and column lengths are not enforced.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/outbox.h"
#include "rights-svc/domain/model.h"
#include "rights-svc/domain/store.h"

namespace wse::rights::testing {

class FakeRightsStore : public RightsStore {
 public:
  // Everything a transaction can change.
  struct State {
    std::map<std::string, WorkRelationRecord> work_relations;                // By id.
    std::map<std::string, GrantRecord> grants;                               // By id.
    std::map<std::string, AccessRequestRecord> access_requests;              // By id.
    std::map<std::string, std::pair<int64_t, std::string>> audit_heads;      // Org -> (seq, hash).
    std::map<std::pair<std::string, int64_t>, AuditRecord> audit;            // (org, sequence).
    std::map<std::string, int64_t> revisions;                                // By organisation.
    // (id, kind) -> (resource id, fingerprint).
    std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> request_ids;
    std::vector<std::pair<uint64_t, OutboxMessage>> outbox;  // (row id, message), in order.
    std::map<std::string, absl::Time> expiry_notices;        // Grant id -> when noticed.
    uint64_t last_outbox_id = 0;
  };

  absl::Status Transact(const std::function<absl::Status(RightsTransaction&)>& body) override;
  // Runs on a copy that is thrown away: a read must not change anything.
  absl::Status Read(const std::function<absl::Status(RightsTransaction&)>& body) override;
  absl::StatusOr<std::vector<WorkRelationRecord>> UnendedWorkRelations(
      const std::string& organization_id, const std::string& person_id, absl::Time now) override;
  absl::StatusOr<std::vector<GrantRecord>> UnendedGrants(const std::string& organization_id,
                                                         const std::string& person_id,
                                                         absl::Time now) override;
  absl::StatusOr<int64_t> Revision(const std::string& organization_id) override;
  absl::StatusOr<std::vector<AuditRecord>> ListAudit(const AuditFilter& filter,
                                                     int64_t after_sequence, int limit) override;

  // Committed outbox messages, oldest first (what the relay would deliver).
  std::vector<OutboxMessage> Outbox();
  // A copy of the committed state, for assertions.
  State Snapshot();
  // Makes the next Transact fail with `status` before running its body (UNAVAILABLE, say).
  void FailNextTransact(absl::Status status);
  // Organisations announced again without a change (RightsTransaction::AnnounceAgain), also by
  // transactions that failed, in order.
  std::vector<std::string> AnnouncedAgain();

 private:
  absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_);
  absl::Status next_failure_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> announced_again_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse::rights::testing
