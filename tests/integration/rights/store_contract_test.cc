// One contract, two implementations: every typed test here runs against the in-memory fake
// (tests/support/rights_fakes.h) and against MysqlRightsStore on a throwaway schema, so unit
// tests written against the fake stay true of production. The plain TESTs at the end are about
// MySQL concurrency only (row locks, SKIP LOCKED), which the serialised fake cannot show.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "rights-svc/domain/model.h"
#include "rights-svc/domain/store.h"
#include "rights-svc/storage/mysql_store.h"
#include "tests/support/rights_fakes.h"
#include "tests/support/test_database.h"

namespace wse::rights {
namespace {

// The fingerprint the request ids below are recorded for (common/request_fingerprint.h).
constexpr char kFingerprint[] = "fp-1";

// ---- Backends. ----

class FakeBackend {
 public:
  static constexpr char kName[] = "Fake";
  absl::Status ready() const { return absl::OkStatus(); }
  RightsStore& store() { return store_; }
  int OutboxCount() { return static_cast<int>(store_.Outbox().size()); }

 private:
  ::wse::rights::testing::FakeRightsStore store_;
};

class MysqlBackend {
 public:
  static constexpr char kName[] = "Mysql";
  MysqlBackend()
      : migrated_(ApplyMigrations(
            db_.pool(), {{"rights", &EmbeddedMigrations()}, {"outbox", &OutboxMigrations()}})),
        store_(db_.pool()) {}
  absl::Status ready() const { return migrated_; }
  RightsStore& store() { return store_; }
  int OutboxCount() { return std::stoi(db_.QueryScalar("SELECT COUNT(*) FROM outbox")); }

 private:
  ::wse::testing::TestDatabase db_;  // First: the members below use its pool.
  absl::Status migrated_;
  MysqlRightsStore store_;
};

class BackendNames {
 public:
  template <typename Backend>
  static std::string GetName(int) {
    return Backend::kName;
  }
};

template <typename Backend>
class StoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(backend_.ready().ok()) << backend_.ready(); }
  RightsStore& store() { return backend_.store(); }
  // Runs `body` in one transaction.
  absl::Status Tx(const std::function<absl::Status(RightsTransaction&)>& body) {
    return backend_.store().Transact(body);
  }
  Backend backend_;
};

using Backends = ::testing::Types<FakeBackend, MysqlBackend>;
TYPED_TEST_SUITE(StoreContractTest, Backends, BackendNames);

// ---- Test data. ----

// Fixed instants with a microsecond part (the columns keep exactly six digits).
absl::Time At(int64_t offset_seconds, int64_t micros = 0) {
  return absl::FromUnixSeconds(1700000000 + offset_seconds) + absl::Microseconds(micros);
}

// A 32-character id like the service's.
std::string Id(int n) {
  const std::string digits = std::to_string(n);
  return std::string(32 - digits.size(), '0') + digits;
}

const std::string kOrg = Id(900);
const std::string kOtherOrg = Id(901);

WorkRelationRecord Relation(int n, const std::string& org, const std::string& person) {
  WorkRelationRecord relation;
  relation.id = Id(n);
  relation.organization_id = org;
  relation.person_id = person;
  relation.type = "VASTE_MEDEWERKER";
  relation.valid_from = At(0, 1);
  relation.create_time = At(0, 2);
  relation.update_time = At(0, 2);
  return relation;
}

GrantRecord Grant(int n, const std::string& org, const std::string& person,
                  const std::string& role = "LOKALE_BEHEERDER") {
  GrantRecord grant;
  grant.id = Id(n);
  grant.organization_id = org;
  grant.person_id = person;
  grant.role = role;
  grant.context = "opleidingsverlof";
  grant.valid_from = At(0, 3);
  grant.granted_by = Id(500);
  grant.create_time = At(0, 4);
  grant.update_time = At(0, 4);
  return grant;
}

AccessRequestRecord Request(int n, const std::string& org, const std::string& requester,
                            const std::string& context = "opleidingsverlof") {
  AccessRequestRecord request;
  request.id = Id(n);
  request.organization_id = org;
  request.requester_id = requester;
  request.role = "DOSSIERBEHEERDER";
  request.context = context;
  request.reason = "Ik behandel de dossiers van onze school.";
  request.create_time = At(0, 5);
  request.expire_time = At(14 * 86400, 6);
  return request;
}

AuditRecord Event(const std::string& org, int64_t sequence, const std::string& prev_hash,
                  const std::string& hash, absl::Time when) {
  AuditRecord event;
  event.organization_id = org;
  event.sequence = sequence;
  event.event_time = when;
  event.actor = "persons/" + Id(500);
  event.actor_key_type = "EID";
  event.action = "GRANT_CREATED";
  event.subject = "persons/" + Id(1);
  event.target = "organizations/" + org + "/grants/" + Id(10);
  event.reason = "nieuwe medewerker";
  event.details = {{"role", "LOKALE_BEHEERDER"}, {"quote\"and\\back", "é ✓ \n"}};
  event.prev_hash = prev_hash;
  event.hash = hash;
  return event;
}

