// rights-svc's gRPC adapter in-process: the real RightsServiceImpl over a real channel, with the
// real domain classes behind it on the in-memory store and directory, and access tokens signed
// with a key made for the test. What only the adapter does is checked here, without the stack:
// authentication, parsing into field violations, the organisation check, statuses and their
// details surviving the wire, display names in answers.
#include "rights-svc/adapters/rights_service.h"

#include <memory>

#include "common/grpc_status.h"
#include "common/service_identity.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "identity-svc/client/fake_identity_client.h"
#include "tests/support/in_process.h"
#include "tests/support/rights_fakes.h"

namespace wse::rights {
namespace {

constexpr char kOperatorToken[] = "operator-token-for-this-test";

class RightsServiceTest : public ::testing::Test {
 protected:
  RightsServiceTest()
      : catalogue_(Catalogue::FromJson(Catalogue::BuiltInJson()).value()),
        rights_(store_, directory_, catalogue_),
        queries_(rights_),
        permissions_(rights_),
        operators_(ServiceTokenHash(kOperatorToken)),
        service_({rights_, queries_, permissions_, tokens_.verifier(), operators_}) {
    directory_.persons["marie"] = {"marie", "Marie Lambert", "marie@school.example", "", "nl"};
    directory_.persons["jan"] = {"jan", "Jan Janssens", "jan@school.example", "", "nl"};
    directory_.organizations["school"] = {"school", "Atheneum Demo", {"marie"}};
    directory_.organizations["other"] = {"other", "Ander Bedrijf", {}};
  }

  void SetUp() override {
    ASSERT_TRUE(server_.status().ok()) << server_.status();
    stub_ = v1::RightsService::NewStub(server_.channel());
  }

  // identity-svc's access token of `person` acting for organizations/`org`.
  std::string TokenOf(const std::string& person, const std::string& org) const {
    return tokens_.For(person, org);
  }

  template <typename Method, typename Request, typename Response>
  absl::Status Call(Method method, const std::string& token, const Request& request,
                    Response* response) {
    return wse::testing::CallWithToken(*stub_, method, token, request, response);
  }

  absl::StatusOr<v1::WorkRelation> AddJan(const std::string& token) {
    v1::CreateWorkRelationRequest request;
    request.set_parent("organizations/school");
    request.set_request_id("req-jan");
    request.mutable_work_relation()->set_person("persons/jan");
    request.mutable_work_relation()->set_type(v1::WORK_RELATION_TYPE_VASTE_MEDEWERKER);
    v1::CreateWorkRelationResponse response;
    absl::Status status =
        Call(&v1::RightsService::Stub::CreateWorkRelation, token, request, &response);
    if (!status.ok()) return status;
    return response.work_relation();
  }

  testing::FakeRightsStore store_;
  identity::FakeIdentityClient directory_;
  Catalogue catalogue_;
  RightsManager rights_;
  RightsQueries queries_;
  PermissionChecker permissions_;
  wse::testing::TestAccessTokens tokens_;
  OperatorAuthenticator operators_;
  RightsServiceImpl service_;
  wse::testing::InProcessServer server_{{{&service_, "wse.rights.v1.RightsService"}}};
  std::unique_ptr<v1::RightsService::Stub> stub_;
};

TEST_F(RightsServiceTest, WithoutAValidTokenNothingIsAnswered) {
  v1::ListRolesResponse roles;
  absl::Status missing =
      Call(&v1::RightsService::Stub::ListRoles, "", v1::ListRolesRequest(), &roles);
  EXPECT_EQ(missing.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(missing), "TOKEN_MISSING");
  const std::string forged = tokens_.Forged("marie", "school");
  absl::Status refused =
      Call(&v1::RightsService::Stub::ListRoles, forged, v1::ListRolesRequest(), &roles);
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(roles.roles_size(), 0);
  EXPECT_TRUE(
      Call(&v1::RightsService::Stub::ListRoles, kOperatorToken, v1::ListRolesRequest(), &roles)
          .ok());
  EXPECT_GT(roles.roles_size(), 0);
}

TEST_F(RightsServiceTest, BadFieldsAreInvalidArgumentNamingTheField) {
  v1::CreateWorkRelationRequest request;
  request.set_parent("organizations/school");
  request.mutable_work_relation()->set_person("persons/jan");
  request.mutable_work_relation()->set_type(v1::WORK_RELATION_TYPE_VASTE_MEDEWERKER);
  v1::CreateWorkRelationResponse response;
  absl::Status no_id = Call(&v1::RightsService::Stub::CreateWorkRelation,
                            TokenOf("marie", "school"), request, &response);
  EXPECT_EQ(no_id.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(FieldViolationsOf(no_id).empty());
  EXPECT_EQ(FieldViolationsOf(no_id)[0].field, "request_id");

  request.set_request_id("req-1");
  request.mutable_work_relation()->set_type(static_cast<v1::WorkRelationType>(99));
  absl::Status bad_type = Call(&v1::RightsService::Stub::CreateWorkRelation,
                               TokenOf("marie", "school"), request, &response);
  ASSERT_FALSE(FieldViolationsOf(bad_type).empty());
  EXPECT_EQ(FieldViolationsOf(bad_type)[0].field, "work_relation.type");

  v1::ListGrantsRequest list;
  list.set_parent("organizations/school");
  list.set_page_size(-1);
  v1::ListGrantsResponse grants;
  absl::Status bad_page =
      Call(&v1::RightsService::Stub::ListGrants, TokenOf("marie", "school"), list, &grants);
  ASSERT_FALSE(FieldViolationsOf(bad_page).empty());
  EXPECT_EQ(FieldViolationsOf(bad_page)[0].field, "page_size");
}

TEST_F(RightsServiceTest, AnotherOrganisationsNameIsRefusedWithItsReason) {
  v1::ListGrantsRequest list;
  list.set_parent("organizations/other");
  v1::ListGrantsResponse grants;
  absl::Status refused =
      Call(&v1::RightsService::Stub::ListGrants, TokenOf("marie", "school"), list, &grants);
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused), "ORGANIZATION_MISMATCH");
  EXPECT_EQ(grants.grants_size(), 0);
}

TEST_F(RightsServiceTest, AnswersCarryTheDirectorysNamesAndEtags) {
  auto created = AddJan(TokenOf("marie", "school"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->person_display_name(), "Jan Janssens");
  EXPECT_FALSE(created->etag().empty());
  EXPECT_EQ(created->state(), v1::WORK_RELATION_STATE_ACTIVE);
  // Jan is a member now, not an administrator: he may not add people.
  auto refused = AddJan(TokenOf("jan", "school"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused.status()), "NOT_LOCAL_ADMINISTRATOR");
}

}  // namespace
}  // namespace wse::rights
