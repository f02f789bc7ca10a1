// notify-svc's gRPC adapter in-process: the real NotifyServiceImpl on the host the process uses,
// the real MailQueue and template catalogue behind it on the in-memory message repository. What
// only the adapter does: who may call (operators everything, the outbox relays of rights-svc
// and registration-svc SendMail only, persons nothing), idempotent SendMail over the wire, field
// violations, and that SendMail wakes the delivery workers without waiting for SMTP.
#include "notify-svc/adapters/notify_service.h"

#include <memory>

#include "common/grpc_status.h"
#include "common/service_identity.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "tests/flow/flow_gtest.h"
#include "tests/support/in_process.h"
#include "tests/support/notify_fakes.h"

namespace wse::notify {
namespace {

constexpr char kOperatorToken[] = "operator-token-for-this-test";
constexpr char kRightsToken[] = "rights-svc-token-for-this-test";

std::shared_ptr<const ServiceIdentities> RightsIdentity() {
  return std::make_shared<const ServiceIdentities>(
      ServiceIdentities::Parse("rights-svc " + ServiceTokenHash(kRightsToken)).value());
}

v1::SendMailRequest Rejection(const std::string& key) {
  v1::SendMailRequest r;
  r.set_idempotency_key(key);
  r.set_template_id("access-request-rejected");
  r.set_locale("nl");
  r.add_recipients()->set_email_address("an@school.example");
  auto& p = *r.mutable_parameters();
  p["requester_name"] = "An";
  p["organization_name"] = "Atheneum Demo";
  p["role_label"] = "DWSE organisatieverantwoordelijke";
  p["context"] = "opleidingsverlof";
  p["rejection_reason"] = "onvoldoende motivering";
  return r;
}

class NotifyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.status().ok()) << server_.status();
    stub_ = v1::NotifyService::NewStub(server_.channel());
  }

  using Stub = v1::NotifyService::Stub;

  template <typename Method, typename Request, typename Response>
  absl::Status Call(Method method, const std::string& token, const Request& request,
                    Response* response) {
    return wse::testing::CallWithToken(*stub_, method, token, request, response);
  }

  std::unique_ptr<TemplateCatalog> templates_ =
      TemplateCatalog::Load(WSE_NOTIFY_TEMPLATES_DIR).value();
  testing::FakeMessageRepository messages_;
  int wakes_ = 0;  // Only touched by SendMail handlers, one call at a time here.
  MailQueue queue_{messages_, *templates_, [this] { ++wakes_; }};
  wse::testing::TestAccessTokens tokens_;
  OperatorAuthenticator operators_{ServiceTokenHash(kOperatorToken),
                                   [this](const RequestContext& c) {
                                     return tokens_.verifier().Verify(c.bearer_token).status();
                                   },
                                   RightsIdentity(),
                                   {{"rights-svc", {"SendMail"}}}};
  NotifyServiceImpl service_{{queue_, *templates_, operators_}};
  wse::testing::InProcessServer server_{{{&service_, "wse.notify.v1.NotifyService"}}};
  std::unique_ptr<Stub> stub_;
};

TEST_F(NotifyServiceTest, AServiceSendsMailOnceAndReadsNothing) {
  v1::SendMailResponse sent;
  ASSERT_OK(Call(&Stub::SendMail, kRightsToken, Rejection("rights/outbox/1"), &sent));
  EXPECT_FALSE(sent.replayed());
  EXPECT_EQ(sent.message().state(), v1::MESSAGE_STATE_QUEUED);
  EXPECT_EQ(wakes_, 1);
  // The relay retries after a lost answer: the same message, replayed, nothing queued twice.
  v1::SendMailResponse again;
  ASSERT_OK(Call(&Stub::SendMail, kRightsToken, Rejection("rights/outbox/1"), &again));
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.message().name(), sent.message().name());
  EXPECT_EQ(wakes_, 1);
  // The same key with other content is a bug at the caller, not a new mail.
  v1::SendMailRequest other = Rejection("rights/outbox/1");
  (*other.mutable_parameters())["rejection_reason"] = "iets anders";
  const absl::Status reused = Call(&Stub::SendMail, kRightsToken, other, &again);
  EXPECT_EQ(reused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(reused), "IDEMPOTENCY_KEY_REUSED");

  // Reading messages is for operators only.
  v1::GetMessageRequest get;
  get.set_name(sent.message().name());
  v1::GetMessageResponse got;
  const absl::Status by_service = Call(&Stub::GetMessage, kRightsToken, get, &got);
  EXPECT_EQ(by_service.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(by_service), "SERVICE_NOT_ALLOWED");
  ASSERT_OK(Call(&Stub::GetMessage, kOperatorToken, get, &got));
  EXPECT_EQ(got.message().idempotency_key(), "rights/outbox/1");
}

TEST_F(NotifyServiceTest, PersonsNeverCallNotify) {
  v1::SendMailResponse sent;
  const absl::Status person =
      Call(&Stub::SendMail, tokens_.For("jan", "school"), Rejection("x/1"), &sent);
  EXPECT_EQ(person.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(person), "OPERATOR_ONLY");
  EXPECT_EQ(Call(&Stub::SendMail, tokens_.Forged("jan", "school"), Rejection("x/1"), &sent).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Call(&Stub::SendMail, "", Rejection("x/1"), &sent).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wakes_, 0);
}

TEST_F(NotifyServiceTest, BadFieldsAreInvalidArgumentNamingTheField) {
  v1::SendMailRequest bad = Rejection("rights/outbox/2");
  bad.mutable_recipients(0)->set_email_address("a@b.example\r\nBcc: all@example.com");
  bad.set_template_id("../../../etc/passwd");
  v1::SendMailResponse sent;
  const absl::Status refused = Call(&Stub::SendMail, kOperatorToken, bad, &sent);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(refused)) fields.push_back(v.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "template_id"), fields.end());

  v1::PreviewTemplateRequest preview;
  preview.set_template_id("access-request-rejected");
  preview.set_locale("nl");
  v1::PreviewTemplateResponse rendered;
  ASSERT_OK(Call(&Stub::PreviewTemplate, kOperatorToken, preview, &rendered));
  EXPECT_FALSE(rendered.subject().empty());
  EXPECT_FALSE(rendered.missing_parameters().empty());  // None were given.
}

}  // namespace
}  // namespace wse::notify