// A 64-character "hash" (the store does not interpret it).
std::string Hash(int n) {
  const std::string digits = std::to_string(n);
  return std::string(64 - digits.size(), 'a') + digits;
}

auto Fields(const WorkRelationRecord& r) {
  return std::make_tuple(r.id, r.organization_id, r.person_id, r.type, r.valid_from, r.valid_until,
                         r.end_reason, r.create_time, r.update_time, r.version);
}
auto Fields(const GrantRecord& g) {
  return std::make_tuple(g.id, g.organization_id, g.person_id, g.role, g.context, g.valid_from,
                         g.valid_until, g.granted_by, g.access_request_id, g.revoked_by,
                         g.revoke_reason, g.revoke_time, g.create_time, g.update_time, g.version);
}
auto Fields(const AccessRequestRecord& r) {
  return std::make_tuple(r.id, r.organization_id, r.requester_id, r.role, r.context, r.reason,
                         r.state, r.notified_count, r.decided_by, r.decide_time, r.rejection_reason,
                         r.grant_id, r.create_time, r.expire_time, r.version);
}
auto Fields(const AuditRecord& e) {
  return std::make_tuple(e.organization_id, e.sequence, e.event_time, e.actor, e.actor_key_type,
                         e.action, e.subject, e.target, e.reason, e.details, e.prev_hash, e.hash);
}

template <typename Record>
std::vector<std::string> Ids(const absl::StatusOr<std::vector<Record>>& found) {
  if (!found.ok()) return {"error: " + found.status().ToString()};
  std::vector<std::string> ids;
  for (const Record& record : *found) ids.push_back(record.id);
  return ids;
}

// ---- Records: round trips, versions, organisations. ----

TYPED_TEST(StoreContractTest, WorkRelationRoundTripAndVersionConflict) {
  WorkRelationRecord relation = Relation(1, kOrg, Id(100));
  ASSERT_TRUE(
      this->Tx([&](RightsTransaction& tx) { return tx.InsertWorkRelation(relation); }).ok());

  WorkRelationRecord updated = relation;
  updated.valid_until = At(3600, 7);
  updated.end_reason = "einde contract";
  updated.update_time = At(60, 8);
  updated.create_time = At(99);  // Ignored: create_time is never updated.
  updated.version = 2;
  ASSERT_TRUE(this->Tx([&](RightsTransaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(auto found, tx.GetWorkRelation(kOrg, Id(1)));
                    EXPECT_EQ(Fields(found), Fields(relation));
                    return tx.UpdateWorkRelation(updated);
                  })
                  .ok());

  // Writing version 2 again: the stored one is 2, not 1.
  const absl::Status stale =
      this->Tx([&](RightsTransaction& tx) { return tx.UpdateWorkRelation(updated); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;

  WorkRelationRecord expected = updated;
  expected.create_time = relation.create_time;
  ASSERT_TRUE(this->Tx([&](RightsTransaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(auto found, tx.GetWorkRelation(kOrg, Id(1)));
                    EXPECT_EQ(Fields(found), Fields(expected));
                    return absl::OkStatus();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, GrantRoundTripAndVersionConflict) {
  GrantRecord grant = Grant(1, kOrg, Id(100));
  grant.access_request_id = Id(300);
  ASSERT_TRUE(this->Tx([&](RightsTransaction& tx) { return tx.InsertGrant(grant); }).ok());

  GrantRecord revoked = grant;
  revoked.revoked_by = Id(501);
  revoked.revoke_reason = "vertrokken";
  revoked.revoke_time = At(120, 9);
  revoked.valid_until = At(120, 9);
  revoked.update_time = At(120, 9);
  revoked.version = 2;
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, tx.GetGrant(kOrg, Id(1)));
    EXPECT_EQ(Fields(found), Fields(grant));
    return tx.UpdateGrant(revoked);
  });
  ASSERT_TRUE(status.ok()) << status;

  GrantRecord stale = grant;  // Version 1: expects 0 stored.
  status = this->Tx([&](RightsTransaction& tx) { return tx.UpdateGrant(stale); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  status = this->Tx([&](RightsTransaction& tx) { return tx.UpdateGrant(revoked); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;

  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, tx.GetGrant(kOrg, Id(1)));
    EXPECT_EQ(Fields(found), Fields(revoked));
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
}

TYPED_TEST(StoreContractTest, AccessRequestRoundTrip) {
  AccessRequestRecord request = Request(1, kOrg, Id(100));
  ASSERT_TRUE(
      this->Tx([&](RightsTransaction& tx) { return tx.InsertAccessRequest(request); }).ok());
  AccessRequestRecord approved = request;
  approved.state = "APPROVED";
  approved.notified_count = 2;
  approved.decided_by = Id(500);
  approved.decide_time = At(300, 10);
  approved.grant_id = Id(10);
  approved.version = 2;
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, tx.GetAccessRequest(kOrg, Id(1)));
    EXPECT_EQ(Fields(found), Fields(request));
    return tx.UpdateAccessRequest(approved);
  });
  ASSERT_TRUE(status.ok()) << status;
  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, tx.GetAccessRequest(kOrg, Id(1)));
    EXPECT_EQ(Fields(found), Fields(approved));
    return tx.UpdateAccessRequest(approved);  // Stale now.
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
}

TYPED_TEST(StoreContractTest, RecordsOfAnotherOrganisationAreNotFound) {
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.InsertWorkRelation(Relation(1, kOrg, Id(100))).ok());
    EXPECT_TRUE(tx.InsertGrant(Grant(2, kOrg, Id(100))).ok());
    EXPECT_TRUE(tx.InsertAccessRequest(Request(3, kOrg, Id(100))).ok());
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_EQ(tx.GetWorkRelation(kOtherOrg, Id(1)).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.GetGrant(kOtherOrg, Id(2)).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.GetAccessRequest(kOtherOrg, Id(3)).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.GetGrant(kOrg, Id(4)).status().code(), absl::StatusCode::kNotFound);
    // Nor can they be updated through the other organisation.
    GrantRecord moved = Grant(2, kOtherOrg, Id(100));
    moved.version = 2;
    EXPECT_EQ(tx.UpdateGrant(moved).code(), absl::StatusCode::kAborted);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
}

