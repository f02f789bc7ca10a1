// SendMail validation: every violation with its field path; content fingerprints.
#include "notify-svc/domain/requests.h"

#include <memory>
#include <string>

#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wse::notify {
namespace {

using ::testing::UnorderedElementsAre;

class RequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = TemplateCatalog::Load(WSE_NOTIFY_TEMPLATES_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    catalog_ = *std::move(loaded);
  }
  static v1::SendMailRequest Valid() {
    v1::SendMailRequest r;
    r.set_idempotency_key("rights/outbox/1");
    r.set_template_id("access-request-rejected");
    r.set_locale("nl");
    r.add_recipients()->set_email_address("an@example.be");
    r.add_recipients()->set_person("persons/p-123");
    auto& p = *r.mutable_parameters();
    p["requester_name"] = "An";
    p["organization_name"] = "School";
    p["role_label"] = "DWSE organisatieverantwoordelijke";
    p["context"] = "opleidingsverlof";
    p["rejection_reason"] = "onvoldoende motivering";
    return r;
  }
  std::vector<std::string> Fields(const v1::SendMailRequest& request) {
    auto message = MessageFromRequest(request, *catalog_);
    EXPECT_EQ(message.status().code(), absl::StatusCode::kInvalidArgument);
    std::vector<std::string> fields;
    for (const FieldViolation& v : FieldViolationsOf(message.status())) fields.push_back(v.field);
    return fields;
  }
  std::unique_ptr<TemplateCatalog> catalog_;
};

TEST_F(RequestsTest, ValidRequestBecomesAMessage) {
  auto message = MessageFromRequest(Valid(), *catalog_);
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->recipients.size(), 2u);
  EXPECT_FALSE(message->recipients[0].is_person);
  EXPECT_EQ(message->recipients[0].resolved_email, "an@example.be");
  EXPECT_TRUE(message->recipients[1].is_person);
  EXPECT_EQ(message->recipients[1].address, "persons/p-123");
  EXPECT_EQ(message->content_sha256.size(), 64u);
}

TEST_F(RequestsTest, EveryViolationHasItsFieldPath) {
  v1::SendMailRequest r = Valid();
  r.set_idempotency_key("");
  r.mutable_recipients(1)->set_email_address("not an address");
  r.add_recipients();  // Neither address nor person.
  r.mutable_parameters()->erase("rejection_reason");
  r.set_locale("es");
  EXPECT_THAT(Fields(r),
              UnorderedElementsAre("idempotency_key", "locale", "recipients[1].email_address",
                                   "recipients[2]", "parameters.rejection_reason"));
  v1::SendMailRequest unknown = Valid();
  unknown.set_template_id("no-such-template");
  EXPECT_THAT(Fields(unknown), UnorderedElementsAre("template_id"));
  v1::SendMailRequest bad_person = Valid();
  bad_person.mutable_recipients(1)->set_person("organizations/o1");
  bad_person.mutable_recipients(0)->set_display_name("An\r\nBcc: x@example.be");
  EXPECT_THAT(Fields(bad_person),
              UnorderedElementsAre("recipients[1].person", "recipients[0].display_name"));
  v1::SendMailRequest none = Valid();
  none.clear_recipients();
  none.set_idempotency_key(std::string(201, 'k'));
  EXPECT_THAT(Fields(none), UnorderedElementsAre("recipients", "idempotency_key"));
}

TEST_F(RequestsTest, FingerprintFollowsContentNotKey) {
  auto a = MessageFromRequest(Valid(), *catalog_);
  v1::SendMailRequest other_key = Valid();
  other_key.set_idempotency_key("rights/outbox/2");
  auto b = MessageFromRequest(other_key, *catalog_);
  v1::SendMailRequest other_reason = Valid();
  (*other_reason.mutable_parameters())["rejection_reason"] = "iets anders";
  auto c = MessageFromRequest(other_reason, *catalog_);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->content_sha256, b->content_sha256);
  EXPECT_NE(a->content_sha256, c->content_sha256);
}

}  // namespace
}  // namespace wse::notify
