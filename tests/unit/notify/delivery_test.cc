// DeliveryWorkers and MailQueue against in-memory fakes: outcomes, retries, dead letters,
// person lookup, idempotent submission.
#include "notify-svc/domain/delivery.h"

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "identity-svc/client/fake_identity_client.h"
#include "notify-svc/domain/mail_queue.h"
#include "tests/support/notify_fakes.h"

namespace wse::notify {
namespace {

class FakeSender : public MailSender {
 public:
  SendResult Send(const std::string&, const std::vector<std::string>& rcpt,
                  const std::string& data) override {
    sent_rcpt.push_back(rcpt);
    sent_data.push_back(data);
    return next;
  }
  SendResult next{true, false, 250, ""};
  std::vector<std::vector<std::string>> sent_rcpt;
  std::vector<std::string> sent_data;
};

// A sender the workers' threads may share: counts what it accepted.
class CountingSender : public MailSender {
 public:
  SendResult Send(const std::string&, const std::vector<std::string>&,
                  const std::string&) override {
    absl::MutexLock lock(&mu_);
    ++sent_;
    return {true, false, 250, ""};
  }
  // Waits up to `limit` for `count` sends; returns how many there were.
  int WaitFor(int count, absl::Duration limit) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, count]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return sent_ >= count; };
    mu_.AwaitWithTimeout(absl::Condition(&reached), limit);
    return sent_;
  }

 private:
  absl::Mutex mu_;
  int sent_ ABSL_GUARDED_BY(mu_) = 0;
};

// One person, p1, with an address; everyone else is unknown.
identity::FakeIdentityClient OnePersonDirectory() {
  identity::FakeIdentityClient directory;
  directory.persons["p1"] = {"p1", "Piet Pieters", "piet@example.be", "", "fr"};
  return directory;
}

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = TemplateCatalog::Load(WSE_NOTIFY_TEMPLATES_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    catalog_ = *std::move(loaded);
    DeliveryOptions options;
    options.max_attempts = 3;
    options.backoff = {absl::Milliseconds(1), absl::Milliseconds(2)};
    workers_ = std::make_unique<DeliveryWorkers>(repo_, *catalog_, sender_, directory_, options);
    queue_ = std::make_unique<MailQueue>(repo_, *catalog_);
  }
  MessageRecord Draft(const std::string& key, RecipientRecord to) {
    MessageRecord m;
    m.idempotency_key = key;
    m.template_id = "access-request-approved";
    m.recipients = {std::move(to)};
    m.parameters = {{"requester_name", "An"},
                    {"organization_name", "School"},
                    {"role_label", "DWSE organisatieverantwoordelijke"},
                    {"context", "odb"}};
    m.content_sha256 = key == "same" ? "h1" : "h-" + key;
    return m;
  }
  MessageRecord Get(uint64_t id) { return *repo_.FindById(id); }
  // Makes a queued retry due now, then runs one pass.
  void RunDue() {
    absl::SleepFor(absl::Milliseconds(5));
    ASSERT_TRUE(workers_->RunOnce().ok());
  }

  testing::FakeMessageRepository repo_;
  FakeSender sender_;
  identity::FakeIdentityClient directory_ = OnePersonDirectory();
  std::unique_ptr<TemplateCatalog> catalog_;
  std::unique_ptr<DeliveryWorkers> workers_;
  std::unique_ptr<MailQueue> queue_;
};

TEST_F(DeliveryTest, SendsAndRecordsTheAttempt) {
  auto queued = queue_->Submit(Draft("k1", {false, "an@example.be", "An", "an@example.be"}));
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_FALSE(queued->replayed);
  ASSERT_TRUE(queued->message.rendered.has_value());  // Locale known: rendered at once.
  EXPECT_EQ(*workers_->RunOnce(), 1);
  const MessageRecord m = Get(queued->message.id);
  EXPECT_EQ(m.state, MessageState::kSent);
  EXPECT_EQ(m.attempt_count, 1);
  ASSERT_EQ(m.history.size(), 1u);
  EXPECT_EQ(m.history[0].outcome, DeliveryOutcome::kSent);
  ASSERT_EQ(sender_.sent_rcpt.size(), 1u);
  EXPECT_EQ(sender_.sent_rcpt[0], std::vector<std::string>{"an@example.be"});
  EXPECT_EQ(*workers_->RunOnce(), 0);  // Nothing left.
}