TYPED_TEST(StoreContractTest, DuplicateIdsAreAlreadyExistsAndTheTransactionGoesOn) {
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.InsertGrant(Grant(1, kOrg, Id(100))).ok());
    EXPECT_EQ(tx.InsertGrant(Grant(1, kOtherOrg, Id(101))).code(),
              absl::StatusCode::kAlreadyExists);
    EXPECT_TRUE(tx.InsertWorkRelation(Relation(2, kOrg, Id(100))).ok());
    EXPECT_EQ(tx.InsertWorkRelation(Relation(2, kOrg, Id(100))).code(),
              absl::StatusCode::kAlreadyExists);
    // The transaction is still usable after a duplicate.
    return tx.InsertGrant(Grant(3, kOrg, Id(100)));
  });
  ASSERT_TRUE(status.ok()) << status;
  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.GetGrant(kOrg, Id(1)).ok());
    EXPECT_TRUE(tx.GetGrant(kOrg, Id(3)).ok());
    EXPECT_TRUE(tx.GetWorkRelation(kOrg, Id(2)).ok());
    // An error the body passes on is Transact's answer.
    return tx.InsertGrant(Grant(1, kOrg, Id(100)));
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
}

// ---- Transactions. ----

TYPED_TEST(StoreContractTest, FailedBodyLeavesNothing) {
  const absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.InsertGrant(Grant(1, kOrg, Id(100))).ok());
    EXPECT_TRUE(tx.InsertWorkRelation(Relation(2, kOrg, Id(100))).ok());
    EXPECT_TRUE(tx.InsertAccessRequest(Request(3, kOrg, Id(100))).ok());
    absl::StatusOr<AuditRecord> head = tx.LockAuditHead(kOrg);
    EXPECT_TRUE(head.ok());
    EXPECT_TRUE(tx.InsertAudit(Event(kOrg, 1, "", Hash(1), At(0))).ok());
    EXPECT_TRUE(tx.AppendOutbox({"mail", "payload"}).ok());
    EXPECT_TRUE(tx.BumpRevision(kOrg).ok());
    EXPECT_TRUE(tx.RecordRequestId("req-1", "grant", Id(1), kFingerprint).ok());
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;

  EXPECT_EQ(this->backend_.OutboxCount(), 0);
  EXPECT_EQ(*this->store().Revision(kOrg), 0);
  absl::StatusOr<std::vector<AuditRecord>> audit = this->store().ListAudit({kOrg, {}, {}}, 0, 10);
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_TRUE(audit->empty());
  EXPECT_TRUE(this->store().ActiveGrants(kOrg, Id(100), At(10))->empty());
  const absl::Status check = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_EQ(tx.GetGrant(kOrg, Id(1)).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.GetWorkRelation(kOrg, Id(2)).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(tx.GetAccessRequest(kOrg, Id(3)).status().code(), absl::StatusCode::kNotFound);
    absl::StatusOr<AuditRecord> head = tx.LockAuditHead(kOrg);
    EXPECT_TRUE(head.ok());
    if (head.ok()) {
      EXPECT_EQ(head->sequence, 0);
      EXPECT_EQ(head->hash, "");
    }
    absl::StatusOr<std::optional<std::string>> request = tx.FindRequestId("req-1", "grant", kFingerprint);
    EXPECT_TRUE(request.ok() && !request->has_value());
    return absl::OkStatus();
  });
  EXPECT_TRUE(check.ok()) << check;
}

TYPED_TEST(StoreContractTest, CommittedBodyKeepsEverything) {
  const absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.InsertGrant(Grant(1, kOrg, Id(100))).ok());
    absl::StatusOr<uint64_t> first = tx.AppendOutbox({"mail", std::string("a\0b", 3)});
    absl::StatusOr<uint64_t> second = tx.AppendOutbox({"mail", "c"});
    EXPECT_TRUE(first.ok() && second.ok());
    if (first.ok() && second.ok()) {
      EXPECT_LT(*first, *second);
    }
    return tx.BumpRevision(kOrg);
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(this->backend_.OutboxCount(), 2);
  EXPECT_EQ(*this->store().Revision(kOrg), 1);
  EXPECT_EQ(this->store().ActiveGrants(kOrg, Id(100), At(10))->size(), 1u);
}

