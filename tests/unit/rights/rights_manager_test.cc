// The gebruikersbeheer rules with in-memory storage and directory.
#include "rights-svc/domain/rights_manager.h"

#include <functional>

#include "common/monotonic_clock.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "identity-svc/client/fake_identity_client.h"
#include "rights-svc/domain/audit_chain.h"
#include "rights-svc/domain/permission_checker.h"
#include "rights-svc/domain/request_route.h"
#include "tests/support/rights_fakes.h"
#include "wse/notify/v1/notify_service.pb.h"

namespace wse::rights {
namespace {

constexpr char kSchool[] = "school";
constexpr char kOther[] = "other-org";

class RightsManagerTest : public ::testing::Test {
 protected:
  RightsManagerTest()
      : catalogue_(Catalogue::FromJson(Catalogue::BuiltInJson()).value()),
        rights_(store_, directory_, catalogue_, [this] { return now_; }),
        checker_(rights_, [this] { return now_; }) {
    directory_.persons["marie"] = {"marie", "Marie Lambert", "marie@school.example", "", "nl"};
    directory_.persons["jan"] = {"jan", "Jan Janssens", "jan@school.example", "", "nl"};
    directory_.persons["els"] = {"els", "Els Claes", "els@example.be", "", "fr"};
    directory_.organizations[kSchool] = {kSchool, "Atheneum Demo", {"marie"}};
    directory_.organizations[kOther] = {kOther, "Ander Bedrijf", {"els"}};
  }

  Actor Person(const std::string& id, const std::string& org) {
    return Actor{id, "EID", org, false};
  }

  void AddJanToSchool() {
    WorkRelationRecord relation;
    relation.person_id = "jan";
    relation.type = "VASTE_MEDEWERKER";
    ASSERT_TRUE(
        rights_.CreateWorkRelation(Person("marie", kSchool), kSchool, relation, "req-wr", call_)
            .ok());
  }

  AccessRequestRecord JanRequests() {
    auto request = rights_.CreateAccessRequest(
        Person("jan", kSchool), kSchool, "DWSE_ORGANISATIEVERANTWOORDELIJKE", "opleidingsverlof",
        "VOV registreren", "req-ar", call_);
    EXPECT_TRUE(request.ok()) << request.status();
    return request.value_or(AccessRequestRecord{});
  }

  int DeniedIn(const std::string& organization_id) {
    auto trail = store_.ListAudit({organization_id, std::nullopt, std::nullopt}, 0, 1000);
    EXPECT_TRUE(trail.ok());
    int denied = 0;
    for (const auto& e : trail.value_or(std::vector<AuditRecord>{})) {
      denied += e.action == "ACCESS_DENIED";
    }
    return denied;
  }

  bool JanMayRegister() {
    auto decision = checker_.Check("jan", kSchool, "vov.registration.write", call_);
    EXPECT_TRUE(decision.ok());
    return decision.ok() && decision->allowed;
  }

