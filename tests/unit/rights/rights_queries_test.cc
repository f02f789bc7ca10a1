// Who may read what in gebruikersbeheer (RightsQueries), without a database or a process: the
// in-memory store and directory behind the real RightsManager.
#include "rights-svc/domain/rights_queries.h"

#include "common/status.h"
#include "gtest/gtest.h"
#include "identity-svc/client/fake_identity_client.h"
#include "tests/support/rights_fakes.h"

namespace wse::rights {
namespace {

constexpr char kSchool[] = "school";
constexpr char kOther[] = "other-org";

class RightsQueriesTest : public ::testing::Test {
 protected:
  RightsQueriesTest()
      : catalogue_(Catalogue::FromJson(Catalogue::BuiltInJson()).value()),
        rights_(store_, directory_, catalogue_, [this] { return now_; }),
        queries_(rights_) {
    directory_.persons["marie"] = {"marie", "Marie Lambert", "marie@school.example", "", "nl"};
    directory_.persons["jan"] = {"jan", "Jan Janssens", "jan@school.example", "", "nl"};
    directory_.persons["els"] = {"els", "Els Claes", "els@example.be", "", "fr"};
    directory_.organizations[kSchool] = {kSchool, "Atheneum Demo", {"marie"}};
    directory_.organizations[kOther] = {kOther, "Ander Bedrijf", {"els"}};
    WorkRelationRecord relation;
    relation.person_id = "jan";
    relation.type = "VASTE_MEDEWERKER";
    EXPECT_TRUE(rights_.CreateWorkRelation(Marie(), kSchool, relation, "req-wr", call_).ok());
    auto request = rights_.CreateAccessRequest(Jan(), kSchool, "DWSE_ORGANISATIEVERANTWOORDELIJKE",
                                               "opleidingsverlof", "VOV", "req-ar", call_);
    EXPECT_TRUE(request.ok()) << request.status();
    jan_request_ = request.value_or(AccessRequestRecord{});
  }

  static Actor Marie() { return Actor{"marie", "EID", std::string(kSchool), false}; }
  static Actor Jan() { return Actor{"jan", "EID", std::string(kSchool), false}; }
  static Actor Els() { return Actor{"els", "EID", std::string(kOther), false}; }
  static Actor Operator() { return Actor{"", "", std::nullopt, true}; }

  std::string RequestName() const {
    return std::string("organizations/") + kSchool + "/accessRequests/" + jan_request_.id;
  }

  int DeniedIn(const std::string& organization_id) {
    auto trail = store_.ListAudit({organization_id, std::nullopt, std::nullopt}, 0, 1000);
    int denied = 0;
    for (const auto& e : trail.value_or(std::vector<AuditRecord>{})) {
      denied += e.action == "ACCESS_DENIED";
    }
    return denied;
  }

  absl::Time now_ = absl::FromUnixSeconds(1800000000);
  testing::FakeRightsStore store_;
  identity::FakeIdentityClient directory_;
  Catalogue catalogue_;
  RightsManager rights_;
  RightsQueries queries_;
  RequestContext call_;
  AccessRequestRecord jan_request_;
};

TEST_F(RightsQueriesTest, AnotherOrganisationIsRefusedAndRecordedOnTheCallersSide) {
  auto refused = queries_.OwnOrganization(Els(), "organizations/school", "parent", call_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused.status()), "ORGANIZATION_MISMATCH");
  EXPECT_EQ(DeniedIn(kOther), 1);
  EXPECT_EQ(DeniedIn(kSchool), 0);
  EXPECT_EQ(*queries_.OwnOrganization(Marie(), "organizations/school", "parent", call_), kSchool);
  EXPECT_EQ(*queries_.OwnOrganization(Operator(), "organizations/school", "parent", call_),
            kSchool);
  auto malformed = queries_.OwnOrganization(Marie(), "persons/school", "parent", call_);
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RightsQueriesTest, OwnRecordsForEveryoneAndEveryonesForTheAdministrator) {
  WorkRelationFilter filter{"", "jan", false, now_};
  auto own = queries_.ListWorkRelations(Jan(), "organizations/school", filter, {}, call_);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->size(), 1u);
  filter.person_id = "";
  auto everyone = queries_.ListWorkRelations(Jan(), "organizations/school", filter, {}, call_);
  EXPECT_EQ(everyone.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(everyone.status()), "NOT_LOCAL_ADMINISTRATOR");
  auto as_admin = queries_.ListWorkRelations(Marie(), "organizations/school", filter, {}, call_);
  ASSERT_TRUE(as_admin.ok()) << as_admin.status();
  EXPECT_EQ(as_admin->size(), 1u);
}