// The poll interval is an hour here: only the start, a full batch or a poke makes a worker go.
TEST_F(DeliveryTest, RunningWorkersGoAtStartAfterAFullBatchAndWhenPoked) {
  CountingSender sender;
  DeliveryOptions options;
  options.workers = 2;
  options.batch_size = 2;
  options.poll_interval = absl::Hours(1);
  DeliveryWorkers workers(repo_, *catalog_, sender, directory_, options);
  MailQueue poking(repo_, *catalog_, [&workers] { workers.Poke(); });
  for (int i = 0; i < 5; ++i) {  // More than one batch per worker.
    ASSERT_TRUE(
        queue_->Submit(Draft(absl::StrCat("q", i), {false, "an@example.be", "", "an@example.be"}))
            .ok());
  }
  workers.Start();
  EXPECT_EQ(sender.WaitFor(5, absl::Seconds(20)), 5);
  ASSERT_TRUE(poking.Submit(Draft("poked", {false, "an@example.be", "", "an@example.be"})).ok());
  EXPECT_EQ(sender.WaitFor(6, absl::Seconds(20)), 6);
  workers.Stop();
}

TEST_F(DeliveryTest, SameKeyReplaysDifferentContentIsRefused) {
  auto first = queue_->Submit(Draft("same", {false, "an@example.be", "", "an@example.be"}));
  auto again = queue_->Submit(Draft("same", {false, "an@example.be", "", "an@example.be"}));
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->message.id, first->message.id);
  MessageRecord other = Draft("same", {false, "bo@example.be", "", "bo@example.be"});
  other.content_sha256 = "h2";
  EXPECT_EQ(queue_->Submit(other).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(DeliveryTest, TransientFailuresBackOffThenDie) {
  auto queued = queue_->Submit(Draft("k2", {false, "an@example.be", "", "an@example.be"}));
  ASSERT_TRUE(queued.ok());
  sender_.next = {false, false, 451, "451 try later"};
  ASSERT_TRUE(workers_->RunOnce().ok());
  MessageRecord m = Get(queued->message.id);
  EXPECT_EQ(m.state, MessageState::kQueued);
  EXPECT_EQ(m.last_error, "451 try later");
  ASSERT_TRUE(m.due_time.has_value());
  RunDue();
  RunDue();
  m = Get(queued->message.id);
  EXPECT_EQ(m.state, MessageState::kDead);  // max_attempts = 3.
  EXPECT_EQ(m.attempt_count, 3);
  EXPECT_EQ(m.history.size(), 3u);
  // An operator retries it: a fresh budget, and now the server accepts.
  sender_.next = {true, false, 250, ""};
  EXPECT_EQ(queue_->RetryDead({}, 10)->size(), 1u);
  ASSERT_TRUE(workers_->RunOnce().ok());
  m = Get(queued->message.id);
  EXPECT_EQ(m.state, MessageState::kSent);
  EXPECT_EQ(m.attempt_count, 4);
}

TEST_F(DeliveryTest, PermanentRefusalIsDeadAtOnce) {
  auto queued = queue_->Submit(Draft("k3", {false, "an@example.be", "", "an@example.be"}));
  sender_.next = {false, true, 550, "550 no such user"};
  ASSERT_TRUE(workers_->RunOnce().ok());
  const MessageRecord m = Get(queued->message.id);
  EXPECT_EQ(m.state, MessageState::kDead);
  EXPECT_EQ(m.attempt_count, 1);
  EXPECT_EQ(m.history[0].outcome, DeliveryOutcome::kPermanentFailure);
  EXPECT_EQ(m.history[0].smtp_code, 550);
}

TEST_F(DeliveryTest, PersonsAreLookedUpAtSendTimeInTheirLanguage) {
  auto queued = queue_->Submit(Draft("k4", {true, "persons/p1", "", ""}));
  ASSERT_TRUE(queued.ok());
  EXPECT_FALSE(queued->message.rendered.has_value());  // Locale depends on the person.
  directory_.failure = absl::UnavailableError("identity-svc down");
  ASSERT_TRUE(workers_->RunOnce().ok());
  EXPECT_EQ(Get(queued->message.id).state, MessageState::kQueued);
  directory_.failure = absl::OkStatus();
  RunDue();
  const MessageRecord m = Get(queued->message.id);
  EXPECT_EQ(m.state, MessageState::kSent);
  ASSERT_TRUE(m.rendered.has_value());
  EXPECT_EQ(m.rendered->locale, "fr");
  EXPECT_EQ(m.recipients[0].resolved_email, "piet@example.be");
  EXPECT_EQ(sender_.sent_rcpt.back(), std::vector<std::string>{"piet@example.be"});
  EXPECT_TRUE(absl::StrContains(sender_.sent_data.back(), "Piet Pieters <piet@example.be>"));

  auto unknown = queue_->Submit(Draft("k5", {true, "persons/nobody", "", ""}));
  ASSERT_TRUE(workers_->RunOnce().ok());
  EXPECT_EQ(Get(unknown->message.id).state, MessageState::kFailed);
}

// A relay that answers in time: a pass renews no claim (the claim outlasts every send) and looks a
// person up once however many of the batch's mails go to them.
TEST_F(DeliveryTest, APassBehindAPromptRelayRenewsNothingAndLooksEachPersonUpOnce) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(queue_->Submit(Draft(absl::StrCat("p", i), {true, "persons/p1", "", ""})).ok());
  }
  const int lookups_before = directory_.calls;
  EXPECT_EQ(*workers_->RunOnce(), 5);
  EXPECT_EQ(sender_.sent_rcpt.size(), 5u);
  EXPECT_EQ(repo_.RenewCalls(), 0);
  EXPECT_EQ(directory_.calls - lookups_before, 1);
  // The next pass looks the person up again (an address may have changed meanwhile).
  ASSERT_TRUE(queue_->Submit(Draft("p5", {true, "persons/p1", "", ""})).ok());
  EXPECT_EQ(*workers_->RunOnce(), 1);
  EXPECT_EQ(directory_.calls - lookups_before, 2);
}

