// identity-svc's gRPC adapter in-process: the real IdentityServiceImpl on the host the process
// uses, the real SessionManager, key ring and ID-token verifier behind it on in-memory
// repositories, ID tokens from the development identity provider's key. What only the adapter
// does: the digital-key login, choosing where to act and logging out over the wire with the
// access tokens it issues, who may read the directory (operators, and each service only the
// methods on its allow-list), field violations.
#include "identity-svc/adapters/identity_service.h"

#include <memory>

#include "common/grpc_status.h"
#include "common/service_identity.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "identity-svc/dev_idp/dev_idp.h"
#include "tests/flow/flow_gtest.h"
#include "tests/support/identity_fakes.h"
#include "tests/support/in_process.h"
#include "tests/support/process.h"
#include "tests/unit/identity/identity_test_options.h"

namespace wse::identity {
namespace {

constexpr char kOperatorToken[] = "operator-token-for-this-test";
constexpr char kNotifyToken[] = "notify-svc-token-for-this-test";
constexpr char kAnInsz[] = "85073003328";  // Legal representative of the school.
constexpr char kJanInsz[] = "01020300467";

using testing::DevIdpOptions;
using testing::Policy;

std::shared_ptr<const ServiceIdentities> NotifyIdentity() {
  return std::make_shared<const ServiceIdentities>(
      ServiceIdentities::Parse("notify-svc " + ServiceTokenHash(kNotifyToken)).value());
}

class IdentityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(ring_.Refresh());
    ASSERT_TRUE(server_.status().ok()) << server_.status();
    stub_ = v1::IdentityService::NewStub(server_.channel());
    for (const auto& [id, insz, given] :
         {std::tuple{"an-id", kAnInsz, "An"}, std::tuple{"jan-id", kJanInsz, "Jan"}}) {
      PersonRecord person;
      person.id = id;
      person.insz = insz;
      person.given_name = given;
      person.family_name = "Peeters";
      PersonRecord stored;
      ASSERT_OK(directory_.UpsertPerson(person, {}, &stored));
    }
    OrganizationRecord school;
    school.id = "school-id";
    school.institution_number = "123456";
    school.display_name = "Atheneum Demo";
    school.kind = "SCHOOL";
    school.legal_representative_insz = {kAnInsz};
    OrganizationRecord stored;
    ASSERT_OK(directory_.UpsertOrganization(school, {}, &stored));
  }

  using Stub = v1::IdentityService::Stub;

  template <typename Method, typename Request, typename Response>
  absl::Status Call(Method method, const std::string& token, const Request& request,
                    Response* response) {
    return wse::testing::CallWithToken(*stub_, method, token, request, response);
  }

  absl::StatusOr<v1::ExchangeIdTokenResponse> Login(const std::string& insz) {
    DevLogin login;
    login.insz = insz;
    login.given_name = "Given";
    login.family_name = "Family";
    v1::ExchangeIdTokenRequest request;
    ASSIGN_OR_RETURN(*request.mutable_id_token(), MintDevIdToken(idp_key_, login, absl::Now()));
    v1::ExchangeIdTokenResponse response;
    RETURN_IF_ERROR(Call(&Stub::ExchangeIdToken, "", request, &response));
    return response;
  }

  DevIdpKey idp_key_ = LoadOrCreateDevIdpKey(wse::testing::MakeTempDir("wse-idp-")).value();
  testing::FakeDirectoryRepository directory_;
  testing::FakeSessionRepository sessions_;
  testing::FakeSigningKeyRepository keys_;
  KeyRing ring_{keys_, SealedBox::Create(std::string(32, 's')).value(), {}};
  IdTokenVerifier id_tokens_{DevIdpOptions(),
                             std::make_shared<JwksFileKeySource>(idp_key_.jwks_path)};
  AccessTokenVerifier access_tokens_{
      JwtVerifierOptions{Policy().issuer, Policy().audience, absl::Seconds(30), absl::Hours(1)},
      std::make_shared<KeyRingKeySource>(ring_)};
  LegalRepresentationSource legal_{directory_};
  SessionManager sessions_manager_{directory_, sessions_, ring_, id_tokens_, {&legal_}, Policy()};
  OperatorAuthenticator operators_{
      ServiceTokenHash(kOperatorToken),
      [this](const RequestContext& c) { return access_tokens_.Verify(c.bearer_token).status(); },
      NotifyIdentity(),
      {{"notify-svc", {"GetPerson"}}}};
  testing::FakeEmailVerificationStore verifications_{&directory_};
  EmailVerifier email_{verifications_};
  IdentityServiceImpl service_{
      {sessions_manager_, directory_, ring_, access_tokens_, operators_, GuidanceConfig(), email_}};
  wse::testing::InProcessServer server_{{{&service_, "wse.identity.v1.IdentityService"}}};
  std::unique_ptr<Stub> stub_;
};