// ---- Access requests: one open request per person, organisation, role and context. ----

TYPED_TEST(StoreContractTest, OnlyOneOpenAccessRequestPerKey) {
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.InsertAccessRequest(Request(1, kOrg, Id(100))).ok());
    EXPECT_EQ(tx.InsertAccessRequest(Request(2, kOrg, Id(100))).code(),
              absl::StatusCode::kAlreadyExists);
    // Another context, requester or organisation is another key.
    EXPECT_TRUE(tx.InsertAccessRequest(Request(3, kOrg, Id(100), "")).ok());
    EXPECT_TRUE(tx.InsertAccessRequest(Request(4, kOrg, Id(101))).ok());
    EXPECT_TRUE(tx.InsertAccessRequest(Request(5, kOtherOrg, Id(100))).ok());
    // Decided requests hold no key.
    AccessRequestRecord rejected = Request(6, kOrg, Id(100));
    rejected.state = "REJECTED";
    EXPECT_TRUE(tx.InsertAccessRequest(rejected).ok());
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;

  status = this->Tx(
      [&](RightsTransaction& tx) { return tx.InsertAccessRequest(Request(7, kOrg, Id(100))); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;

  // Approving the first frees the key.
  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto first, tx.GetAccessRequest(kOrg, Id(1)));
    first.state = "APPROVED";
    first.version += 1;
    RETURN_IF_ERROR(tx.UpdateAccessRequest(first));
    return tx.InsertAccessRequest(Request(8, kOrg, Id(100)));
  });
  ASSERT_TRUE(status.ok()) << status;

  // Reopening the rejected one would clash with the new open request.
  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rejected, tx.GetAccessRequest(kOrg, Id(6)));
    rejected.state = "PENDING";
    rejected.version += 1;
    return tx.UpdateAccessRequest(rejected);
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;

  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    absl::StatusOr<std::vector<AccessRequestRecord>> pending =
        tx.ListAccessRequests({kOrg, "PENDING", Id(100)}, {50, ""});
    EXPECT_EQ(Ids(pending), (std::vector<std::string>{Id(3), Id(8)}));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
}

// ---- Lists: filters and keyset pages. ----

TYPED_TEST(StoreContractTest, ListWorkRelationsFiltersAndPages) {
  const absl::Time now = At(1000);
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.InsertWorkRelation(Relation(1, kOrg, Id(100))).ok());
    EXPECT_TRUE(tx.InsertWorkRelation(Relation(2, kOrg, Id(101))).ok());
    WorkRelationRecord ended = Relation(3, kOrg, Id(100));
    ended.valid_until = now;  // Ended exactly now: not listed without include_ended.
    EXPECT_TRUE(tx.InsertWorkRelation(ended).ok());
    WorkRelationRecord ending = Relation(4, kOrg, Id(100));
    ending.valid_until = now + absl::Microseconds(1);
    EXPECT_TRUE(tx.InsertWorkRelation(ending).ok());
    EXPECT_TRUE(tx.InsertWorkRelation(Relation(5, kOtherOrg, Id(100))).ok());
    WorkRelationRecord future = Relation(6, kOrg, Id(102));
    future.valid_from = now + absl::Hours(1);  // Not ended, so listed.
    EXPECT_TRUE(tx.InsertWorkRelation(future).ok());
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;

  using V = std::vector<std::string>;
  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_EQ(Ids(tx.ListWorkRelations({kOrg, "", false, now}, {50, ""})),
              (V{Id(1), Id(2), Id(4), Id(6)}));
    EXPECT_EQ(Ids(tx.ListWorkRelations({kOrg, "", true, now}, {50, ""})),
              (V{Id(1), Id(2), Id(3), Id(4), Id(6)}));
    EXPECT_EQ(Ids(tx.ListWorkRelations({kOrg, Id(100), false, now}, {50, ""})), (V{Id(1), Id(4)}));
    EXPECT_EQ(Ids(tx.ListWorkRelations({"", Id(100), true, now}, {50, ""})),
              (V{Id(1), Id(3), Id(4), Id(5)}));
    // Pages of two.
    EXPECT_EQ(Ids(tx.ListWorkRelations({kOrg, "", true, now}, {2, ""})), (V{Id(1), Id(2)}));
    EXPECT_EQ(Ids(tx.ListWorkRelations({kOrg, "", true, now}, {2, Id(2)})), (V{Id(3), Id(4)}));
    EXPECT_EQ(Ids(tx.ListWorkRelations({kOrg, "", true, now}, {2, Id(4)})), (V{Id(6)}));
    EXPECT_EQ(Ids(tx.ListWorkRelations({kOrg, "", true, now}, {2, Id(6)})), (V{}));
    EXPECT_EQ(tx.ListWorkRelations({kOrg, "", true, now}, {0, ""}).status().code(),
              absl::StatusCode::kInvalidArgument);
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
}