  absl::Time now_ = absl::FromUnixSeconds(1800000000);
  testing::FakeRightsStore store_;
  identity::FakeIdentityClient directory_;
  Catalogue catalogue_;
  RightsManager rights_;
  PermissionChecker checker_;
  RequestContext call_;
};

TEST_F(RightsManagerTest, OnlyLocalAdministratorsManageAndRefusalsAreAudited) {
  AddJanToSchool();
  WorkRelationRecord relation;
  relation.person_id = "els";
  relation.type = "EXTERNE_MEDEWERKER";
  auto refused = rights_.CreateWorkRelation(Person("jan", kSchool), kSchool, relation, "r1", call_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused.status()), "NOT_LOCAL_ADMINISTRATOR");
  // Els, administrator of another organisation, cannot act in the school either.
  auto cross = rights_.CreateWorkRelation(Person("els", kOther), kSchool, relation, "r2", call_);
  EXPECT_EQ(cross.status().code(), absl::StatusCode::kPermissionDenied);
  // Each refusal is on the caller's side: Jan's in the school's trail (he acts for it), Els's in
  // her own organisation's, naming the school as target.
  EXPECT_EQ(DeniedIn(kSchool), 1);
  EXPECT_EQ(DeniedIn(kOther), 1);
  auto other_trail = store_.ListAudit({kOther, std::nullopt, std::nullopt}, 0, 100).value();
  ASSERT_FALSE(other_trail.empty());
  EXPECT_EQ(other_trail.back().target, std::string("organizations/") + kSchool);
}

// Issue 15, point 6: a refused call naming another organisation writes nothing there (not even
// for an organisation that does not exist), and a flood of refusals costs the caller's own trail
// a bounded number of rows.
TEST_F(RightsManagerTest, RefusalsAreRecordedOnTheCallersSideAndBounded) {
  WorkRelationRecord relation;
  relation.person_id = "els";
  relation.type = "EXTERNE_MEDEWERKER";
  for (int i = 0; i < 50; ++i) {
    auto refused =
        rights_.CreateWorkRelation(Person("els", kOther), "no-such-org", relation, "r", call_);
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  }
  EXPECT_TRUE(store_.ListAudit({"no-such-org", std::nullopt, std::nullopt}, 0, 100)->empty())
      << "an outsider wrote into an organisation's trail (one that does not even exist)";
  EXPECT_EQ(DeniedIn(kOther), 20) << "at most 20 refusals per caller and minute are recorded";
  now_ += absl::Minutes(1);
  ASSERT_FALSE(
      rights_.CreateWorkRelation(Person("els", kOther), "no-such-org", relation, "r", call_).ok());
  EXPECT_EQ(DeniedIn(kOther), 21) << "a new minute, a new budget";
}

TEST_F(RightsManagerTest, GrantNeedsAWorkRelationAndACatalogueRole) {
  GrantRecord grant;
  grant.person_id = "jan";
  grant.role = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
  grant.context = "opleidingsverlof";
  auto no_relation = rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g1", call_);
  EXPECT_EQ(ReasonOf(no_relation.status()), "NO_WORK_RELATION");
  AddJanToSchool();
  grant.context = "somewhere";
  auto bad_context = rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g2", call_);
  EXPECT_EQ(bad_context.status().code(), absl::StatusCode::kInvalidArgument);
  grant.context = "opleidingsverlof";
  auto granted = rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g3", call_);
  ASSERT_TRUE(granted.ok()) << granted.status();
  EXPECT_TRUE(JanMayRegister());
  // The same request id again answers the same grant instead of a second one.
  auto retried = rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g3", call_);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->id, granted->id);
  auto twice = rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g4", call_);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(RightsManagerTest, RequestMailsEveryReachableAdministratorInTheSameTransaction) {
  AddJanToSchool();
  AccessRequestRecord request = JanRequests();
  EXPECT_EQ(request.state, "PENDING");
  EXPECT_EQ(request.notified_count, 1);
  ASSERT_EQ(store_.Outbox().size(), 1u);
  notify::v1::SendMailRequest mail;
  ASSERT_TRUE(mail.ParseFromString(store_.Outbox()[0].payload));
  EXPECT_EQ(mail.template_id(), "access-request-submitted");
  EXPECT_EQ(mail.recipients(0).email_address(), "marie@school.example");
  EXPECT_EQ(mail.parameters().at("requester_name"), "Jan Janssens");
  EXPECT_EQ(mail.parameters().at("organization_name"), "Atheneum Demo");
  // One open request per person, organisation, role and context.
  auto again = rights_.CreateAccessRequest(Person("jan", kSchool), kSchool,
                                           "DWSE_ORGANISATIEVERANTWOORDELIJKE", "opleidingsverlof",
                                           "nog eens", "req-ar-2", call_);
  EXPECT_EQ(ReasonOf(again.status()), "ACCESS_REQUEST_PENDING");
}

TEST_F(RightsManagerTest, ARequestIdAnswersOnlyItsOwnSender) {
  AddJanToSchool();
  AccessRequestRecord jans = JanRequests();
  // The same id again from Jan: the same request.
  EXPECT_EQ(JanRequests().id, jans.id);
  // Someone else reusing Jan's request id gets their own request, never Jan's.
  WorkRelationRecord relation;
  relation.person_id = "els";
  relation.type = "EXTERNE_MEDEWERKER";
  ASSERT_TRUE(
      rights_.CreateWorkRelation(Person("marie", kSchool), kSchool, relation, "req-els", call_)
          .ok());
  auto els = rights_.CreateAccessRequest(Person("els", kSchool), kSchool,
                                         "DWSE_ORGANISATIEVERANTWOORDELIJKE", "opleidingsverlof",
                                         "ook registreren", "req-ar", call_);
  ASSERT_TRUE(els.ok()) << els.status();
  EXPECT_NE(els->id, jans.id);
  EXPECT_EQ(els->requester_id, "els");
}

TEST_F(RightsManagerTest, WithoutReachableAdministratorTheRequestIsRefusedWith1700) {
  directory_.persons["marie"].email_address.clear();
  AddJanToSchool();
  auto request = rights_.CreateAccessRequest(Person("jan", kSchool), kSchool,
                                             "DWSE_ORGANISATIEVERANTWOORDELIJKE",
                                             "opleidingsverlof", "VOV", "req", call_);
  EXPECT_EQ(request.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(request.status()), "NO_REACHABLE_LOCAL_ADMINISTRATOR");
  EXPECT_NE(DutchMessageOf(request.status()).find("1700"), std::string::npos);
  EXPECT_TRUE(store_.Outbox().empty());
}

TEST_F(RightsManagerTest, ApprovalGrantsMailsAndIsLiveRevocationToo) {
  AddJanToSchool();
  AccessRequestRecord request = JanRequests();
  EXPECT_FALSE(JanMayRegister());
  auto own = rights_.ApproveAccessRequest(Person("jan", kSchool), kSchool, request.id,
                                          request.version, {}, call_);
  EXPECT_EQ(own.status().code(), absl::StatusCode::kPermissionDenied);
  auto approved = rights_.ApproveAccessRequest(Person("marie", kSchool), kSchool, request.id,
                                               request.version, {}, call_);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->first.state, "APPROVED");
  EXPECT_TRUE(JanMayRegister());
  notify::v1::SendMailRequest mail;
  ASSERT_TRUE(mail.ParseFromString(store_.Outbox().back().payload));
  EXPECT_EQ(mail.template_id(), "access-request-approved");
  EXPECT_EQ(mail.recipients(0).email_address(), "jan@school.example");

