// The 'Gebruikersrecht aanvragen' branch of the portal flow, through the running services, the
// outbox relay, notify-svc and the real SMTP sink: request -> mail to each local administrator
// -> approve -> mail to the requester -> CheckPermission allows -> revoke -> refused at once.
#include "absl/strings/match.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "envoy/service/auth/v3/external_auth.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/mail_sink.h"
#include "tests/support/notify_sink.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

namespace rv1 = wse::rights::v1;
namespace reg = wse::registration::v1;
namespace idv1 = wse::identity::v1;

class RightsFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    authz_ = envoy::service::auth::v3::Authorization::NewStub(Channel(StackEnv::Get().rights_port));
  }

  // What Envoy sends for a registration call with this token.
  envoy::service::auth::v3::CheckResponse Authorize(const std::string& token) {
    grpc::ClientContext context;
    envoy::service::auth::v3::CheckRequest request;
    auto* http = request.mutable_attributes()->mutable_request()->mutable_http();
    http->set_path("/wse.registration.v1.RegistrationService/ConfirmDraft");
    http->set_method("POST");
    (*http->mutable_headers())["authorization"] = "Bearer " + token;
    (*http->mutable_headers())["x-wse-person"] = "persons/forged";
    envoy::service::auth::v3::CheckResponse response;
    EXPECT_TRUE(authz_->Check(&context, request, &response).ok());
    return response;
  }

  flow::Flow flow_{StackEnv::Get()};
  std::unique_ptr<envoy::service::auth::v3::Authorization::Stub> authz_;
};