TYPED_TEST(StoreContractTest, ListGrantsFiltersAndPages) {
  const absl::Time now = At(1000);
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.InsertGrant(Grant(1, kOrg, Id(100))).ok());
    EXPECT_TRUE(tx.InsertGrant(Grant(2, kOrg, Id(100), "DOSSIERBEHEERDER")).ok());
    GrantRecord revoked = Grant(3, kOrg, Id(100));
    revoked.revoke_time = now - absl::Hours(1);
    revoked.revoked_by = Id(500);
    EXPECT_TRUE(tx.InsertGrant(revoked).ok());
    GrantRecord expired = Grant(4, kOrg, Id(101));
    expired.valid_until = now;
    EXPECT_TRUE(tx.InsertGrant(expired).ok());
    GrantRecord future = Grant(5, kOrg, Id(101));
    future.valid_from = now + absl::Hours(1);  // Neither revoked nor expired: listed.
    EXPECT_TRUE(tx.InsertGrant(future).ok());
    EXPECT_TRUE(tx.InsertGrant(Grant(6, kOtherOrg, Id(100))).ok());
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;

  using V = std::vector<std::string>;
  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_EQ(Ids(tx.ListGrants({kOrg, "", "", false, now}, {50, ""})), (V{Id(1), Id(2), Id(5)}));
    EXPECT_EQ(Ids(tx.ListGrants({kOrg, "", "", true, now}, {50, ""})),
              (V{Id(1), Id(2), Id(3), Id(4), Id(5)}));
    EXPECT_EQ(Ids(tx.ListGrants({kOrg, Id(100), "", false, now}, {50, ""})), (V{Id(1), Id(2)}));
    EXPECT_EQ(Ids(tx.ListGrants({kOrg, "", "LOKALE_BEHEERDER", true, now}, {50, ""})),
              (V{Id(1), Id(3), Id(4), Id(5)}));
    EXPECT_EQ(Ids(tx.ListGrants({"", Id(100), "", false, now}, {50, ""})),
              (V{Id(1), Id(2), Id(6)}));
    EXPECT_EQ(Ids(tx.ListGrants({kOrg, "", "", true, now}, {3, ""})), (V{Id(1), Id(2), Id(3)}));
    EXPECT_EQ(Ids(tx.ListGrants({kOrg, "", "", true, now}, {3, Id(3)})), (V{Id(4), Id(5)}));
    EXPECT_EQ(tx.ListGrants({kOrg, "", "", true, now}, {-1, ""}).status().code(),
              absl::StatusCode::kInvalidArgument);
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
}

TYPED_TEST(StoreContractTest, ListAccessRequestsFiltersAndPages) {
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_TRUE(tx.InsertAccessRequest(Request(1, kOrg, Id(100))).ok());
    AccessRequestRecord rejected = Request(2, kOrg, Id(100));
    rejected.state = "REJECTED";
    EXPECT_TRUE(tx.InsertAccessRequest(rejected).ok());
    EXPECT_TRUE(tx.InsertAccessRequest(Request(3, kOrg, Id(101))).ok());
    EXPECT_TRUE(tx.InsertAccessRequest(Request(4, kOtherOrg, Id(100))).ok());
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;

  using V = std::vector<std::string>;
  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_EQ(Ids(tx.ListAccessRequests({kOrg, "", ""}, {50, ""})), (V{Id(1), Id(2), Id(3)}));
    EXPECT_EQ(Ids(tx.ListAccessRequests({kOrg, "PENDING", ""}, {50, ""})), (V{Id(1), Id(3)}));
    EXPECT_EQ(Ids(tx.ListAccessRequests({kOrg, "", Id(100)}, {50, ""})), (V{Id(1), Id(2)}));
    EXPECT_EQ(Ids(tx.ListAccessRequests({"", "", Id(100)}, {50, ""})), (V{Id(1), Id(2), Id(4)}));
    EXPECT_EQ(Ids(tx.ListAccessRequests({kOrg, "", ""}, {1, Id(1)})), (V{Id(2)}));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
}

// ---- The CheckPermission query. ----

TYPED_TEST(StoreContractTest, ActiveGrantsRespectValidityAndRevocation) {
  const absl::Time now = At(1000, 500);
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    GrantRecord open = Grant(1, kOrg, Id(100), "LOKALE_BEHEERDER");
    EXPECT_TRUE(tx.InsertGrant(open).ok());
    GrantRecord starts_now = Grant(2, kOrg, Id(100), "DOSSIERBEHEERDER");
    starts_now.valid_from = now;
    starts_now.valid_until = now + absl::Microseconds(1);
    EXPECT_TRUE(tx.InsertGrant(starts_now).ok());
    GrantRecord future = Grant(3, kOrg, Id(100));
    future.valid_from = now + absl::Microseconds(1);
    EXPECT_TRUE(tx.InsertGrant(future).ok());
    GrantRecord ended = Grant(4, kOrg, Id(100));
    ended.valid_until = now;
    EXPECT_TRUE(tx.InsertGrant(ended).ok());
    GrantRecord revoked = Grant(5, kOrg, Id(100));
    revoked.revoke_time = now + absl::Hours(1);  // Revoked is revoked, whatever the time.
    revoked.revoked_by = Id(500);
    EXPECT_TRUE(tx.InsertGrant(revoked).ok());
    EXPECT_TRUE(tx.InsertGrant(Grant(6, kOtherOrg, Id(100))).ok());
    EXPECT_TRUE(tx.InsertGrant(Grant(7, kOrg, Id(101))).ok());
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;

  absl::StatusOr<std::vector<GrantRecord>> active = this->store().ActiveGrants(kOrg, Id(100), now);
  // Ordered by role, context, id.
  EXPECT_EQ(Ids(active), (std::vector<std::string>{Id(2), Id(1)}));
  if (active.ok() && active->size() == 2) {
    EXPECT_EQ(Fields((*active)[1]), Fields(Grant(1, kOrg, Id(100))));
  }
  EXPECT_EQ(Ids(this->store().ActiveGrants(kOrg, Id(100), now + absl::Microseconds(1))),
            (std::vector<std::string>{Id(1), Id(3)}));
  EXPECT_EQ(Ids(this->store().ActiveGrants(kOrg, Id(102), now)), (std::vector<std::string>{}));
}

