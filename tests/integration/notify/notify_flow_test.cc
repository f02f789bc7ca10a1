// notify-svc of the running test stack through a real gRPC channel, delivering to the stack's
// SMTP sink: the mail arrives as a file with the right subject, body, language and recipients;
// one idempotency key gives one mail; validation and access; the outbox deliverer.
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "notify-svc/client/grpc_notify_client.h"
#include "notify-svc/client/mail_outbox_deliverer.h"
#include "tests/flow/identifiers.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/notify_sink.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"
#include "wse/notify/v1/notify_service.grpc.pb.h"

namespace wse::testing {
namespace {

namespace v1 = wse::notify::v1;
using ::testing::UnorderedElementsAre;

std::string Unique(const std::string& prefix) {
  static std::mt19937_64 random{std::random_device{}()};
  return absl::StrCat(prefix, random() % 1000000000000);
}

v1::SendMailRequest Rejected(const std::string& key, const std::string& email,
                             const std::string& locale) {
  v1::SendMailRequest r;
  r.set_idempotency_key(key);
  r.set_template_id("access-request-rejected");
  r.set_locale(locale);
  auto* to = r.add_recipients();
  to->set_email_address(email);
  to->set_display_name("Zoë Janssens");
  auto& p = *r.mutable_parameters();
  p["requester_name"] = "Zoë Janssens";
  p["organization_name"] = "Scholen & Co <vzw>";
  p["role_label"] = "DWSE organisatieverantwoordelijke";
  p["context"] = "opleidingsverlof";
  p["rejection_reason"] = "Geen band met de organisatie";
  r.set_source_event("rights/organizations/o1/accessRequests/" + key);
  return r;
}

class NotifyFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stub_ = v1::NotifyService::NewStub(Channel(StackEnv::Get().notify_port));
  }

  absl::Status Send(const v1::SendMailRequest& request, v1::SendMailResponse* out,
                    bool as_operator = true) {
    grpc::ClientContext context;
    if (as_operator) Bearer(&context, OperatorToken());
    return FromGrpcStatus(stub_->SendMail(&context, request, out));
  }
  v1::Message Get(const std::string& name) {
    grpc::ClientContext context;
    Bearer(&context, OperatorToken());
    v1::GetMessageRequest request;
    request.set_name(name);
    v1::GetMessageResponse response;
    EXPECT_TRUE(stub_->GetMessage(&context, request, &response).ok());
    return response.message();
  }
  // The sink's mails to `email`, once `count` arrived (or after `timeout`).
  std::vector<DecodedMail> MailsTo(const std::string& email, size_t count = 1,
                                   absl::Duration timeout = absl::Seconds(10)) {
    std::vector<DecodedMail> found;
    WaitFor(
        [&] {
          found.clear();
          for (const std::string& f : StoredMailFiles(StackEnv::Get().run_dir + "/mail")) {
            DecodedMail mail = DecodeStoredMail(f);
            if (absl::StrContains(mail.rcpt_to, email)) found.push_back(std::move(mail));
          }
          return found.size() >= count;
        },
        timeout);
    return found;
  }

  std::unique_ptr<v1::NotifyService::Stub> stub_;
};

TEST_F(NotifyFlowTest, MailArrivesWithSubjectBodyLanguageAndRecipients) {
  const std::string email = Unique("zoe.") + "@example.be";
  v1::SendMailResponse response;
  ASSERT_TRUE(Send(Rejected(Unique("flow/"), email, "fr"), &response).ok());
  EXPECT_FALSE(response.replayed());
  EXPECT_EQ(response.message().state(), v1::MESSAGE_STATE_QUEUED);
  EXPECT_EQ(response.message().subject(), "Votre demande de droit d'utilisateur a été refusée");
  auto mails = MailsTo(email);
  ASSERT_EQ(mails.size(), 1u);
  const DecodedMail& mail = mails[0];
  EXPECT_EQ(mail.subject, "Votre demande de droit d'utilisateur a été refusée");
  EXPECT_TRUE(absl::StrContains(mail.headers.at("To"), "<" + email + ">"));
  EXPECT_TRUE(absl::StrContains(mail.headers.at("From"), "no-reply@wse-loket.vlaanderen.be"));
  EXPECT_TRUE(absl::StartsWith(mail.headers.at("Message-ID"), "<wse-notify."));
  EXPECT_EQ(mail.headers.at("MIME-Version"), "1.0");
  EXPECT_TRUE(absl::StrContains(mail.text_body, "Bonjour Zoë Janssens,"));
  EXPECT_TRUE(absl::StrContains(mail.text_body, "Geen band met de organisatie"));
  EXPECT_TRUE(absl::StrContains(mail.text_body, "Scholen & Co <vzw>"));
  EXPECT_TRUE(absl::StrContains(mail.html_body, "Scholen &amp; Co &lt;vzw&gt;"));
  EXPECT_TRUE(absl::StrContains(mail.html_body, "<html lang=\"fr\">"));
  // Its status and history.
  ASSERT_TRUE(
      WaitFor([&] { return Get(response.message().name()).state() == v1::MESSAGE_STATE_SENT; },
              absl::Seconds(5)));
  const v1::Message stored = Get(response.message().name());
  EXPECT_EQ(stored.attempt_count(), 1);
  ASSERT_EQ(stored.history_size(), 1);
  EXPECT_EQ(stored.history(0).outcome(), v1::DELIVERY_OUTCOME_SENT);
  EXPECT_EQ(stored.history(0).smtp_code(), 250);
  EXPECT_EQ(stored.recipients(0).resolved_email_address(), email);
}