// A slow relay: once one more send might outlast the claim, each send renews its claim first.
TEST_F(DeliveryTest, APassBehindASlowRelayRenewsEachClaimThatMightRunOut) {
  class SlowSender : public MailSender {
   public:
    SendResult Send(const std::string&, const std::vector<std::string>&,
                    const std::string&) override {
      absl::SleepFor(absl::Milliseconds(120));
      SendResult r;
      r.sent = true;
      r.smtp_code = 250;
      return r;
    }
  } slow;
  DeliveryOptions options;
  options.lease = absl::Milliseconds(300);
  options.send_timeout = absl::Milliseconds(200);
  options.outcome_margin = absl::ZeroDuration();  // The fake store's writes are instant.
  DeliveryWorkers workers(repo_, *catalog_, slow, directory_, options);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        queue_->Submit(Draft(absl::StrCat("s", i), {false, "an@example.be", "", "an@example.be"}))
            .ok());
  }
  EXPECT_EQ(*workers.RunOnce(), 3);
  // The first send starts at once (200 ms < 300 ms); the second and third start 120 and 240 ms
  // after the claim, when one more send could pass its end.
  EXPECT_EQ(repo_.RenewCalls(), 2);
  MessageFilter sent;
  sent.state = MessageState::kSent;
  EXPECT_EQ(repo_.List(sent, 0, 10)->size(), 3u);
}

// A slow directory: the look-ups before a send can outlast the claim, so whether to renew is
// decided right before the send. Two workers race for one message: the first's look-up is held
// until the second worker has claimed the message (after the first claim's lease ran out) and
// looked the person up too, so the first loses its claim while it waits; only one of them sends.
TEST_F(DeliveryTest, ASlowDirectoryNeverLetsTwoWorkersSendOneMessage) {
  absl::Notification first_waiting, second_looked_up;
  identity::FakeIdentityClient slow_directory, prompt_directory;  // One per worker (no lock).
  slow_directory.any_person = [&](const std::string& id) -> std::optional<identity::PersonInfo> {
    first_waiting.Notify();
    second_looked_up.WaitForNotificationWithTimeout(absl::Seconds(20));
    return identity::PersonInfo{id, "Traag", "traag@example.be", "", "nl"};
  };
  prompt_directory.any_person = [&](const std::string& id) -> std::optional<identity::PersonInfo> {
    second_looked_up.Notify();
    return identity::PersonInfo{id, "Traag", "traag@example.be", "", "nl"};
  };
  CountingSender counting;
  DeliveryOptions options;
  options.lease = absl::Milliseconds(300);
  options.send_timeout = absl::Milliseconds(100);
  options.outcome_margin = absl::ZeroDuration();
  DeliveryWorkers first(repo_, *catalog_, counting, slow_directory, options);
  DeliveryWorkers second(repo_, *catalog_, counting, prompt_directory, options);
  auto queued = queue_->Submit(Draft("slow", {true, "persons/slow", "", ""}));
  ASSERT_TRUE(queued.ok());

  absl::StatusOr<int> first_claimed;
  std::thread first_pass([&] { first_claimed = first.RunOnce(); });
  ASSERT_TRUE(first_waiting.WaitForNotificationWithTimeout(absl::Seconds(20)));
  absl::SleepFor(options.lease + absl::Milliseconds(100));  // The first claim has run out.
  const absl::StatusOr<int> second_claimed = second.RunOnce();
  first_pass.join();
  ASSERT_TRUE(second_claimed.ok()) << second_claimed.status();
  ASSERT_TRUE(first_claimed.ok()) << first_claimed.status();
  EXPECT_EQ(*second_claimed, 1);
  EXPECT_EQ(*first_claimed, 1);

  EXPECT_EQ(counting.WaitFor(2, absl::ZeroDuration()), 1);
  EXPECT_EQ(Get(queued->message.id).state, MessageState::kSent);
}

}  // namespace
}  // namespace wse::notify
