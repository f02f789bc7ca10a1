// The outbox's mail deliverer over notify-svc's client (a fake here; the real one in
// tests/integration/notify/notify_flow_test.cc): the row's key wins, a redelivery is a replay,
// other kinds and broken payloads are refused, notify-svc's errors reach the relay.
#include "notify-svc/client/mail_outbox_deliverer.h"

#include "gtest/gtest.h"
#include "notify-svc/client/fake_notify_client.h"

namespace wse::notify {
namespace {

OutboxRow MailRow(const std::string& key) {
  v1::SendMailRequest mail;
  mail.set_template_id("access-request-approved");
  mail.set_idempotency_key("whatever-the-payload-said");
  mail.add_recipients()->set_email_address("jan@school.example");
  const OutboxMessage message = MailOutboxMessage(mail);
  OutboxRow row;
  row.id = 7;
  row.kind = message.kind;
  row.payload = message.payload;
  row.idempotency_key = key;
  return row;
}

TEST(MailOutboxDelivererTest, TheRowsKeyMakesARedeliveryAReplay) {
  FakeNotifyClient notify;
  MailOutboxDeliverer deliverer(notify);
  const OutboxRow row = MailRow("rights/outbox/7");
  ASSERT_TRUE(deliverer.Deliver(row).ok());
  ASSERT_TRUE(deliverer.Deliver(row).ok());  // The relay crashed before it recorded the first.
  EXPECT_EQ(notify.calls, 2);
  ASSERT_EQ(notify.mails.size(), 1u);
  EXPECT_EQ(notify.mails.begin()->first, "rights/outbox/7");
  EXPECT_EQ(notify.mails.begin()->second.template_id(), "access-request-approved");
}

TEST(MailOutboxDelivererTest, OtherKindsAndBrokenPayloadsAreRefusedUnsent) {
  FakeNotifyClient notify;
  MailOutboxDeliverer deliverer(notify);
  OutboxRow webhook = MailRow("rights/outbox/8");
  webhook.kind = "webhook";
  EXPECT_EQ(deliverer.Deliver(webhook).code(), absl::StatusCode::kFailedPrecondition);
  OutboxRow broken = MailRow("rights/outbox/9");
  broken.payload = "\xff\xff not a message";
  EXPECT_EQ(deliverer.Deliver(broken).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(notify.calls, 0);
}

TEST(MailOutboxDelivererTest, NotifySvcErrorsAreLeftToTheRelay) {
  FakeNotifyClient notify;
  notify.fail_with = absl::UnavailableError("notify-svc is down");
  MailOutboxDeliverer deliverer(notify);
  EXPECT_EQ(deliverer.Deliver(MailRow("registration/outbox/1")).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(notify.mails.empty());
}

}  // namespace
}  // namespace wse::notify