TEST_F(NotifyFlowTest, SameIdempotencyKeyTwiceYieldsOneMail) {
  const std::string email = Unique("twice.") + "@example.be";
  const std::string key = Unique("rights/outbox/");
  v1::SendMailResponse first, second, third;
  ASSERT_TRUE(Send(Rejected(key, email, "nl"), &first).ok());
  ASSERT_TRUE(Send(Rejected(key, email, "nl"), &second).ok());
  EXPECT_TRUE(second.replayed());
  EXPECT_EQ(second.message().name(), first.message().name());
  // The same key with other content is a caller bug, not a new mail.
  v1::SendMailRequest other = Rejected(key, email, "nl");
  (*other.mutable_parameters())["rejection_reason"] = "iets anders";
  absl::Status conflict = Send(other, &third);
  EXPECT_EQ(conflict.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(conflict), "IDEMPOTENCY_KEY_REUSED");
  ASSERT_EQ(MailsTo(email).size(), 1u);
  // Time for a (wrong) second mail to show up.
  EXPECT_EQ(MailsTo(email, 2, absl::Seconds(1)).size(), 1u);
}

TEST_F(NotifyFlowTest, InvalidRequestsNameTheFieldAndQueueNothing) {
  const std::string email = Unique("invalid.") + "@example.be";
  v1::SendMailRequest request = Rejected(Unique("invalid/"), email, "nl");
  request.add_recipients()->set_email_address("geen adres");
  request.mutable_parameters()->erase("rejection_reason");
  v1::SendMailResponse response;
  absl::Status status = Send(request, &response);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  EXPECT_THAT(fields,
              UnorderedElementsAre("recipients[1].email_address", "parameters.rejection_reason"));
  request = Rejected(Unique("invalid/"), email, "nl");
  request.set_template_id("registration-confirmed");
  EXPECT_EQ(FieldViolationsOf(Send(request, &response))[0].field, "template_id");
  // Without the operator token: refused.
  EXPECT_EQ(Send(Rejected(Unique("anon/"), email, "nl"), &response, false).code(),
            absl::StatusCode::kUnauthenticated);
  grpc::ClientContext context;
  Bearer(&context, OperatorToken());
  v1::ListMessagesRequest list;
  list.set_recipient(email);
  v1::ListMessagesResponse listed;
  ASSERT_TRUE(stub_->ListMessages(&context, list, &listed).ok());
  EXPECT_EQ(listed.messages_size(), 0);
}

TEST_F(NotifyFlowTest, TemplatesCanBeListedAndPreviewed) {
  grpc::ClientContext list_context;
  Bearer(&list_context, OperatorToken());
  v1::ListTemplatesResponse templates;
  ASSERT_TRUE(stub_->ListTemplates(&list_context, {}, &templates).ok());
  ASSERT_EQ(templates.templates_size(), 8);
  EXPECT_EQ(templates.templates(0).template_id(), "access-request-approved");
  grpc::ClientContext context;
  Bearer(&context, OperatorToken());
  v1::PreviewTemplateRequest preview;
  preview.set_template_id("registration-receipt");
  preview.set_locale("en");
  (*preview.mutable_parameters())["reference"] = "VOV-2026-000123";
  v1::PreviewTemplateResponse rendered;
  ASSERT_TRUE(stub_->PreviewTemplate(&context, preview, &rendered).ok());
  EXPECT_EQ(rendered.locale(), "en");
  EXPECT_TRUE(absl::StrContains(rendered.subject(), "VOV-2026-000123"));
  EXPECT_EQ(rendered.missing_parameters_size(), 8);
}

TEST_F(NotifyFlowTest, PersonRecipientIsLookedUpInIdentity) {
  auto identity =
      wse::identity::v1::IdentityService::NewStub(Channel(StackEnv::Get().identity_port));
  const std::string email = Unique("person.") + "@example.be";
  const std::string person = ImportPerson(*identity, flow::NewInsz(), "Piet", "Pieters", email);
  v1::SendMailRequest request = Rejected(Unique("person/"), email, "");
  request.mutable_recipients(0)->set_person(person);
  v1::SendMailResponse response;
  ASSERT_TRUE(Send(request, &response).ok());
  auto mails = MailsTo(email);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "Uw aanvraag voor een gebruikersrecht is geweigerd");  // nl.
  EXPECT_EQ(Get(response.message().name()).recipients(0).resolved_email_address(), email);
}

TEST_F(NotifyFlowTest, OutboxDelivererUsesTheRowKeyAndReplaysHarmlessly) {
  const std::string email = Unique("outbox.") + "@example.be";
  OutboxRow row;
  row.id = 42;
  row.kind = notify::kMailOutboxKind;
  row.idempotency_key = Unique("rights/outbox/");
  ASSERT_TRUE(Rejected("ignored", email, "nl").SerializeToString(&row.payload));
  notify::GrpcNotifyClient client(Channel(StackEnv::Get().notify_port), OperatorToken());
  notify::MailOutboxDeliverer deliverer(client);
  ASSERT_TRUE(deliverer.Deliver(row).ok());
  ASSERT_TRUE(deliverer.Deliver(row).ok());  // The relay crashed before recording: again.
  ASSERT_EQ(MailsTo(email).size(), 1u);
  grpc::ClientContext context;
  Bearer(&context, OperatorToken());
  v1::ListMessagesRequest list;
  list.set_recipient(email);
  v1::ListMessagesResponse listed;
  ASSERT_TRUE(stub_->ListMessages(&context, list, &listed).ok());
  ASSERT_EQ(listed.messages_size(), 1);
  EXPECT_EQ(listed.messages(0).idempotency_key(), row.idempotency_key);
  row.kind = "webhook";
  EXPECT_EQ(deliverer.Deliver(row).code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace wse::testing