  auto stale =
      rights_.RevokeGrant(Person("marie", kSchool), kSchool, approved->second.id, 99, "weg", call_);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(rights_
                  .RevokeGrant(Person("marie", kSchool), kSchool, approved->second.id,
                               approved->second.version, "vertrokken", call_)
                  .ok());
  EXPECT_FALSE(JanMayRegister());  // The very next check.
  // A retry of that revocation (its answer was lost) fails on the etag, but tells the replicas
  // again: it must not answer before they could have learnt of the first call's change.
  const std::vector<std::string> before = store_.AnnouncedAgain();
  EXPECT_EQ(rights_
                .RevokeGrant(Person("marie", kSchool), kSchool, approved->second.id,
                             approved->second.version, "vertrokken", call_)
                .status()
                .code(),
            absl::StatusCode::kAborted);
  std::vector<std::string> expected = before;
  expected.push_back(kSchool);
  EXPECT_EQ(store_.AnnouncedAgain(), expected);
}

// A right granted directly mails the person (the seed promises a mail once the right is there)
// and approves their pending request for it, which would otherwise expire and mail so.
TEST_F(RightsManagerTest, ADirectGrantMailsThePersonAndClosesTheirRequest) {
  AddJanToSchool();
  AccessRequestRecord request = JanRequests();
  const size_t mails_before = store_.Outbox().size();
  GrantRecord grant;
  grant.person_id = "jan";
  grant.role = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
  grant.context = "opleidingsverlof";
  auto granted = rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g-direct", call_);
  ASSERT_TRUE(granted.ok()) << granted.status();
  ASSERT_EQ(store_.Outbox().size(), mails_before + 1);
  notify::v1::SendMailRequest mail;
  ASSERT_TRUE(mail.ParseFromString(store_.Outbox().back().payload));
  EXPECT_EQ(mail.template_id(), "grant-created");
  EXPECT_EQ(mail.recipients(0).email_address(), "jan@school.example");
  EXPECT_EQ(mail.parameters().at("organization_name"), "Atheneum Demo");
  const testing::FakeRightsStore::State state = store_.Snapshot();
  const AccessRequestRecord& closed = state.access_requests.at(request.id);
  EXPECT_EQ(closed.state, "APPROVED");
  EXPECT_EQ(closed.grant_id, granted->id);
  EXPECT_EQ(closed.version, request.version + 1);
  // A retry of the grant neither mails again nor changes the request.
  ASSERT_TRUE(
      rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g-direct", call_).ok());
  EXPECT_EQ(store_.Outbox().size(), mails_before + 1);
}

TEST_F(RightsManagerTest, CachedGrantsStartAndEndWithTimeAlone) {
  // The checker caches grants by organisation revision; no revision moves when a grant's
  // validity starts or ends, so the cached entry must still follow the clock.
  AddJanToSchool();
  GrantRecord grant;
  grant.person_id = "jan";
  grant.role = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
  grant.context = "opleidingsverlof";
  grant.valid_from = now_ + absl::Hours(1);
  grant.valid_until = now_ + absl::Hours(2);
  ASSERT_TRUE(rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g", call_).ok());
  const int64_t revision = store_.Revision(kSchool).value();
  EXPECT_FALSE(JanMayRegister());  // Not yet: the entry is cached now.
  now_ += absl::Minutes(61);
  EXPECT_TRUE(JanMayRegister());
  now_ += absl::Minutes(60);
  EXPECT_FALSE(JanMayRegister());
  EXPECT_EQ(store_.Revision(kSchool).value(), revision);
}

TEST_F(RightsManagerTest, MembershipFollowsWorkRelationsAndGrantsOnTheNextCall) {
  auto membership = [this] { return checker_.Membership("jan", kSchool).value(); };
  EXPECT_FALSE(membership().active_work_relation);
  EXPECT_FALSE(membership().active_grant);

  WorkRelationRecord relation;
  relation.person_id = "jan";
  relation.type = "VASTE_MEDEWERKER";
  auto created =
      rights_.CreateWorkRelation(Person("marie", kSchool), kSchool, relation, "req-wr", call_);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(membership().active_work_relation);  // Cached at this revision from now on.
  EXPECT_FALSE(membership().active_grant);

  GrantRecord grant;
  grant.person_id = "jan";
  grant.role = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
  grant.context = "opleidingsverlof";
  auto granted = rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g", call_);
  ASSERT_TRUE(granted.ok()) << granted.status();
  EXPECT_TRUE(membership().active_grant);
  EXPECT_FALSE(checker_.Membership("jan", kOther).value().active_grant) << "other organisation";

  ASSERT_TRUE(rights_
                  .RevokeGrant(Person("marie", kSchool), kSchool, granted->id, granted->version,
                               "vertrokken", call_)
                  .ok());
  EXPECT_FALSE(membership().active_grant);
  ASSERT_TRUE(rights_
                  .EndWorkRelation(Person("marie", kSchool), kSchool, created->id, created->version,
                                   std::nullopt, "vertrokken", call_)
                  .ok());
  EXPECT_FALSE(membership().active_work_relation);
}

// Issue 15, point 2: a grant counts only while its holder has an active work relation.
TEST_F(RightsManagerTest, EndingTheWorkRelationEndsTheGrantsAccessOnTheNextCall) {
  WorkRelationRecord relation;
  relation.person_id = "jan";
  relation.type = "VASTE_MEDEWERKER";
  auto created =
      rights_.CreateWorkRelation(Person("marie", kSchool), kSchool, relation, "req-wr", call_);
  ASSERT_TRUE(created.ok()) << created.status();
  GrantRecord grant;
  grant.person_id = "jan";
  grant.role = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
  grant.context = "opleidingsverlof";
  ASSERT_TRUE(rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g", call_).ok());
  EXPECT_TRUE(JanMayRegister());
  EXPECT_TRUE(checker_.Membership("jan", kSchool).value().active_grant);

  ASSERT_TRUE(rights_
                  .EndWorkRelation(Person("marie", kSchool), kSchool, created->id, created->version,
                                   std::nullopt, "vertrokken", call_)
                  .ok());
  auto decision = checker_.Check("jan", kSchool, "vov.registration.write", call_);
  ASSERT_TRUE(decision.ok());
  EXPECT_FALSE(decision->allowed) << "the grant outlived the work relation";
  EXPECT_EQ(decision->reason, Decision::kNoWorkRelation);
  EXPECT_FALSE(checker_.Membership("jan", kSchool).value().active_grant);
}

TEST_F(RightsManagerTest, AWorkRelationWhoseEndDatePassesEndsTheGrantsAccess) {
  WorkRelationRecord relation;
  relation.person_id = "jan";
  relation.type = "INTERIM";
  relation.valid_until = now_ + absl::Hours(1);
  ASSERT_TRUE(
      rights_.CreateWorkRelation(Person("marie", kSchool), kSchool, relation, "req-wr", call_)
          .ok());
  GrantRecord grant;
  grant.person_id = "jan";
  grant.role = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
  grant.context = "opleidingsverlof";
  ASSERT_TRUE(rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g", call_).ok());
  EXPECT_TRUE(JanMayRegister());
  now_ += absl::Minutes(61);  // No write, no revision change: time alone.
  EXPECT_FALSE(JanMayRegister());
}

// A check for reuse says how long its answer holds while the revision does not move: until the
// next start or end of a grant or work relation it rests on; never when it asked the directory.
TEST_F(RightsManagerTest, AnAnswerSaysHowLongItHoldsUnlessItAskedTheDirectory) {
  auto check = [this](const std::string& person, const std::string& permission) {
    auto decision = checker_.Check(person, kSchool, permission, call_, /*for_reuse=*/true);
    EXPECT_TRUE(decision.ok()) << decision.status();
    return decision.value_or(PermissionDecision{});
  };
  // No grant, and no role of this permission a legal representative holds: refused on the
  // grants alone, for ever unless they change.
  PermissionDecision refused = check("jan", "vov.registration.write");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.reusable_for, absl::InfiniteDuration());

  WorkRelationRecord relation;
  relation.person_id = "jan";
  relation.type = "INTERIM";
  relation.valid_until = now_ + absl::Hours(3);
  ASSERT_TRUE(
      rights_.CreateWorkRelation(Person("marie", kSchool), kSchool, relation, "req-wr", call_)
          .ok());
  GrantRecord grant;
  grant.person_id = "jan";
  grant.role = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
  grant.context = "opleidingsverlof";
  grant.valid_until = now_ + absl::Hours(5);
  ASSERT_TRUE(rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g1", call_).ok());
  GrantRecord later = grant;
  later.context = "opleidingsdatabank";  // The same role in another context of the rule.
  later.valid_from = now_ + absl::Hours(2);
  later.valid_until = std::nullopt;
  auto created = rights_.CreateGrant(Person("marie", kSchool), kSchool, later, "g2", call_);
  ASSERT_TRUE(created.ok()) << created.status();
  // Allowed until the second grant starts (2 h), before the work relation (3 h) and the first
  // grant (5 h) end.
  PermissionDecision allowed = check("jan", "vov.registration.write");
  EXPECT_TRUE(allowed.allowed);
  EXPECT_EQ(allowed.reusable_for, absl::Hours(2));
  now_ += absl::Minutes(150);
  EXPECT_EQ(check("jan", "vov.registration.write").reusable_for, absl::Minutes(30));
  now_ += absl::Minutes(30);  // The work relation ended: the directory is asked (no longer
  PermissionDecision ended = check("jan", "vov.registration.write");  // reusable).
  EXPECT_FALSE(ended.allowed);
  EXPECT_EQ(ended.reason, Decision::kNoWorkRelation);
  EXPECT_EQ(ended.reusable_for, std::nullopt);
  // Legal representation comes from the directory: never reusable, allowed or not.
  PermissionDecision legal = check("marie", "rights.manage");
  EXPECT_TRUE(legal.allowed);
  EXPECT_EQ(legal.reusable_for, std::nullopt);
  EXPECT_EQ(check("jan", "rights.manage").reusable_for, std::nullopt);
  // Without for_reuse nothing is promised.
  EXPECT_EQ(checker_.Check("jan", kSchool, "vov.registration.write", call_)->reusable_for,
            std::nullopt);
}

// A replica not yet told of a change remembers the older revision; an answer for reuse must not
// come from it (the caller would keep it after the change's RPC returned).
TEST_F(RightsManagerTest, ACheckForReuseReadsTheRevisionWhateverTheReplicaRemembers) {
  RevisionCache revisions;
  revisions.LeaseHeldUntil(MonotonicNow() + absl::Hours(1));
  PermissionChecker remembering(
      rights_, [this] { return now_; }, &revisions);
  AddJanToSchool();
  auto may = [&](bool for_reuse) {
    auto decision = remembering.Check("jan", kSchool, "vov.registration.write", call_, for_reuse);
    EXPECT_TRUE(decision.ok()) << decision.status();
    return decision.ok() && decision->allowed;
  };
  EXPECT_FALSE(may(false));  // The revision is remembered from here on.
  GrantRecord grant;
  grant.person_id = "jan";
  grant.role = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
  grant.context = "opleidingsverlof";
  ASSERT_TRUE(rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g", call_).ok());
  // Nobody told this checker's cache (no ReplicaLeases here): from memory, still refused.
  EXPECT_FALSE(may(false));
  EXPECT_TRUE(may(true)) << "a check for reuse answered from a remembered revision";
}

TEST_F(RightsManagerTest, ApprovalNeedsAWorkRelationAtTheMomentOfTheDecision) {
  WorkRelationRecord relation;
  relation.person_id = "jan";
  relation.type = "VASTE_MEDEWERKER";
  auto created =
      rights_.CreateWorkRelation(Person("marie", kSchool), kSchool, relation, "req-wr", call_);
  ASSERT_TRUE(created.ok()) << created.status();
  AccessRequestRecord request = JanRequests();
  ASSERT_TRUE(rights_
                  .EndWorkRelation(Person("marie", kSchool), kSchool, created->id, created->version,
                                   std::nullopt, "vertrokken", call_)
                  .ok());
  auto approved = rights_.ApproveAccessRequest(Person("marie", kSchool), kSchool, request.id,
                                               request.version, {}, call_);
  EXPECT_EQ(ReasonOf(approved.status()), "NO_WORK_RELATION");
}

TEST_F(RightsManagerTest, AnAdministratorWithoutWorkRelationNoLongerManages) {
  directory_.organizations[kSchool].legal_representative_ids.clear();
  const Actor operator_actor{"", "", std::nullopt, true};
  for (const std::string person : {"jan", "els"}) {
    WorkRelationRecord relation;
    relation.person_id = person;
    relation.type = "AMBTENAAR";
    ASSERT_TRUE(
        rights_.CreateWorkRelation(operator_actor, kSchool, relation, "w-" + person, call_).ok());
    GrantRecord admin;
    admin.person_id = person;
    admin.role = "LOKALE_BEHEERDER";
    ASSERT_TRUE(rights_.CreateGrant(operator_actor, kSchool, admin, "g-" + person, call_).ok());
  }
  auto jans = store_.UnendedWorkRelations(kSchool, "jan", now_).value();
  ASSERT_EQ(jans.size(), 1u);
  ASSERT_TRUE(rights_
                  .EndWorkRelation(Person("els", kSchool), kSchool, jans[0].id, jans[0].version,
                                   std::nullopt, "vertrokken", call_)
                  .ok());
  WorkRelationRecord relation;
  relation.person_id = "marie";
  relation.type = "AMBTENAAR";
  auto refused = rights_.CreateWorkRelation(Person("jan", kSchool), kSchool, relation, "x", call_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  auto admins = rights_.LocalAdministrators(kSchool, call_);
  ASSERT_TRUE(admins.ok());
  ASSERT_EQ(admins->size(), 1u);
  EXPECT_EQ(admins->front().person.id, "els");
  // Els is now the last one: ending her own relation is refused.
  auto els = store_.UnendedWorkRelations(kSchool, "els", now_).value();
  auto last = rights_.EndWorkRelation(Person("els", kSchool), kSchool, els[0].id, els[0].version,
                                      std::nullopt, "weg", call_);
  EXPECT_EQ(ReasonOf(last.status()), "LAST_LOCAL_ADMINISTRATOR");
}

// Issue 15, point 6: the same request_id with a different request is refused, not answered with
// what the first request made.
TEST_F(RightsManagerTest, ARequestIdReusedForAnotherRequestIsRefused) {
  AddJanToSchool();
  GrantRecord grant;
  grant.person_id = "jan";
  grant.role = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
  grant.context = "opleidingsverlof";
  auto first = rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g-same", call_);
  ASSERT_TRUE(first.ok()) << first.status();
  now_ += absl::Minutes(5);  // A retry later on is still the same request.
  auto retried = rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g-same", call_);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->id, first->id);
  grant.valid_until = now_ + absl::Hours(24 * 30);  // Another request: a month only.
  auto other = rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g-same", call_);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument) << other.status();
  EXPECT_EQ(ReasonOf(other.status()), "REQUEST_ID_REUSED");
  const std::vector<FieldViolation> violations = FieldViolationsOf(other.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "request_id");
}

TEST_F(RightsManagerTest, RejectionCarriesTheReasonToTheRequester) {
  AddJanToSchool();
  AccessRequestRecord request = JanRequests();
  auto rejected = rights_.RejectAccessRequest(Person("marie", kSchool), kSchool, request.id,
                                              request.version, "niet nodig", call_);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  notify::v1::SendMailRequest mail;
  ASSERT_TRUE(mail.ParseFromString(store_.Outbox().back().payload));
  EXPECT_EQ(mail.template_id(), "access-request-rejected");
  EXPECT_EQ(mail.parameters().at("rejection_reason"), "niet nodig");
  auto twice = rights_.ApproveAccessRequest(Person("marie", kSchool), kSchool, request.id,
                                            rejected->version, {}, call_);
  EXPECT_EQ(ReasonOf(twice.status()), "ACCESS_REQUEST_NOT_PENDING");
}

TEST_F(RightsManagerTest, PendingRequestsExpireWithAMail) {
  AddJanToSchool();
  JanRequests();
  now_ += absl::Hours(24 * 31);
  auto expired = rights_.ExpireAccessRequests(call_);
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(*expired, 1);
  notify::v1::SendMailRequest mail;
  ASSERT_TRUE(mail.ParseFromString(store_.Outbox().back().payload));
  EXPECT_EQ(mail.template_id(), "access-request-expired");
}

TEST(RightsCatalogueTest, LocalAdministratorsCannotGrantRolesReservedToOperators) {
  auto catalogue = Catalogue::FromJson(R"({"roles": [
      {"code": "LOKALE_BEHEERDER", "label": "Lokale beheerder", "grantable_by_local_administrator": true,
       "permissions": ["rights.manage"]},
      {"code": "WSE_OPERATOR", "label": "Operator", "grantable_by_local_administrator": false,
       "permissions": ["wse.operator"]}],
    "legal_representative_roles": ["LOKALE_BEHEERDER"]})");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  testing::FakeRightsStore store;
  identity::FakeIdentityClient directory;
  directory.persons["marie"] = {"marie", "Marie", "marie@x.example", "", "nl"};
  directory.organizations["org"] = {"org", "Org", {"marie"}};
  RightsManager rights(store, directory, *catalogue);
  GrantRecord grant;
  grant.person_id = "marie";
  grant.role = "WSE_OPERATOR";
  auto refused = rights.CreateGrant(Actor{"marie", "EID", "org", false}, "org", grant, "r", {});
  EXPECT_EQ(ReasonOf(refused.status()), "ROLE_NOT_GRANTABLE");
  EXPECT_TRUE(rights.CreateGrant(Actor{"", "", std::nullopt, true}, "org", grant, "r2", {}).ok());
}

TEST_F(RightsManagerTest, HoldersAreToldOnceThatTheirGrantEndsSoon) {
  AddJanToSchool();
  GrantRecord grant;
  grant.person_id = "jan";
  grant.role = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
  grant.context = "opleidingsdatabank";
  grant.valid_until = now_ + absl::Hours(24 * 30);
  ASSERT_TRUE(rights_.CreateGrant(Person("marie", kSchool), kSchool, grant, "g", call_).ok());
  EXPECT_EQ(rights_.NotifyExpiringGrants(call_).value(), 0);  // 30 days left: too early.
  now_ += absl::Hours(24 * 20);                               // 10 days left.
  EXPECT_EQ(rights_.NotifyExpiringGrants(call_).value(), 1);
  EXPECT_EQ(rights_.NotifyExpiringGrants(call_).value(), 0);  // Once.
  notify::v1::SendMailRequest mail;
  ASSERT_TRUE(mail.ParseFromString(store_.Outbox().back().payload));
  EXPECT_EQ(mail.template_id(), "grant-expiring");
  EXPECT_EQ(mail.recipients(0).email_address(), "jan@school.example");
  EXPECT_EQ(mail.parameters().at("context"), "Opleidingsdatabank");
  EXPECT_FALSE(mail.parameters().at("end_date").empty());
}

TEST_F(RightsManagerTest, TheLastLocalAdministratorCannotBeRemoved) {
  directory_.organizations[kSchool].legal_representative_ids.clear();
  const Actor operator_actor{"", "", std::nullopt, true};
  WorkRelationRecord relation;
  relation.person_id = "jan";
  relation.type = "AMBTENAAR";
  ASSERT_TRUE(rights_.CreateWorkRelation(operator_actor, kSchool, relation, "w", call_).ok());
  GrantRecord admin;
  admin.person_id = "jan";
  admin.role = "LOKALE_BEHEERDER";
  auto grant = rights_.CreateGrant(operator_actor, kSchool, admin, "g", call_);
  ASSERT_TRUE(grant.ok()) << grant.status();
  auto removed = rights_.RevokeGrant(Person("jan", kSchool), kSchool, grant->id, grant->version,
                                     "ik stop", call_);
  EXPECT_EQ(ReasonOf(removed.status()), "LAST_LOCAL_ADMINISTRATOR");
  auto shortened = rights_.UpdateGrant(Person("jan", kSchool), kSchool, grant->id, grant->version,
                                       {std::nullopt, now_ + absl::Hours(1)}, call_);
  EXPECT_EQ(ReasonOf(shortened.status()), "LAST_LOCAL_ADMINISTRATOR")
      << "shortening the last administrator's grant is removing them an hour later";
}

TEST_F(RightsManagerTest, AuditTrailIsAChainThatRevealsTampering) {
  AddJanToSchool();
  JanRequests();
  auto trail = store_.ListAudit({kSchool, std::nullopt, std::nullopt}, 0, 100);
  ASSERT_TRUE(trail.ok());
  ASSERT_GE(trail->size(), 2u);
  ChainVerifier verifier;
  for (const auto& e : *trail) verifier.Add(e);
  EXPECT_TRUE(verifier.verdict().ok);
  EXPECT_EQ(verifier.verdict().verified, static_cast<int64_t>(trail->size()));

  std::vector<AuditRecord> edited = *trail;
  edited[0].reason = "history rewritten";
  ChainVerifier tampered;
  for (const auto& e : edited) tampered.Add(e);
  EXPECT_FALSE(tampered.verdict().ok);
  EXPECT_EQ(tampered.verdict().first_broken_sequence, 1);

  std::vector<AuditRecord> gap = *trail;
  gap.erase(gap.begin());
  ChainVerifier missing;
  for (const auto& e : gap) missing.Add(e);
  EXPECT_FALSE(missing.verdict().ok);
}

TEST_F(RightsManagerTest, LegalRepresentativesManageWithoutAGrant) {
  auto decision = checker_.Check("marie", kSchool, "rights.manage", call_);
  ASSERT_TRUE(decision.ok());
  EXPECT_TRUE(decision->allowed);
  EXPECT_EQ(decision->reason, Decision::kLegalRepresentative);
  auto unknown = checker_.Check("marie", kSchool, "no.such.permission", call_);
  EXPECT_EQ(unknown->reason, Decision::kUnknownPermission);
}

TEST_F(RightsManagerTest, ExplainSaysWhatIsMissingAndWhereToAsk) {
  AddJanToSchool();
  auto explained = checker_.Explain("jan", kSchool, "vov.registration.write", call_);
  ASSERT_TRUE(explained.ok()) << explained.status();
  EXPECT_FALSE(explained->decision.allowed);
  EXPECT_TRUE(explained->work_relation_active);
  ASSERT_EQ(explained->rules.size(), 1u);
  EXPECT_FALSE(explained->rules[0].satisfied);
  ASSERT_EQ(explained->local_administrators.size(), 1u);
  EXPECT_EQ(explained->local_administrators[0].person.display_name, "Marie Lambert");
  EXPECT_TRUE(explained->access_request_possible);
  EXPECT_EQ(explained->obstacle, RequestObstacle::kNone);
}

// Issue 19: the screen (Explain) offers 'Gebruikersrecht aanvragen' exactly when the request
// (CreateAccessRequest) is accepted, for each reason it may not be.
TEST_F(RightsManagerTest, TheScreenAndTheRequestAgreeOnWhoCanBeAsked) {
  struct Case {
    std::string name;
    std::function<void()> arrange;
    std::string person;
    RequestObstacle obstacle;
    std::string refusal;  // CreateAccessRequest's reason; empty: accepted.
  };
  const std::vector<Case> cases = {
      {"a reachable administrator", [] {}, "jan", RequestObstacle::kNone, ""},
      {"the requester's address is unknown",
       [this] { directory_.persons["jan"].email_address.clear(); }, "jan",
       RequestObstacle::kRequesterEmailUnknown, "REQUESTER_EMAIL_UNKNOWN"},
      {"no administrator has an address",
       [this] { directory_.persons["marie"].email_address.clear(); }, "jan",
       RequestObstacle::kNoReachableAdministrator, "NO_REACHABLE_LOCAL_ADMINISTRATOR"},
      // Marie is the school's only local administrator (legal representative): asking would
      // mail herself, 1700 would send her to gebruikersbeheer.
      {"the sole administrator asks", [] {}, "marie", RequestObstacle::kGrantYourself,
       "REQUESTER_IS_ONLY_LOCAL_ADMINISTRATOR"},
      {"the sole administrator without address",
       [this] { directory_.persons["marie"].email_address.clear(); }, "marie",
       RequestObstacle::kGrantYourself, "REQUESTER_IS_ONLY_LOCAL_ADMINISTRATOR"},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    // Each case in its own school with Marie as legal representative and Jan working there.
    const std::string school = "school-" + std::to_string(++n);
    directory_.organizations[school] = {school, "School " + school, {"marie"}};
    directory_.persons["marie"] = {"marie", "Marie Lambert", "marie@school.example", "", "nl"};
    directory_.persons["jan"] = {"jan", "Jan Janssens", "jan@school.example", "", "nl"};
    WorkRelationRecord relation;
    relation.person_id = "jan";
    relation.type = "VASTE_MEDEWERKER";
    ASSERT_TRUE(
        rights_.CreateWorkRelation(Person("marie", school), school, relation, "wr-" + school, call_)
            .ok());
    c.arrange();
    auto explained = checker_.Explain(c.person, school, "vov.registration.write", call_);
    ASSERT_TRUE(explained.ok()) << explained.status();
    EXPECT_EQ(explained->obstacle, c.obstacle);
    EXPECT_EQ(explained->access_request_possible, c.refusal.empty());
    auto request = rights_.CreateAccessRequest(Person(c.person, school), school,
                                               "DWSE_ORGANISATIEVERANTWOORDELIJKE",
                                               "opleidingsverlof", "VOV", "req-" + school, call_);
    if (c.refusal.empty()) {
      EXPECT_TRUE(request.ok()) << request.status();
      // Now pending: the screen says so and a second request is refused.
      auto after = checker_.Explain(c.person, school, "vov.registration.write", call_);
      ASSERT_TRUE(after.ok());
      EXPECT_EQ(after->obstacle, RequestObstacle::kPending);
      EXPECT_FALSE(after->access_request_possible);
    } else {
      EXPECT_EQ(request.status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_EQ(ReasonOf(request.status()), c.refusal);
      EXPECT_FALSE(DutchMessageOf(request.status()).empty());
    }
  }
}

// The pure decision at its edges: nothing requestable, a pending request, and an only
// administrator who could not grant the role (then 1700, not a dead end in gebruikersbeheer).
TEST(RequestRouteTest, EveryObstacleAtItsEdge) {
  const identity::PersonInfo marie{"marie", "Marie Lambert", "marie@school.example", "", "nl"};
  const identity::PersonInfo jan{"jan", "Jan Janssens", "", "", "nl"};
  const std::vector<LocalAdministrator> only_marie = {{marie, true, ""}};
  RoleDef grantable;
  grantable.grantable_by_local_administrator = true;
  RoleDef not_grantable;
  not_grantable.grantable_by_local_administrator = false;
  EXPECT_EQ(DecideRequestRoute(only_marie, jan, nullptr, false).obstacle,
            RequestObstacle::kNotRequestable);
  EXPECT_EQ(DecideRequestRoute(only_marie, jan, &grantable, true).obstacle,
            RequestObstacle::kPending);
  EXPECT_EQ(DecideRequestRoute(only_marie, jan, &grantable, false).obstacle,
            RequestObstacle::kRequesterEmailUnknown);
  EXPECT_EQ(DecideRequestRoute(only_marie, marie, &grantable, false).obstacle,
            RequestObstacle::kGrantYourself);
  EXPECT_EQ(DecideRequestRoute(only_marie, marie, &not_grantable, false).obstacle,
            RequestObstacle::kNoReachableAdministrator);
  identity::PersonInfo jan_mailable = jan;
  jan_mailable.email_address = "jan@school.example";
  const RequestRoute route = DecideRequestRoute(only_marie, jan_mailable, &grantable, false);
  EXPECT_EQ(route.obstacle, RequestObstacle::kNone);
  ASSERT_EQ(route.recipients.size(), 1u);
  EXPECT_EQ(route.recipients[0].id, "marie");
}

// A second local administrator with an address is someone to ask, also for an administrator.
TEST_F(RightsManagerTest, AnAdministratorWithAColleagueToAskMayRequest) {
  directory_.organizations[kSchool].legal_representative_ids = {"marie", "els"};
  auto explained = checker_.Explain("marie", kSchool, "vov.registration.write", call_);
  ASSERT_TRUE(explained.ok()) << explained.status();
  EXPECT_EQ(explained->obstacle, RequestObstacle::kNone);
  auto request = rights_.CreateAccessRequest(Person("marie", kSchool), kSchool,
                                             "DWSE_ORGANISATIEVERANTWOORDELIJKE",
                                             "opleidingsverlof", "VOV", "req-m", call_);
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_EQ(store_.Outbox().size(), 1u);
  notify::v1::SendMailRequest mail;
  ASSERT_TRUE(mail.ParseFromString(store_.Outbox()[0].payload));
  EXPECT_EQ(mail.recipients(0).email_address(), "els@example.be") << "never to the requester";
}

}  // namespace
}  // namespace wse::rights