TEST_F(IdentityServiceTest, LoginChooseWhereToActAndLogOutOverTheWire) {
  ASSERT_OK_AND_ASSIGN(v1::ExchangeIdTokenResponse login, Login(kAnInsz));
  ASSERT_FALSE(login.access_token().empty());
  v1::ListActingContextsResponse contexts;
  ASSERT_OK(Call(&Stub::ListActingContexts, login.access_token(), v1::ListActingContextsRequest(),
                 &contexts));
  std::string school;
  for (const v1::ActingContext& c : contexts.acting_contexts()) {
    if (c.display_name() == "Atheneum Demo") school = c.organization();
  }
  ASSERT_EQ(school, "organizations/school-id");

  v1::SelectActingContextRequest select;
  select.set_organization(school);
  v1::SelectActingContextResponse selected;
  ASSERT_OK(Call(&Stub::SelectActingContext, login.access_token(), select, &selected));
  v1::GetCurrentUserResponse current;
  ASSERT_OK(
      Call(&Stub::GetCurrentUser, selected.access_token(), v1::GetCurrentUserRequest(), &current));
  EXPECT_EQ(current.organization(), school);

  v1::LogoutResponse out;
  ASSERT_OK(Call(&Stub::Logout, selected.access_token(), v1::LogoutRequest(), &out));
  // The token is still well signed and unexpired; the session behind it has ended.
  const absl::Status after =
      Call(&Stub::GetCurrentUser, selected.access_token(), v1::GetCurrentUserRequest(), &current);
  EXPECT_EQ(after.code(), absl::StatusCode::kUnauthenticated) << after;
}

TEST_F(IdentityServiceTest, NobodyActsForAnOrganisationTheyDoNotBelongTo) {
  ASSERT_OK_AND_ASSIGN(v1::ExchangeIdTokenResponse login, Login(kJanInsz));
  v1::SelectActingContextRequest select;
  select.set_organization("organizations/school-id");
  v1::SelectActingContextResponse selected;
  const absl::Status refused =
      Call(&Stub::SelectActingContext, login.access_token(), select, &selected);
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
  EXPECT_TRUE(selected.access_token().empty());
  // With only the personal name, the answer says where to turn (local administrator, 1700).
  v1::ListActingContextsResponse contexts;
  ASSERT_OK(Call(&Stub::ListActingContexts, login.access_token(), v1::ListActingContextsRequest(),
                 &contexts));
  EXPECT_TRUE(contexts.has_guidance());
}

TEST_F(IdentityServiceTest, TheDirectoryIsForOperatorsAndEachServiceItsOwnMethods) {
  v1::GetPersonRequest get;
  get.set_name("persons/jan-id");
  v1::GetPersonResponse person;
  EXPECT_OK(Call(&Stub::GetPerson, kOperatorToken, get, &person));
  EXPECT_OK(Call(&Stub::GetPerson, kNotifyToken, get, &person));
  EXPECT_EQ(person.person().given_name(), "Jan");

  v1::LookupPersonRequest lookup;
  lookup.set_insz(kJanInsz);
  v1::LookupPersonResponse found;
  const absl::Status not_allowed = Call(&Stub::LookupPerson, kNotifyToken, lookup, &found);
  EXPECT_EQ(not_allowed.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(not_allowed), "SERVICE_NOT_ALLOWED");
  EXPECT_EQ(Call(&Stub::LookupPerson, "not-a-token", lookup, &found).code(),
            absl::StatusCode::kUnauthenticated);

  // A person reads their own record only; anyone else's does not exist for them.
  ASSERT_OK_AND_ASSIGN(v1::ExchangeIdTokenResponse login, Login(kAnInsz));
  const absl::Status other = Call(&Stub::GetPerson, login.access_token(), get, &person);
  EXPECT_EQ(other.code(), absl::StatusCode::kNotFound);
  v1::BatchImportPersonsRequest import;
  import.add_persons()->set_insz(kJanInsz);
  v1::BatchImportPersonsResponse imported;
  EXPECT_EQ(Call(&Stub::BatchImportPersons, login.access_token(), import, &imported).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(IdentityServiceTest, BadFieldsAreInvalidArgumentNamingTheField) {
  v1::LookupPersonRequest lookup;
  lookup.set_insz("12345678901");  // Wrong check digits.
  v1::LookupPersonResponse found;
  const absl::Status insz = Call(&Stub::LookupPerson, kOperatorToken, lookup, &found);
  EXPECT_EQ(insz.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(FieldViolationsOf(insz).empty());
  EXPECT_EQ(FieldViolationsOf(insz)[0].field, "insz");

  v1::ExchangeIdTokenRequest exchange;
  exchange.set_id_token("eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
  exchange.set_nonce(std::string(300, 'n'));
  v1::ExchangeIdTokenResponse login;
  const absl::Status nonce = Call(&Stub::ExchangeIdToken, "", exchange, &login);
  EXPECT_EQ(nonce.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(FieldViolationsOf(nonce).empty());
  EXPECT_EQ(FieldViolationsOf(nonce)[0].field, "nonce");
}

}  // namespace
}  // namespace wse::identity
