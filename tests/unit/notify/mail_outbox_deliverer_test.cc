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

// A relay's pass in as few SendMails calls as the limit allows, each row with its own key and
// trace and its own outcome; rows that are not mails are refused in their place, unsent.
TEST(MailOutboxDelivererTest, APassGoesInBatchesOfAHundredEachRowWithItsOwnOutcome) {
  FakeNotifyClient notify;
  MailOutboxDeliverer deliverer(notify);
  std::vector<OutboxRow> rows;
  for (int i = 0; i < 205; ++i) {
    rows.push_back(MailRow("registration/outbox/" + std::to_string(i)));
    rows.back().traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b71692033" +
                              std::string(i < 10 ? "0" : "") + std::to_string(i % 100) + "-01";
  }
  rows[3].kind = "webhook";
  notify.fail_keys["registration/outbox/150"] = absl::InvalidArgumentError("bad template");
  const std::vector<absl::Status> outcomes = deliverer.DeliverAll(rows);
  ASSERT_EQ(outcomes.size(), rows.size());
  EXPECT_EQ(notify.batch_calls, 3);  // 100 + 100 + 4 mails.
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == 3) {
      EXPECT_EQ(outcomes[i].code(), absl::StatusCode::kFailedPrecondition);
    } else if (i == 150) {
      EXPECT_EQ(outcomes[i].code(), absl::StatusCode::kInvalidArgument);
    } else {
      EXPECT_TRUE(outcomes[i].ok()) << i << ": " << outcomes[i];
      EXPECT_EQ(notify.traceparents[rows[i].idempotency_key], rows[i].traceparent);
    }
  }
  EXPECT_EQ(notify.mails.size(), 203u);
  EXPECT_EQ(notify.mails.count("registration/outbox/3"), 0u);

  notify.fail_with = absl::UnavailableError("notify-svc is down");
  for (const absl::Status& outcome : deliverer.DeliverAll(rows)) {
    if (outcome.code() != absl::StatusCode::kFailedPrecondition) {
      EXPECT_EQ(outcome.code(), absl::StatusCode::kUnavailable);
    }
  }
}

}  // namespace
}  // namespace wse::notify
