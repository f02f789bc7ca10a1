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

// The field of the status's first violation ("" when it has none).
std::string FieldOf(const absl::Status& status) {
  const auto violations = FieldViolationsOf(status);
  return violations.empty() ? "" : violations.front().field;
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
                                   {{"rights-svc", {"SendMail", "SendMails"}}}};
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

// A relay's pass in one call and one transaction: each mail answered as SendMail would answer
// it, a refused one in its place, the others queued; its own trace kept per mail.
TEST_F(NotifyServiceTest, SendMailsAnswersEachMailOnItsOwn) {
  v1::SendMailResponse first;
  ASSERT_OK(Call(&Stub::SendMail, kRightsToken, Rejection("rights/outbox/1"), &first));
  v1::SendMailRequest reused = Rejection("rights/outbox/2");
  ASSERT_OK(Call(&Stub::SendMail, kRightsToken, reused, &first));
  (*reused.mutable_parameters())["rejection_reason"] = "iets anders";

  v1::SendMailsRequest batch;
  auto add = [&batch](const v1::SendMailRequest& mail, const std::string& traceparent = "") {
    v1::SendMailsItem* item = batch.add_mails();
    *item->mutable_mail() = mail;
    item->set_traceparent(traceparent);
  };
  const std::string trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  add(Rejection("rights/outbox/3"), trace);
  add(Rejection("rights/outbox/1"));  // A replay.
  v1::SendMailRequest unknown = Rejection("rights/outbox/4");
  unknown.set_template_id("no-such-template");
  add(unknown);
  add(reused);  // The key of another mail.
  add(Rejection("rights/outbox/5"), "not a traceparent");
  const int wakes_before = wakes_;
  v1::SendMailsResponse sent;
  ASSERT_OK(Call(&Stub::SendMails, kRightsToken, batch, &sent));
  ASSERT_EQ(sent.results_size(), 5);
  ASSERT_TRUE(sent.results(0).has_queued());
  EXPECT_FALSE(sent.results(0).queued().replayed());
  ASSERT_TRUE(sent.results(1).has_queued());
  EXPECT_TRUE(sent.results(1).queued().replayed());
  ASSERT_TRUE(sent.results(2).has_error());
  EXPECT_EQ(sent.results(2).error().code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(FieldOf(FromRpcStatus(sent.results(2).error())), "template_id");
  ASSERT_TRUE(sent.results(3).has_error());
  EXPECT_EQ(ReasonOf(FromRpcStatus(sent.results(3).error())), "IDEMPOTENCY_KEY_REUSED");
  ASSERT_TRUE(sent.results(4).has_queued());
  EXPECT_EQ(wakes_, wakes_before + 1);  // Once for the call, not per mail.

  auto traced = messages_.FindByIdempotencyKey("rights/outbox/3");
  ASSERT_TRUE(traced.ok()) << traced.status();
  EXPECT_EQ(traced->traceparent.substr(0, 36), trace.substr(0, 36));  // The row's trace id.
  auto untraced = messages_.FindByIdempotencyKey("rights/outbox/5");
  ASSERT_TRUE(untraced.ok()) << untraced.status();
  EXPECT_NE(untraced->traceparent.substr(3, 32), "0af7651916cd43dd8448eb211c80319c");
}

TEST_F(NotifyServiceTest, SendMailsTakesOneToAHundredMails) {
  v1::SendMailsResponse sent;
  EXPECT_EQ(FieldOf(Call(&Stub::SendMails, kRightsToken, v1::SendMailsRequest(), &sent)), "mails");
  v1::SendMailsRequest many;
  for (int i = 0; i < 101; ++i) {
    *many.add_mails()->mutable_mail() = Rejection("rights/outbox/" + std::to_string(i));
  }
  EXPECT_EQ(FieldOf(Call(&Stub::SendMails, kRightsToken, many, &sent)), "mails");
  EXPECT_TRUE(messages_.FindByIdempotencyKey("rights/outbox/0").status().code() ==
              absl::StatusCode::kNotFound);
  many.mutable_mails()->RemoveLast();
  ASSERT_OK(Call(&Stub::SendMails, kRightsToken, many, &sent));
  EXPECT_EQ(sent.results_size(), 100);
}

// A transaction failing as a whole (a mail the database refuses) does not take the others down:
// each is queued on its own then.
TEST_F(NotifyServiceTest, SendMailsQueuesTheOthersWhenTheBatchTransactionFails) {
  messages_.fail_create_all = [](const std::vector<MessageRecord>&) {
    return absl::StatusOr<std::vector<absl::StatusOr<MessageRecord>>>(
        absl::InternalError("Data too long for column"));
  };
  v1::SendMailsRequest batch;
  for (int i = 0; i < 3; ++i) {
    *batch.add_mails()->mutable_mail() = Rejection("rights/outbox/" + std::to_string(i));
  }
  v1::SendMailsResponse sent;
  ASSERT_OK(Call(&Stub::SendMails, kRightsToken, batch, &sent));
  ASSERT_EQ(sent.results_size(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(sent.results(i).has_queued()) << i;

  messages_.fail_create_all = [](const std::vector<MessageRecord>&) {
    return absl::StatusOr<std::vector<absl::StatusOr<MessageRecord>>>(
        absl::UnavailableError("database down"));
  };
  *batch.add_mails()->mutable_mail() = Rejection("rights/outbox/9");
  EXPECT_EQ(Call(&Stub::SendMails, kRightsToken, batch, &sent).code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace wse::notify