// ---- The audit chain. ----

TYPED_TEST(StoreContractTest, AuditChainAppendsBehindItsHead) {
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    absl::StatusOr<AuditRecord> head = tx.LockAuditHead(kOrg);
    if (!head.ok()) return head.status();
    EXPECT_EQ(head->organization_id, kOrg);
    EXPECT_EQ(head->sequence, 0);
    EXPECT_EQ(head->hash, "");
    EXPECT_TRUE(tx.InsertAudit(Event(kOrg, 1, "", Hash(1), At(10, 1))).ok());
    head = tx.LockAuditHead(kOrg);
    if (!head.ok()) return head.status();
    EXPECT_EQ(head->sequence, 1);
    EXPECT_EQ(head->hash, Hash(1));
    return tx.InsertAudit(Event(kOrg, 2, Hash(1), Hash(2), At(20, 2)));
  });
  ASSERT_TRUE(status.ok()) << status;

  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto head, tx.LockAuditHead(kOrg));
    EXPECT_EQ(head.sequence, 2);
    EXPECT_EQ(head.hash, Hash(2));
    // Not behind the head: a gap, a repeat, or a wrong predecessor hash.
    EXPECT_EQ(tx.InsertAudit(Event(kOrg, 4, Hash(2), Hash(4), At(30))).code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(tx.InsertAudit(Event(kOrg, 2, Hash(1), Hash(9), At(30))).code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(tx.InsertAudit(Event(kOrg, 3, Hash(1), Hash(3), At(30))).code(),
              absl::StatusCode::kFailedPrecondition);
    // Another organisation has its own chain.
    ASSIGN_OR_RETURN(auto other, tx.LockAuditHead(kOtherOrg));
    EXPECT_EQ(other.sequence, 0);
    EXPECT_TRUE(tx.InsertAudit(Event(kOtherOrg, 1, "", Hash(11), At(25))).ok());
    return tx.InsertAudit(Event(kOrg, 3, Hash(2), Hash(3), At(30, 3)));
  });
  ASSERT_TRUE(status.ok()) << status;

  RightsStore& store = this->store();
  absl::StatusOr<std::vector<AuditRecord>> all = store.ListAudit({kOrg, {}, {}}, 0, 10);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(Fields((*all)[0]), Fields(Event(kOrg, 1, "", Hash(1), At(10, 1))));
  EXPECT_EQ(Fields((*all)[2]), Fields(Event(kOrg, 3, Hash(2), Hash(3), At(30, 3))));

  auto sequences = [](const absl::StatusOr<std::vector<AuditRecord>>& events) {
    std::vector<int64_t> result;
    if (!events.ok()) return std::vector<int64_t>{-1};
    for (const AuditRecord& event : *events) result.push_back(event.sequence);
    return result;
  };
  using S = std::vector<int64_t>;
  EXPECT_EQ(sequences(store.ListAudit({kOrg, {}, {}}, 1, 10)), (S{2, 3}));
  EXPECT_EQ(sequences(store.ListAudit({kOrg, {}, {}}, 0, 2)), (S{1, 2}));
  // start_time inclusive, end_time exclusive.
  EXPECT_EQ(sequences(store.ListAudit({kOrg, At(20, 2), {}}, 0, 10)), (S{2, 3}));
  EXPECT_EQ(sequences(store.ListAudit({kOrg, {}, At(20, 2)}, 0, 10)), (S{1}));
  EXPECT_EQ(sequences(store.ListAudit({kOrg, At(10, 2), At(30, 3)}, 0, 10)), (S{2}));
  EXPECT_EQ(sequences(store.ListAudit({kOtherOrg, {}, {}}, 0, 10)), (S{1}));
  EXPECT_EQ(store.ListAudit({"", {}, {}}, 0, 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store.ListAudit({kOrg, {}, {}}, 0, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(StoreContractTest, ConcurrentAuditAppendsFormOneChain) {
  constexpr int kThreads = 3;
  constexpr int kAppends = 8;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        const absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
          ASSIGN_OR_RETURN(auto head, tx.LockAuditHead(kOrg));
          const int64_t next = head.sequence + 1;
          return tx.InsertAudit(
              Event(kOrg, next, head.hash, Hash(static_cast<int>(next)), At(t * 100 + i)));
        });
        if (!status.ok()) {
          ADD_FAILURE() << status;
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  absl::StatusOr<std::vector<AuditRecord>> all = this->store().ListAudit({kOrg, {}, {}}, 0, 100);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), static_cast<size_t>(kThreads * kAppends));
  std::string prev;
  for (size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].sequence, static_cast<int64_t>(i + 1));
    EXPECT_EQ((*all)[i].prev_hash, prev);
    prev = (*all)[i].hash;
  }
}