TEST_F(RightsFlowTest, RequestApproveMailsCheckRevoke) {
  const std::string maildir = StackEnv::Get().mail_dir;
  ASSERT_OK_AND_ASSIGN(flow::Person admin, flow_.ImportPerson("Marie"));
  ASSERT_OK_AND_ASSIGN(flow::Person user, flow_.ImportPerson("Jan"));
  ASSERT_OK_AND_ASSIGN(const std::string org,
                       flow_.ImportOrganization("Atheneum Test", {admin.insz}));
  ASSERT_OK_AND_ASSIGN(const std::string admin_token, flow_.LoginFor(admin, org));

  // The local administrator adds Jan to the organisation (werkrelatie).
  ASSERT_OK_AND_ASSIGN(rv1::WorkRelation relation, flow_.AddWorkRelation(admin_token, org, user));
  EXPECT_EQ(relation.state(), rv1::WORK_RELATION_STATE_ACTIVE);
  EXPECT_EQ(relation.person_display_name(), "Jan Test");
  EXPECT_TRUE(absl::EndsWith(relation.masked_insz(), "***.**"));

  // Jan can now log in via the school, but may not register yet.
  ASSERT_OK_AND_ASSIGN(const std::string user_token, flow_.LoginFor(user, org));
  ASSERT_OK_AND_ASSIGN(bool allowed, flow_.CheckPermission(user_token, user.name, org));
  EXPECT_FALSE(allowed);
  EXPECT_EQ(Authorize(user_token).status().code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_OK_AND_ASSIGN(auto personal, flow_.Login(user));
  ASSERT_OK_AND_ASSIGN(reg::ApplicationScreen personal_screen,
                       flow_.Screen(personal.access_token()));
  EXPECT_EQ(personal_screen.action(), reg::SCREEN_ACTION_SELECT_ORGANIZATION);
  ASSERT_OK_AND_ASSIGN(reg::ApplicationScreen before_screen, flow_.Screen(user_token));
  EXPECT_EQ(before_screen.action(), reg::SCREEN_ACTION_REQUEST_RIGHT);
  EXPECT_EQ(before_screen.button_label(), "Gebruikersrecht aanvragen");
  EXPECT_EQ(before_screen.requested_role(), "DWSE_ORGANISATIEVERANTWOORDELIJKE");
  EXPECT_TRUE(before_screen.access_request_possible());

  // 'Gebruikersrecht aanvragen': the local administrator gets a mail.
  ASSERT_OK_AND_ASSIGN(rv1::AccessRequest request, flow_.RequestRight(user_token, org));
  EXPECT_EQ(request.state(), rv1::ACCESS_REQUEST_STATE_PENDING);
  EXPECT_EQ(request.notified_administrator_count(), 1);
  EXPECT_EQ(request.requester_display_name(), "Jan Test");  // From the directory.
  auto admin_mails = WaitForMailsTo(maildir, admin.email, 1, absl::Seconds(30));
  ASSERT_EQ(admin_mails.size(), 1u) << "no mail reached the local administrator";
  EXPECT_TRUE(absl::StrContains(admin_mails[0].content, "Subject:"));

  // The administrator approves; Jan gets a mail and the right works on the next call.
  ASSERT_OK_AND_ASSIGN(rv1::ApproveAccessRequestResponse approved,
                       flow_.Approve(admin_token, request));
  EXPECT_EQ(approved.grant().state(), rv1::GRANT_STATE_ACTIVE);
  EXPECT_EQ(approved.grant().person_display_name(), "Jan Test");
  auto user_mails = WaitForMailsTo(maildir, user.email, 1, absl::Seconds(30));
  ASSERT_EQ(user_mails.size(), 1u) << "no mail reached the requester";
  // The mail says the next step in the seed's words.
  const DecodedMail granted_mail = DecodeStoredMail(user_mails[0].path);
  EXPECT_TRUE(absl::StrContains(granted_mail.text_body,
                                "op de knop 'Registreren' onder de titel 'Opleidingsdatabank "
                                "Vlaamse opleidingsincentives'"))
      << granted_mail.text_body;
  ASSERT_OK_AND_ASSIGN(reg::ApplicationScreen granted_screen, flow_.Screen(user_token));
  EXPECT_EQ(granted_screen.action(), reg::SCREEN_ACTION_REGISTER);
  EXPECT_EQ(granted_screen.button_label(), "aanvragen");
  ASSERT_EQ(granted_screen.entries_size(), 2);
  EXPECT_EQ(granted_screen.entries(1).button_label(), "Registreren");
  ASSERT_OK_AND_ASSIGN(allowed, flow_.CheckPermission(user_token, user.name, org));
  EXPECT_TRUE(allowed);
  auto authorized = Authorize(user_token);
  EXPECT_EQ(authorized.status().code(), 0);
  bool person_header = false;
  for (const auto& h : authorized.ok_response().headers()) {
    if (h.header().key() == "x-wse-person") {
      person_header = true;
      EXPECT_EQ(h.header().value(), user.name);  // Ours, not the forged one.
    }
  }
  EXPECT_TRUE(person_header);

  // Revoked: refused on the very next check.
  ASSERT_OK(flow_.Revoke(admin_token, approved.grant()));
  ASSERT_OK_AND_ASSIGN(allowed, flow_.CheckPermission(user_token, user.name, org));
  EXPECT_FALSE(allowed);
  EXPECT_EQ(Authorize(user_token).status().code(), grpc::StatusCode::PERMISSION_DENIED);

  // Exactly one mail each: nothing doubled by retries of the relay.
  EXPECT_EQ(MailsTo(maildir, admin.email).size(), 1u);
  EXPECT_EQ(MailsTo(maildir, user.email).size(), 1u);
}

// The six digits of a verification mail's text.
std::string CodeIn(const DecodedMail& mail) {
  const size_t at = mail.text_body.find_first_of("0123456789");
  return at == std::string::npos ? std::string() : mail.text_body.substr(at, 6);
}

absl::StatusOr<idv1::StartEmailVerificationResponse> StartVerification(flow::Flow& flow,
                                                                       const std::string& token,
                                                                       const std::string& address) {
  grpc::ClientContext context;
  Bearer(&context, token);
  idv1::StartEmailVerificationRequest request;
  request.set_email_address(address);
  idv1::StartEmailVerificationResponse response;
  RETURN_IF_ERROR(
      FromGrpcStatus(flow.identity().StartEmailVerification(&context, request, &response)));
  return response;
}

absl::Status Verify(flow::Flow& flow, const std::string& token, const std::string& code) {
  grpc::ClientContext context;
  Bearer(&context, token);
  idv1::ConfirmEmailAddressRequest request;
  request.set_code(code);
  idv1::ConfirmEmailAddressResponse response;
  return FromGrpcStatus(flow.identity().ConfirmEmailAddress(&context, request, &response));
}

absl::StatusOr<std::string> OwnAddress(flow::Flow& flow, const std::string& token) {
  grpc::ClientContext context;
  Bearer(&context, token);
  idv1::GetCurrentUserResponse response;
  RETURN_IF_ERROR(FromGrpcStatus(
      flow.identity().GetCurrentUser(&context, idv1::GetCurrentUserRequest(), &response)));
  return response.email_address();
}

// Issue 19: the seed promises a mail when the right is granted, so a requester nobody can mail
// is asked for their address first, confirmed with a code mailed to it; the approval then
// reaches them there.
TEST_F(RightsFlowTest, ARequesterWithoutAddressConfirmsOneThenRequests) {
  const std::string maildir = StackEnv::Get().mail_dir;
  ASSERT_OK_AND_ASSIGN(flow::Person admin, flow_.ImportPerson("Marie"));
  ASSERT_OK_AND_ASSIGN(flow::Person user, flow_.ImportPersonWithoutAddress("Jan"));
  ASSERT_OK_AND_ASSIGN(const std::string org,
                       flow_.ImportOrganization("Atheneum Mail", {admin.insz}));
  ASSERT_OK_AND_ASSIGN(const std::string admin_token, flow_.LoginFor(admin, org));
  ASSERT_OK(flow_.AddWorkRelation(admin_token, org, user).status());
  ASSERT_OK_AND_ASSIGN(const std::string user_token, flow_.LoginFor(user, org));

  // The screen asks for the address, and the request agrees with it.
  ASSERT_OK_AND_ASSIGN(reg::ApplicationScreen screen, flow_.Screen(user_token));
  EXPECT_EQ(screen.action(), reg::SCREEN_ACTION_REQUEST_RIGHT);
  EXPECT_TRUE(screen.email_address_required());
  EXPECT_FALSE(screen.access_request_possible());
  absl::Status refused = flow_.RequestRight(user_token, org).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(refused), "REQUESTER_EMAIL_UNKNOWN");
  EXPECT_TRUE(MailsTo(maildir, admin.email).empty()) << "nobody is mailed about a refusal";

  // Jan gives his address; the code arrives there; a wrong code counts, the right one confirms.
  const std::string address = "jan-" + user.insz + "@thuis.example";
  ASSERT_OK_AND_ASSIGN(auto started, StartVerification(flow_, user_token, " " + address + " "));
  EXPECT_EQ(started.email_address(), address);
  EXPECT_EQ(StartVerification(flow_, user_token, "geen adres").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto code_mails = WaitForMailsTo(maildir, address, 1, absl::Seconds(30));
  ASSERT_EQ(code_mails.size(), 1u) << "the code never reached the address";
  const std::string code = CodeIn(DecodeStoredMail(code_mails[0].path));
  ASSERT_EQ(code.size(), 6u);
  const std::string wrong = code == "000000" ? "000001" : "000000";
  absl::Status mismatch = Verify(flow_, user_token, wrong);
  EXPECT_EQ(mismatch.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(mismatch), "VERIFICATION_CODE_MISMATCH");
  ASSERT_OK_AND_ASSIGN(std::string own, OwnAddress(flow_, user_token));
  EXPECT_TRUE(own.empty()) << "not his address before the code";
  ASSERT_OK(Verify(flow_, user_token, code));
  ASSERT_OK_AND_ASSIGN(own, OwnAddress(flow_, user_token));
  EXPECT_EQ(own, address);

  // Now the request goes, and the approval reaches Jan at the address he confirmed.
  ASSERT_OK_AND_ASSIGN(screen, flow_.Screen(user_token));
  EXPECT_FALSE(screen.email_address_required());
  EXPECT_TRUE(screen.access_request_possible());
  ASSERT_OK_AND_ASSIGN(rv1::AccessRequest request, flow_.RequestRight(user_token, org));
  EXPECT_EQ(WaitForMailsTo(maildir, admin.email, 1, absl::Seconds(30)).size(), 1u);
  ASSERT_OK(flow_.Approve(admin_token, request).status());
  EXPECT_EQ(WaitForMailsTo(maildir, address, 2, absl::Seconds(30)).size(), 2u)
      << "the code and the approval";
}

// The identity provider's `email` claim is an address too: no code needed.
TEST_F(RightsFlowTest, TheProvidersAddressIsEnoughToRequest) {
  ASSERT_OK_AND_ASSIGN(flow::Person admin, flow_.ImportPerson("Marie"));
  ASSERT_OK_AND_ASSIGN(flow::Person user, flow_.ImportPersonWithoutAddress("Els"));
  user.idp_email = "els-" + user.insz + "@idp.example";
  ASSERT_OK_AND_ASSIGN(const std::string org,
                       flow_.ImportOrganization("Atheneum IdP", {admin.insz}));
  ASSERT_OK_AND_ASSIGN(const std::string admin_token, flow_.LoginFor(admin, org));
  ASSERT_OK(flow_.AddWorkRelation(admin_token, org, user).status());
  ASSERT_OK_AND_ASSIGN(const std::string user_token, flow_.LoginFor(user, org));
  ASSERT_OK_AND_ASSIGN(std::string own, OwnAddress(flow_, user_token));
  EXPECT_EQ(own, user.idp_email);
  ASSERT_OK_AND_ASSIGN(reg::ApplicationScreen screen, flow_.Screen(user_token));
  EXPECT_TRUE(screen.access_request_possible());
  EXPECT_OK(flow_.RequestRight(user_token, org).status());
}

// Issue 19: the only local administrator is not offered a request that would mail nobody; the
// screen sends them to gebruikersbeheer, where the direct grant mails them and the screen
// then registers.
TEST_F(RightsFlowTest, TheOnlyAdministratorGrantsTheirOwnRight) {
  const std::string maildir = StackEnv::Get().mail_dir;
  ASSERT_OK_AND_ASSIGN(flow::Person admin, flow_.ImportPerson("Sara"));
  ASSERT_OK_AND_ASSIGN(const std::string org,
                       flow_.ImportOrganization("Eenmanszaak", {admin.insz}));
  ASSERT_OK_AND_ASSIGN(const std::string admin_token, flow_.LoginFor(admin, org));
  ASSERT_OK_AND_ASSIGN(reg::ApplicationScreen screen, flow_.Screen(admin_token));
  EXPECT_EQ(screen.action(), reg::SCREEN_ACTION_GRANT_OWN_RIGHT);
  EXPECT_EQ(screen.button_label(), "Gebruikersbeheer");
  EXPECT_FALSE(screen.access_request_possible());
  EXPECT_FALSE(screen.gebruikersbeheer_help_url().empty());
  absl::Status refused = flow_.RequestRight(admin_token, org).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(refused), "REQUESTER_IS_ONLY_LOCAL_ADMINISTRATOR");

  ASSERT_OK(flow_.Grant(admin_token, org, admin).status());
  auto mails = WaitForMailsTo(maildir, admin.email, 1, absl::Seconds(30));
  ASSERT_EQ(mails.size(), 1u) << "a direct grant mails its holder";
  EXPECT_TRUE(absl::StrContains(DecodeStoredMail(mails[0].path).text_body, "'Registreren'"));
  ASSERT_OK_AND_ASSIGN(screen, flow_.Screen(admin_token));
  EXPECT_EQ(screen.action(), reg::SCREEN_ACTION_REGISTER);
}

