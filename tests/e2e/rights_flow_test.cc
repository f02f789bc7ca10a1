// The 'Gebruikersrecht aanvragen' branch of the portal flow, through the running services, the
// outbox relay, notify-svc and the real SMTP sink: request -> mail to each local administrator
// -> approve -> mail to the requester -> CheckPermission allows -> revoke -> refused at once.
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "envoy/service/auth/v3/external_auth.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/mail_sink.h"
#include "tests/support/stack_env.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::testing {
namespace {

namespace idv1 = wse::identity::v1;
namespace rv1 = wse::rights::v1;

std::string Uuid() {
  static std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x-%016x", rng(), rng());
}

class RightsFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    identity_ = idv1::IdentityService::NewStub(Channel(StackEnv::Get().identity_port));
    rights_ = rv1::RightsService::NewStub(Channel(StackEnv::Get().rights_port));
    authz_ = envoy::service::auth::v3::Authorization::NewStub(Channel(StackEnv::Get().rights_port));
    registration_ = wse::registration::v1::RegistrationService::NewStub(
        Channel(StackEnv::Get().registration_port));
  }

  // The 'Aanvraag' screen as the caller of `token` sees it.
  wse::registration::v1::ApplicationScreen Screen(const std::string& token) {
    grpc::ClientContext context;
    Bearer(&context, token);
    wse::registration::v1::GetApplicationScreenResponse response;
    grpc::Status status = registration_->GetApplicationScreen(&context, {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.screen();
  }

  struct Person {
    std::string insz, name, email, token, person_id;
  };

  Person NewPerson(const std::string& given) {
    Person p;
    p.insz = RandomInsz();
    p.email = absl::StrCat(absl::AsciiStrToLower(given), "-", p.insz, "@school.example");
    p.name = ImportPerson(*identity_, p.insz, given, "Test", p.email);
    p.person_id = p.name.substr(sizeof("persons/") - 1);
    return p;
  }

  // Logs in and selects `organization` (empty: stays personal); returns the access token.
  std::string LoginFor(const Person& p, const std::string& organization) {
    grpc::ClientContext login_context;
    idv1::ExchangeIdTokenRequest login;
    login.set_id_token(DevIdToken(p.insz, "Given", "Test"));
    idv1::ExchangeIdTokenResponse session;
    EXPECT_TRUE(identity_->ExchangeIdToken(&login_context, login, &session).ok());
    if (organization.empty()) return session.access_token();
    grpc::ClientContext select_context;
    Bearer(&select_context, session.access_token());
    idv1::SelectActingContextRequest select;
    select.set_organization(organization);
    idv1::SelectActingContextResponse selected;
    grpc::Status status = identity_->SelectActingContext(&select_context, select, &selected);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return selected.access_token();
  }

  absl::StatusOr<rv1::CheckPermissionResponse> Check(const std::string& token, const Person& p,
                                                     const std::string& org) {
    grpc::ClientContext context;
    Bearer(&context, token);
    rv1::CheckPermissionRequest request;
    request.set_person(p.name);
    request.set_organization(org);
    request.set_permission("vov.registration.write");
    rv1::CheckPermissionResponse response;
    RETURN_IF_ERROR(FromGrpcStatus(rights_->CheckPermission(&context, request, &response)));
    return response;
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

  std::unique_ptr<idv1::IdentityService::Stub> identity_;
  std::unique_ptr<rv1::RightsService::Stub> rights_;
  std::unique_ptr<envoy::service::auth::v3::Authorization::Stub> authz_;
  std::unique_ptr<wse::registration::v1::RegistrationService::Stub> registration_;
};

TEST_F(RightsFlowTest, RequestApproveMailsCheckRevoke) {
  const std::string maildir = StackEnv::Get().run_dir + "/mail";
  Person admin = NewPerson("Marie");
  Person user = NewPerson("Jan");
  const std::string org =
      ImportOrganization(*identity_, RandomKboNumber(), "Atheneum Test", {admin.insz});
  const std::string admin_token = LoginFor(admin, org);

  // The local administrator adds Jan to the organisation (werkrelatie).
  {
    grpc::ClientContext context;
    Bearer(&context, admin_token);
    rv1::CreateWorkRelationRequest request;
    request.set_parent(org);
    request.set_request_id(Uuid());
    request.mutable_work_relation()->set_person(user.name);
    request.mutable_work_relation()->set_type(rv1::WORK_RELATION_TYPE_VASTE_MEDEWERKER);
    rv1::CreateWorkRelationResponse response;
    grpc::Status status = rights_->CreateWorkRelation(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.work_relation().state(), rv1::WORK_RELATION_STATE_ACTIVE);
    EXPECT_EQ(response.work_relation().person_display_name(), "Jan Test");
    EXPECT_TRUE(absl::EndsWith(response.work_relation().masked_insz(), "***.**"));
  }
  // Jan can now log in via the school, but may not register yet.
  const std::string user_token = LoginFor(user, org);
  ASSERT_FALSE(user_token.empty());
  auto before = Check(user_token, user, org);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_FALSE(before->allowed());
  EXPECT_EQ(Authorize(user_token).status().code(), grpc::StatusCode::PERMISSION_DENIED);
  namespace reg = wse::registration::v1;
  EXPECT_EQ(Screen(LoginFor(user, "")).action(), reg::SCREEN_ACTION_SELECT_ORGANIZATION);
  const reg::ApplicationScreen before_screen = Screen(user_token);
  EXPECT_EQ(before_screen.action(), reg::SCREEN_ACTION_REQUEST_RIGHT);
  EXPECT_EQ(before_screen.button_label(), "Gebruikersrecht aanvragen");
  EXPECT_EQ(before_screen.requested_role(), "DWSE_ORGANISATIEVERANTWOORDELIJKE");
  EXPECT_TRUE(before_screen.access_request_possible());

  // 'Gebruikersrecht aanvragen': the local administrator gets a mail.
  rv1::AccessRequest request;
  {
    grpc::ClientContext context;
    Bearer(&context, user_token);
    rv1::CreateAccessRequestRequest create;
    create.set_parent(org);
    create.set_request_id(Uuid());
    create.mutable_access_request()->set_role("DWSE_ORGANISATIEVERANTWOORDELIJKE");
    create.mutable_access_request()->set_context("opleidingsverlof");
    create.mutable_access_request()->set_reason("Aanwezigheden VOV registreren");
    rv1::CreateAccessRequestResponse created;
    grpc::Status status = rights_->CreateAccessRequest(&context, create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    request = created.access_request();
    EXPECT_EQ(request.state(), rv1::ACCESS_REQUEST_STATE_PENDING);
    EXPECT_EQ(request.notified_administrator_count(), 1);
    EXPECT_EQ(request.requester_display_name(), "Jan Test");  // From the directory.
  }
  auto admin_mails = WaitForMailsTo(maildir, admin.email, 1, absl::Seconds(30));
  ASSERT_EQ(admin_mails.size(), 1u) << "no mail reached the local administrator";
  EXPECT_TRUE(absl::StrContains(admin_mails[0].content, "Subject:"));

  // The administrator approves; Jan gets a mail and the right works on the next call.
  {
    grpc::ClientContext context;
    Bearer(&context, admin_token);
    rv1::ApproveAccessRequestRequest approve;
    approve.set_name(request.name());
    approve.set_etag(request.etag());
    rv1::ApproveAccessRequestResponse approved;
    grpc::Status status = rights_->ApproveAccessRequest(&context, approve, &approved);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(approved.grant().state(), rv1::GRANT_STATE_ACTIVE);
    EXPECT_EQ(approved.grant().person_display_name(), "Jan Test");

    auto user_mails = WaitForMailsTo(maildir, user.email, 1, absl::Seconds(30));
    ASSERT_EQ(user_mails.size(), 1u) << "no mail reached the requester";
    const reg::ApplicationScreen granted_screen = Screen(user_token);
    EXPECT_EQ(granted_screen.action(), reg::SCREEN_ACTION_REGISTER);
    EXPECT_EQ(granted_screen.button_label(), "aanvragen");
    auto after = Check(user_token, user, org);
    ASSERT_TRUE(after.ok());
    EXPECT_TRUE(after->allowed());
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
    grpc::ClientContext revoke_context;
    Bearer(&revoke_context, admin_token);
    rv1::RevokeGrantRequest revoke;
    revoke.set_name(approved.grant().name());
    revoke.set_etag(approved.grant().etag());
    revoke.set_reason("Niet langer nodig");
    rv1::RevokeGrantResponse revoked;
    ASSERT_TRUE(rights_->RevokeGrant(&revoke_context, revoke, &revoked).ok());
    auto gone = Check(user_token, user, org);
    ASSERT_TRUE(gone.ok());
    EXPECT_FALSE(gone->allowed());
    EXPECT_EQ(Authorize(user_token).status().code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  // Exactly one mail each: nothing doubled by retries of the relay.
  EXPECT_EQ(MailsTo(maildir, admin.email).size(), 1u);
  EXPECT_EQ(MailsTo(maildir, user.email).size(), 1u);
}

TEST_F(RightsFlowTest, CrossOrganisationAttemptsAreRefusedAndAudited) {
  Person admin_a = NewPerson("Anna");
  Person admin_b = NewPerson("Bert");
  const std::string org_a =
      ImportOrganization(*identity_, RandomKboNumber(), "A NV", {admin_a.insz});
  const std::string org_b =
      ImportOrganization(*identity_, RandomKboNumber(), "B NV", {admin_b.insz});
  const std::string token_a = LoginFor(admin_a, org_a);
  const std::string token_b = LoginFor(admin_b, org_b);
  grpc::ClientContext context;
  Bearer(&context, token_a);
  rv1::ListGrantsRequest list;
  list.set_parent(org_b);
  rv1::ListGrantsResponse grants;
  absl::Status refused = FromGrpcStatus(rights_->ListGrants(&context, list, &grants));
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused), "ORGANIZATION_MISMATCH");

  // Recorded on the caller's side (issue 15): in A's trail, naming B; nothing written into B's.
  auto denials_by_anna = [&](const std::string& token, const std::string& org) {
    grpc::ClientContext audit_context;
    Bearer(&audit_context, token);
    rv1::ListAuditEventsRequest audit;
    audit.set_parent(org);
    rv1::ListAuditEventsResponse events;
    EXPECT_TRUE(rights_->ListAuditEvents(&audit_context, audit, &events).ok());
    int denied = 0;
    for (const auto& e : events.audit_events()) {
      denied += e.action() == "ACCESS_DENIED" && e.actor() == admin_a.name &&
                e.target() == org_b;
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
  ASSERT_TRUE(rights_->VerifyAuditChain(&verify_context, verify, &chain).ok());
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