// ---- Expiry, revisions, request ids. ----

TYPED_TEST(StoreContractTest, ClaimExpiredRequestsOldestFirst) {
  const absl::Time now = At(5000, 7);
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    AccessRequestRecord due_now = Request(1, kOrg, Id(100), "a");
    due_now.expire_time = now;
    EXPECT_TRUE(tx.InsertAccessRequest(due_now).ok());
    AccessRequestRecord due_earlier = Request(2, kOtherOrg, Id(100), "b");
    due_earlier.expire_time = now - absl::Hours(1);
    EXPECT_TRUE(tx.InsertAccessRequest(due_earlier).ok());
    AccessRequestRecord same_time = Request(3, kOrg, Id(101), "c");
    same_time.expire_time = now - absl::Hours(1);
    EXPECT_TRUE(tx.InsertAccessRequest(same_time).ok());
    AccessRequestRecord not_yet = Request(4, kOrg, Id(100), "d");
    not_yet.expire_time = now + absl::Microseconds(1);
    EXPECT_TRUE(tx.InsertAccessRequest(not_yet).ok());
    AccessRequestRecord decided = Request(5, kOrg, Id(100), "e");
    decided.expire_time = now - absl::Hours(2);
    decided.state = "WITHDRAWN";
    EXPECT_TRUE(tx.InsertAccessRequest(decided).ok());
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;

  using V = std::vector<std::string>;
  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_EQ(Ids(tx.ClaimExpiredRequests(now, 10)), (V{Id(2), Id(3), Id(1)}));
    EXPECT_EQ(Ids(tx.ClaimExpiredRequests(now, 2)), (V{Id(2), Id(3)}));
    EXPECT_EQ(Ids(tx.ClaimExpiredRequests(now - absl::Hours(2), 10)), (V{}));
    EXPECT_EQ(tx.ClaimExpiredRequests(now, 0).status().code(), absl::StatusCode::kInvalidArgument);
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
}