// Issue 19: every digital key the seed's users log in with, end to end: the session and the
// token name the key, the person acts for their organisation and sees the 'Aanvraag' screen; a
// key below the required assurance is refused.
TEST_F(RightsFlowTest, EveryDigitalKeyLogsInAndActs) {
  struct Key {
    std::string amr, acr;
    idv1::KeyType type;
  };
  const std::vector<Key> keys = {
      {"eid", "urn:wse:dev:loa:high", idv1::KEY_TYPE_EID},
      {"itsme", "urn:wse:dev:loa:high", idv1::KEY_TYPE_ITSME},
      {"app", "urn:wse:dev:loa:substantial", idv1::KEY_TYPE_APP_CODE},
      {"sms", "urn:wse:dev:loa:substantial", idv1::KEY_TYPE_SMS_CODE},
      {"token", "urn:wse:dev:loa:substantial", idv1::KEY_TYPE_TOKEN},
  };
  ASSERT_OK_AND_ASSIGN(flow::Person admin, flow_.ImportPerson("Greet"));
  ASSERT_OK_AND_ASSIGN(const std::string org,
                       flow_.ImportOrganization("Sleutelschool", {admin.insz}));
  ASSERT_OK_AND_ASSIGN(const std::string admin_token, flow_.LoginFor(admin, org));
  for (const Key& key : keys) {
    SCOPED_TRACE(key.amr);
    ASSERT_OK_AND_ASSIGN(flow::Person user, flow_.ImportPerson("Key" + key.amr));
    user.amr = key.amr;
    user.acr = key.acr;
    ASSERT_OK(flow_.AddWorkRelation(admin_token, org, user).status());
    ASSERT_OK_AND_ASSIGN(auto session, flow_.Login(user));
    EXPECT_EQ(session.session().key_type(), key.type);
    ASSERT_OK_AND_ASSIGN(const std::string token, flow_.Select(session.access_token(), org));
    grpc::ClientContext context;
    Bearer(&context, token);
    idv1::GetCurrentUserResponse current;
    ASSERT_TRUE(
        flow_.identity().GetCurrentUser(&context, idv1::GetCurrentUserRequest(), &current).ok());
    EXPECT_EQ(current.key_type(), key.type);
    EXPECT_EQ(current.organization(), org);
    ASSERT_OK_AND_ASSIGN(reg::ApplicationScreen screen, flow_.Screen(token));
    EXPECT_EQ(screen.action(), reg::SCREEN_ACTION_REQUEST_RIGHT);
    EXPECT_TRUE(screen.access_request_possible());
  }
  // An app code at low assurance does not reach the required level (SUBSTANTIAL).
  ASSERT_OK_AND_ASSIGN(flow::Person weak, flow_.ImportPerson("Zwak"));
  weak.amr = "app";
  weak.acr = "urn:wse:dev:loa:low";
  absl::Status refused = flow_.Login(weak).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(refused), "ASSURANCE_TOO_LOW");
}