TEST_F(RightsQueriesTest, AcrossOrganisationsOnlyOnesOwnRecords) {
  GrantFilter filter{"", "jan", "", false, now_};
  EXPECT_TRUE(queries_.ListGrants(Jan(), "organizations/-", filter, {}, call_).ok());
  EXPECT_TRUE(queries_.ListGrants(Operator(), "organizations/-", filter, {}, call_).ok());
  auto marie_for_jan = queries_.ListGrants(Marie(), "organizations/-", filter, {}, call_);
  EXPECT_EQ(ReasonOf(marie_for_jan.status()), "OWN_RECORDS_ONLY");
  filter.person_id = "";
  auto everyone = queries_.ListGrants(Operator(), "organizations/-", filter, {}, call_);
  EXPECT_EQ(ReasonOf(everyone.status()), "OWN_RECORDS_ONLY");
}

TEST_F(RightsQueriesTest, ARequestIsReadByItsRequesterAndTheAdministratorOnly) {
  EXPECT_TRUE(queries_.GetAccessRequest(Jan(), RequestName(), call_).ok());
  EXPECT_TRUE(queries_.GetAccessRequest(Marie(), RequestName(), call_).ok());
  auto outsider = queries_.GetAccessRequest(Els(), RequestName(), call_);
  EXPECT_EQ(ReasonOf(outsider.status()), "ORGANIZATION_MISMATCH");
  // Another member of the school who is not its administrator.
  directory_.persons["piet"] = {"piet", "Piet Peeters", "piet@school.example", "", "nl"};
  const Actor piet{"piet", "EID", std::string(kSchool), false};
  auto colleague = queries_.GetAccessRequest(piet, RequestName(), call_);
  EXPECT_EQ(ReasonOf(colleague.status()), "NOT_LOCAL_ADMINISTRATOR");
  AccessRequestFilter mine{"", "", "piet"};
  EXPECT_TRUE(queries_.ListAccessRequests(piet, "organizations/school", mine, {}, call_).ok());
  AccessRequestFilter all{"", "", ""};
  auto listed = queries_.ListAccessRequests(piet, "organizations/school", all, {}, call_);
  EXPECT_EQ(ReasonOf(listed.status()), "NOT_LOCAL_ADMINISTRATOR");
}

TEST_F(RightsQueriesTest, TheAuditTrailIsTheAdministratorsAndItsChainHolds) {
  AuditFilter filter{"", std::nullopt, std::nullopt};
  auto refused = queries_.ListAuditEvents(Jan(), "organizations/school", filter, 0, 50, call_);
  EXPECT_EQ(ReasonOf(refused.status()), "NOT_LOCAL_ADMINISTRATOR");
  auto events = queries_.ListAuditEvents(Marie(), "organizations/school", filter, 0, 50, call_);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_FALSE(events->empty());
  auto chain = queries_.VerifyAuditChain(Marie(), "organizations/school", call_);
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_TRUE(chain->verdict().ok);
  // Jan's refused read is in the trail too (on his side: he acts for the school).
  EXPECT_EQ(DeniedIn(kSchool), 1);
  EXPECT_EQ(chain->verdict().verified, static_cast<int64_t>(events->size()));
}

TEST_F(RightsQueriesTest, AnUnknownInszIsAPreconditionAndNamesComeFromTheDirectory) {
  auto unknown = queries_.PersonIdByInsz("85073003328", call_);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(unknown.status()), "PERSON_UNKNOWN");
  PersonNames names = queries_.Names(call_);
  const identity::PersonInfo* jan = names.Find("persons/jan");
  ASSERT_NE(jan, nullptr);
  EXPECT_EQ(jan->display_name, "Jan Janssens");
  EXPECT_EQ(names.Find("nobody"), nullptr);
}

}  // namespace
}  // namespace wse::rights