TYPED_TEST(StoreContractTest, ExpiringGrantsAreClaimedUntilNoticed) {
  const absl::Time now = At(5000, 7);
  ASSERT_TRUE(this->Tx([&](RightsTransaction& tx) -> absl::Status {
                    GrantRecord soon = Grant(1, kOrg, Id(100));
                    soon.valid_until = now + absl::Hours(2);
                    EXPECT_TRUE(tx.InsertGrant(soon).ok());
                    GrantRecord later = Grant(2, kOtherOrg, Id(101));
                    later.valid_until = now + absl::Hours(48);
                    EXPECT_TRUE(tx.InsertGrant(later).ok());
                    GrantRecord ended = Grant(3, kOrg, Id(102));
                    ended.valid_until = now - absl::Hours(1);
                    EXPECT_TRUE(tx.InsertGrant(ended).ok());
                    GrantRecord open_ended = Grant(4, kOrg, Id(103));
                    EXPECT_TRUE(tx.InsertGrant(open_ended).ok());
                    GrantRecord revoked = Grant(5, kOrg, Id(104));
                    revoked.valid_until = now + absl::Hours(1);
                    revoked.revoke_time = now - absl::Hours(1);
                    return tx.InsertGrant(revoked);
                  })
                  .ok());
  using V = std::vector<std::string>;
  ASSERT_TRUE(this->Tx([&](RightsTransaction& tx) -> absl::Status {
                    EXPECT_EQ(Ids(tx.ClaimExpiringGrants(now, now + absl::Hours(72), 10)),
                              (V{Id(1), Id(2)}));
                    EXPECT_EQ(Ids(tx.ClaimExpiringGrants(now, now + absl::Hours(3), 10)),
                              (V{Id(1)}));
                    return tx.MarkExpiryNoticeSent(kOrg, Id(1), now);
                  })
                  .ok());
  ASSERT_TRUE(this->Tx([&](RightsTransaction& tx) -> absl::Status {
                    EXPECT_EQ(Ids(tx.ClaimExpiringGrants(now, now + absl::Hours(72), 10)),
                              (V{Id(2)}));
                    EXPECT_EQ(tx.MarkExpiryNoticeSent(kOtherOrg, Id(1), now).code(),
                              absl::StatusCode::kNotFound);
                    return absl::OkStatus();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, RevisionsCountBumps) {
  RightsStore& store = this->store();
  EXPECT_EQ(*store.Revision(kOrg), 0);
  ASSERT_TRUE(this->Tx([&](RightsTransaction& tx) -> absl::Status {
                    EXPECT_TRUE(tx.BumpRevision(kOrg).ok());
                    return tx.BumpRevision(kOrg);
                  })
                  .ok());
  ASSERT_TRUE(this->Tx([&](RightsTransaction& tx) { return tx.BumpRevision(kOrg); }).ok());
  EXPECT_EQ(*store.Revision(kOrg), 3);
  EXPECT_EQ(*store.Revision(kOtherOrg), 0);
}

TYPED_TEST(StoreContractTest, RequestIdsAreRecordedOncePerKind) {
  absl::Status status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    absl::StatusOr<std::optional<std::string>> found = tx.FindRequestId("req-1", "grant", kFingerprint);
    EXPECT_TRUE(found.ok() && !found->has_value());
    EXPECT_TRUE(tx.RecordRequestId("req-1", "grant", Id(1), kFingerprint).ok());
    EXPECT_TRUE(tx.RecordRequestId("req-1", "workRelation", Id(2), kFingerprint).ok());
    EXPECT_EQ(tx.RecordRequestId("req-1", "grant", Id(3), kFingerprint).code(), absl::StatusCode::kAlreadyExists);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
  status = this->Tx([&](RightsTransaction& tx) -> absl::Status {
    EXPECT_EQ(*tx.FindRequestId("req-1", "grant", kFingerprint), std::optional<std::string>(Id(1)));
    EXPECT_EQ(*tx.FindRequestId("req-1", "workRelation", kFingerprint), std::optional<std::string>(Id(2)));
    EXPECT_EQ(*tx.FindRequestId("req-2", "grant", kFingerprint), std::nullopt);
    // The same key for another request is refused; a key recorded without a fingerprint (before
    // they were kept) answers any request.
    const absl::Status reused = tx.FindRequestId("req-1", "grant", "fp-2").status();
    EXPECT_EQ(reused.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ReasonOf(reused), "REQUEST_ID_REUSED");
    EXPECT_TRUE(tx.RecordRequestId("req-old", "grant", Id(4), "").ok());
    EXPECT_EQ(*tx.FindRequestId("req-old", "grant", "fp-2"), std::optional<std::string>(Id(4)));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
}

// ---- MySQL only: row locks across connections. ----

TEST(MysqlRightsStoreTest, ClaimExpiredRequestsSkipsRowsAnotherReplicaHolds) {
  MysqlBackend backend;
  ASSERT_TRUE(backend.ready().ok()) << backend.ready();
  RightsStore& store = backend.store();
  const absl::Time now = At(5000);
  ASSERT_TRUE(store
                  .Transact([&](RightsTransaction& tx) -> absl::Status {
                    for (int n = 1; n <= 3; ++n) {
                      AccessRequestRecord request = Request(n, kOrg, Id(100 + n));
                      request.expire_time = now - absl::Minutes(10 - n);
                      RETURN_IF_ERROR(tx.InsertAccessRequest(request));
                    }
                    return absl::OkStatus();
                  })
                  .ok());

  absl::Notification claimed, release;
  std::vector<std::string> first_claim;
  std::thread replica([&] {
    const absl::Status status = store.Transact([&](RightsTransaction& tx) -> absl::Status {
      first_claim = Ids(tx.ClaimExpiredRequests(now, 2));
      claimed.Notify();
      release.WaitForNotification();
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  claimed.WaitForNotification();
  std::vector<std::string> second_claim;
  const absl::Status status = store.Transact([&](RightsTransaction& tx) -> absl::Status {
    second_claim = Ids(tx.ClaimExpiredRequests(now, 2));
    return absl::OkStatus();
  });
  release.Notify();
  replica.join();
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(first_claim, (std::vector<std::string>{Id(1), Id(2)}));
  EXPECT_EQ(second_claim, (std::vector<std::string>{Id(3)}));
}

TEST(MysqlRightsStoreTest, GetLocksTheRowUntilCommit) {
  MysqlBackend backend;
  ASSERT_TRUE(backend.ready().ok()) << backend.ready();
  RightsStore& store = backend.store();
  ASSERT_TRUE(
      store.Transact([&](RightsTransaction& tx) { return tx.InsertGrant(Grant(1, kOrg, Id(100))); })
          .ok());
  // Two read-modify-write transactions on one grant: the second waits for the first's lock,
  // then sees its version, so both succeed one after the other.
  absl::Notification locked, release;
  std::thread first([&] {
    const absl::Status status = store.Transact([&](RightsTransaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto grant, tx.GetGrant(kOrg, Id(1)));
      locked.Notify();
      release.WaitForNotification();
      grant.version += 1;
      grant.revoke_reason = "first";
      return tx.UpdateGrant(grant);
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  locked.WaitForNotification();
  std::thread second([&] {
    const absl::Status status = store.Transact([&](RightsTransaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto grant, tx.GetGrant(kOrg, Id(1)));
      EXPECT_EQ(grant.version, 2);
      EXPECT_EQ(grant.revoke_reason, "first");
      grant.version += 1;
      return tx.UpdateGrant(grant);
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  absl::SleepFor(absl::Milliseconds(200));  // Let the second block on the row lock.
  release.Notify();
  first.join();
  second.join();
}

}  // namespace
}  // namespace wse::rights