TEST_F(RightsFlowTest, CrossOrganisationAttemptsAreRefusedAndAudited) {
  ASSERT_OK_AND_ASSIGN(flow::Person admin_a, flow_.ImportPerson("Anna"));
  ASSERT_OK_AND_ASSIGN(flow::Person admin_b, flow_.ImportPerson("Bert"));
  ASSERT_OK_AND_ASSIGN(const std::string org_a, flow_.ImportOrganization("A NV", {admin_a.insz}));
  ASSERT_OK_AND_ASSIGN(const std::string org_b, flow_.ImportOrganization("B NV", {admin_b.insz}));
  ASSERT_OK_AND_ASSIGN(const std::string token_a, flow_.LoginFor(admin_a, org_a));
  ASSERT_OK_AND_ASSIGN(const std::string token_b, flow_.LoginFor(admin_b, org_b));
  grpc::ClientContext context;
  Bearer(&context, token_a);
  rv1::ListGrantsRequest list;
  list.set_parent(org_b);
  rv1::ListGrantsResponse grants;
  absl::Status refused = FromGrpcStatus(flow_.rights().ListGrants(&context, list, &grants));
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused), "ORGANIZATION_MISMATCH");

  // Recorded on the caller's side (issue 15): in A's trail, naming B; nothing written into B's.
  auto denials_by_anna = [&](const std::string& token, const std::string& org) {
    grpc::ClientContext audit_context;
    Bearer(&audit_context, token);
    rv1::ListAuditEventsRequest audit;
    audit.set_parent(org);
    rv1::ListAuditEventsResponse events;
    EXPECT_TRUE(flow_.rights().ListAuditEvents(&audit_context, audit, &events).ok());
    int denied = 0;
    for (const auto& e : events.audit_events()) {
      denied += e.action() == "ACCESS_DENIED" && e.actor() == admin_a.name && e.target() == org_b;
    }
    return denied;
  };
  EXPECT_EQ(denials_by_anna(token_a, org_a), 1);
  EXPECT_EQ(denials_by_anna(token_b, org_b), 0) << "an outsider wrote into B's audit trail";

  grpc::ClientContext verify_context;
  Bearer(&verify_context, token_a);
  rv1::VerifyAuditChainRequest verify;
  verify.set_parent(org_a);
  rv1::VerifyAuditChainResponse chain;
  ASSERT_TRUE(flow_.rights().VerifyAuditChain(&verify_context, verify, &chain).ok());
  EXPECT_TRUE(chain.ok());
  EXPECT_GE(chain.verified_count(), 1);
}

TEST_F(RightsFlowTest, ExtAuthzRefusesMissingOrBadTokensAndUnknownRoutes) {
  grpc::ClientContext context;
  envoy::service::auth::v3::CheckRequest request;
  auto* http = request.mutable_attributes()->mutable_request()->mutable_http();
  http->set_path("/wse.registration.v1.RegistrationService/ConfirmDraft");
  envoy::service::auth::v3::CheckResponse response;
  ASSERT_TRUE(authz_->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status().code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(response.denied_response().status().code(), envoy::type::v3::Unauthorized);

  grpc::ClientContext open_context;
  http->set_path("/wse.identity.v1.IdentityService/ExchangeIdToken");
  ASSERT_TRUE(authz_->Check(&open_context, request, &response).ok());
  EXPECT_EQ(response.status().code(), 0);

  grpc::ClientContext unknown_context;
  http->set_path("/wse.secret.v1.Admin/DropEverything");
  ASSERT_TRUE(authz_->Check(&unknown_context, request, &response).ok());
  EXPECT_EQ(response.status().code(), grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace wse::testing
