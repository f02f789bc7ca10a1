// One contract, two implementations: every test runs against the in-memory fake
// (tests/support/notify_fakes.h) and against MysqlMessageRepository on a throwaway schema.
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/migrations.h"
#include "common/mysql_pool.h"
#include "cppconn/connection.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "notify-svc/storage/mysql_store.h"
#include "tests/support/notify_fakes.h"
#include "tests/support/test_database.h"

namespace wse::notify {
namespace {

class FakeBackend {
 public:
  static constexpr char kName[] = "Fake";
  absl::Status ready() const { return absl::OkStatus(); }
  MessageRepository& repo() { return repo_; }

 private:
  testing::FakeMessageRepository repo_;
};

class MysqlBackend {
 public:
  static constexpr char kName[] = "Mysql";
  MysqlBackend()
      : migrated_(ApplyMigrations(db_.pool(), {{"notify", &EmbeddedMigrations()}})),
        repo_(db_.pool()) {}
  absl::Status ready() const { return migrated_; }
  MessageRepository& repo() { return repo_; }

 private:
  ::wse::testing::TestDatabase db_;
  absl::Status migrated_;
  MysqlMessageRepository repo_;
};

class BackendNames {
 public:
  template <typename Backend>
  static std::string GetName(int) {
    return Backend::kName;
  }
};

template <typename Backend>
class MessageRepositoryContractTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(backend_.ready().ok()) << backend_.ready(); }
  MessageRepository& repo() { return backend_.repo(); }

  static MessageRecord Draft(const std::string& key, const std::string& to = "an@example.be",
                             const std::string& source_event = "") {
    MessageRecord m;
    m.idempotency_key = key;
    m.content_sha256 = std::string(64, 'a');
    m.template_id = "access-request-approved";
    m.requested_locale = "nl";
    m.recipients = {{false, to, "An Peeters", to}, {true, "persons/p1", "", ""}};
    m.parameters = {{"requester_name", "Zoë <An>"}, {"context", "opleidingsverlof"}};
    m.source_event = source_event;
    m.rendered = RenderedMail{"nl", "Onderwerp é", "tekst", "<p>html</p>"};
    return m;
  }
  static AttemptResult Result(MessageState state, absl::Duration retry = absl::ZeroDuration()) {
    AttemptResult r;
    r.new_state = state;
    r.retry_after = retry;
    r.attempt.attempt_time = absl::FromUnixMicros(1767225600123456);
    r.attempt.outcome =
        state == MessageState::kSent ? DeliveryOutcome::kSent : DeliveryOutcome::kTransientFailure;
    r.attempt.smtp_code = state == MessageState::kSent ? 250 : 451;
    r.attempt.error = state == MessageState::kSent ? "" : "451 later";
    r.last_error = r.attempt.error;
    return r;
  }
  Backend backend_;
};

using Backends = ::testing::Types<FakeBackend, MysqlBackend>;
TYPED_TEST_SUITE(MessageRepositoryContractTest, Backends, BackendNames);

TYPED_TEST(MessageRepositoryContractTest, CreateStoresEverythingAndKeysAreUnique) {
  auto created = this->repo().Create(this->Draft("k1"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_GT(created->id, 0u);
  EXPECT_EQ(created->state, MessageState::kQueued);
  EXPECT_EQ(created->attempt_count, 0);
  ASSERT_TRUE(created->due_time.has_value());
  auto found = this->repo().FindById(created->id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->idempotency_key, "k1");
  EXPECT_EQ(found->parameters, this->Draft("k1").parameters);
  ASSERT_EQ(found->recipients.size(), 2u);
  EXPECT_EQ(found->recipients[0].address, "an@example.be");
  EXPECT_EQ(found->recipients[0].display_name, "An Peeters");
  EXPECT_TRUE(found->recipients[1].is_person);
  ASSERT_TRUE(found->rendered.has_value());
  EXPECT_EQ(found->rendered->subject, "Onderwerp é");
  EXPECT_EQ(found->rendered->html_body, "<p>html</p>");
  EXPECT_EQ(found->create_time, created->create_time);
  EXPECT_EQ(this->repo().Create(this->Draft("k1", "bo@example.be")).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(this->repo().FindByIdempotencyKey("k1")->id, created->id);
  EXPECT_EQ(this->repo().FindByIdempotencyKey("K1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(this->repo().FindById(created->id + 1000).status().code(), absl::StatusCode::kNotFound);
}

// SendMails' transaction: every new message stored with its recipients, a key taken before or
// earlier in the same call refused on its own, the others stored all the same.
TYPED_TEST(MessageRepositoryContractTest, CreateAllAnswersEachMessageOnItsOwn) {
  ASSERT_TRUE(this->repo().Create(this->Draft("old")).ok());
  std::vector<MessageRecord> batch = {this->Draft("b1", "b1@example.be"), this->Draft("old"),
                                      this->Draft("b2", "b2@example.be"),
                                      this->Draft("b1", "again@example.be")};
  batch[2].rendered.reset();  // Rendered later (a person's locale), stored without a body.
  batch[2].traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  auto results = this->repo().CreateAll(batch);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 4u);
  ASSERT_TRUE((*results)[0].ok()) << (*results)[0].status();
  EXPECT_EQ((*results)[1].status().code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE((*results)[2].ok()) << (*results)[2].status();
  EXPECT_EQ((*results)[3].status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE((*results)[0]->id, (*results)[2]->id);

  auto b1 = this->repo().FindByIdempotencyKey("b1");
  ASSERT_TRUE(b1.ok()) << b1.status();
  EXPECT_EQ(b1->id, (*results)[0]->id);
  EXPECT_EQ(b1->state, MessageState::kQueued);
  ASSERT_EQ(b1->recipients.size(), 2u);
  EXPECT_EQ(b1->recipients[0].address, "b1@example.be");  // The first of the key, not "again".
  EXPECT_TRUE(b1->recipients[1].is_person);
  ASSERT_TRUE(b1->rendered.has_value());
  EXPECT_EQ(b1->rendered->subject, "Onderwerp é");
  auto b2 = this->repo().FindByIdempotencyKey("b2");
  ASSERT_TRUE(b2.ok()) << b2.status();
  EXPECT_FALSE(b2->rendered.has_value());
  EXPECT_EQ(b2->traceparent, batch[2].traceparent);
  EXPECT_EQ((*results)[2]->recipients.size(), 2u);
}

TYPED_TEST(MessageRepositoryContractTest, CreateAllStoresBatchesOfEverySize) {
  int next = 0;
  for (int size : {1, 2, 5, 64, 100}) {
    std::vector<MessageRecord> batch;
    for (int i = 0; i < size; ++i) batch.push_back(this->Draft(absl::StrCat("s", next++)));
    auto results = this->repo().CreateAll(batch);
    ASSERT_TRUE(results.ok()) << size << ": " << results.status();
    ASSERT_EQ(results->size(), static_cast<size_t>(size));
    for (int i = 0; i < size; ++i) {
      ASSERT_TRUE((*results)[i].ok()) << size << "/" << i << ": " << (*results)[i].status();
      EXPECT_EQ((*results)[i]->idempotency_key, batch[i].idempotency_key);
      EXPECT_EQ((*results)[i]->recipients.size(), 2u);
    }
  }
}

TYPED_TEST(MessageRepositoryContractTest, ClaimLeaseFinishAndHistory) {
  auto a = this->repo().Create(this->Draft("a"));
  auto b = this->repo().Create(this->Draft("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  auto claimed = this->repo().ClaimDue(10, absl::Minutes(1));
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ((*claimed)[0].state, MessageState::kSending);
  EXPECT_EQ((*claimed)[0].attempt_count, 1);
  EXPECT_EQ((*claimed)[0].recipients.size(), 2u);
  EXPECT_TRUE(this->repo().ClaimDue(10, absl::Minutes(1))->empty());  // Leased.

  ASSERT_TRUE(this->repo().Finish(a->id, 1, this->Result(MessageState::kSent)).ok());
  // A stale claim (wrong attempt) changes nothing.
  EXPECT_EQ(this->repo().Finish(b->id, 7, this->Result(MessageState::kSent)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->repo().Finish(a->id, 1, this->Result(MessageState::kSent)).code(),
            absl::StatusCode::kFailedPrecondition);
  AttemptResult retry = this->Result(MessageState::kQueued, absl::Milliseconds(300));
  retry.recipients = {{false, "an@example.be", "An Peeters", "an@example.be"},
                      {true, "persons/p1", "", "piet@example.be"}};
  ASSERT_TRUE(this->repo().Finish(b->id, 1, retry).ok());

  auto sent = this->repo().FindById(a->id);
  EXPECT_EQ(sent->state, MessageState::kSent);
  EXPECT_TRUE(sent->send_time.has_value());
  EXPECT_FALSE(sent->due_time.has_value());
  ASSERT_EQ(sent->history.size(), 1u);
  EXPECT_EQ(sent->history[0].attempt_time, absl::FromUnixMicros(1767225600123456));
  EXPECT_EQ(sent->history[0].smtp_code, 250);
  auto queued = this->repo().FindById(b->id);
  EXPECT_EQ(queued->state, MessageState::kQueued);
  EXPECT_EQ(queued->last_error, "451 later");
  EXPECT_EQ(queued->recipients[1].resolved_email, "piet@example.be");
  EXPECT_TRUE(this->repo().ClaimDue(10, absl::Minutes(1))->empty());  // Not yet due.
  absl::SleepFor(absl::Milliseconds(400));
  auto again = this->repo().ClaimDue(10, absl::Minutes(1));
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempt_count, 2);
}

TYPED_TEST(MessageRepositoryContractTest, ExpiredLeaseIsClaimedAgain) {
  auto a = this->repo().Create(this->Draft("crash"));
  ASSERT_EQ(this->repo().ClaimDue(1, absl::Milliseconds(200))->size(), 1u);
  absl::SleepFor(absl::Milliseconds(300));  // The worker "crashed".
  auto again = this->repo().ClaimDue(1, absl::Minutes(1));
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempt_count, 2);
  // The crashed worker's late report is refused; the new holder's is recorded.
  EXPECT_EQ(this->repo().Finish(a->id, 1, this->Result(MessageState::kSent)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(this->repo().Finish(a->id, 2, this->Result(MessageState::kSent)).ok());
}

TYPED_TEST(MessageRepositoryContractTest, AClaimIsRenewedOnlyWhileStillHeld) {
  auto a = this->repo().Create(this->Draft("renew"));
  ASSERT_EQ(this->repo().ClaimDue(1, absl::Milliseconds(600))->size(), 1u);
  EXPECT_TRUE(this->repo().RenewClaim(a->id, 1, absl::Milliseconds(600)).value());
  absl::SleepFor(absl::Milliseconds(400));
  ASSERT_TRUE(this->repo().RenewClaim(a->id, 1, absl::Milliseconds(600)).value());
  absl::SleepFor(absl::Milliseconds(300));  // 700 ms after the claim: renewed, so still held.
  EXPECT_TRUE(this->repo().ClaimDue(1, absl::Minutes(1))->empty());
  absl::SleepFor(absl::Milliseconds(400));  // Now it ran out; another worker takes it.
  ASSERT_EQ(this->repo().ClaimDue(1, absl::Minutes(1))->size(), 1u);
  EXPECT_FALSE(this->repo().RenewClaim(a->id, 1, absl::Minutes(1)).value())
      << "the first worker's claim was taken over: it must not send";
  EXPECT_TRUE(this->repo().RenewClaim(a->id, 2, absl::Minutes(1)).value());
  EXPECT_FALSE(this->repo().RenewClaim(a->id + 1000, 1, absl::Minutes(1)).value());
  ASSERT_TRUE(this->repo().Finish(a->id, 2, this->Result(MessageState::kSent)).ok());
  EXPECT_FALSE(this->repo().RenewClaim(a->id, 2, absl::Minutes(1)).value()) << "already sent";
}

TYPED_TEST(MessageRepositoryContractTest, DeadLettersAreRequeuedWithAFreshBudget) {
  auto a = this->repo().Create(this->Draft("d1"));
  auto b = this->repo().Create(this->Draft("d2"));
  auto c = this->repo().Create(this->Draft("d3"));
  ASSERT_EQ(this->repo().ClaimDue(10, absl::Minutes(1))->size(), 3u);
  ASSERT_TRUE(this->repo().Finish(a->id, 1, this->Result(MessageState::kDead)).ok());
  ASSERT_TRUE(this->repo().Finish(b->id, 1, this->Result(MessageState::kDead)).ok());
  ASSERT_TRUE(this->repo().Finish(c->id, 1, this->Result(MessageState::kSent)).ok());
  EXPECT_EQ(*this->repo().RequeueDead({c->id, b->id}, 100), std::vector<uint64_t>{b->id});
  EXPECT_EQ(*this->repo().RequeueDead({}, 100), std::vector<uint64_t>{a->id});
  EXPECT_TRUE(this->repo().RequeueDead({}, 100)->empty());
  auto requeued = this->repo().FindById(a->id);
  EXPECT_EQ(requeued->state, MessageState::kQueued);
  EXPECT_EQ(requeued->budget_start, 1);
  EXPECT_EQ(this->repo().ClaimDue(10, absl::Minutes(1))->size(), 2u);
}

TYPED_TEST(MessageRepositoryContractTest, ListFiltersNewestFirstWithKeyset) {
  std::vector<uint64_t> ids;
  for (int i = 0; i < 5; ++i) {
    auto m = this->repo().Create(this->Draft("l" + std::to_string(i),
                                             i % 2 == 0 ? "even@example.be" : "odd@example.be",
                                             i < 3 ? "rights/requests/1" : "rights/requests/2"));
    ASSERT_TRUE(m.ok());
    ids.push_back(m->id);
  }
  auto page = this->repo().List({}, 0, 2);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[4]);
  EXPECT_EQ((*page)[1].id, ids[3]);
  EXPECT_EQ((*page)[0].recipients.size(), 2u);
  auto next = this->repo().List({}, (*page)[1].id, 10);
  ASSERT_EQ(next->size(), 3u);
  EXPECT_EQ((*next)[0].id, ids[2]);
  EXPECT_EQ(this->repo().List({"even@example.be", "", std::nullopt}, 0, 10)->size(), 3u);
  EXPECT_EQ(this->repo().List({"persons/p1", "rights/requests/2", std::nullopt}, 0, 10)->size(),
            2u);
  EXPECT_EQ(this->repo().List({"", "", MessageState::kSent}, 0, 10)->size(), 0u);
  EXPECT_EQ(this->repo().List({}, 0, 0).status().code(), absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(MessageRepositoryContractTest, ConcurrentClaimersNeverShareAMessage) {
  for (int i = 0; i < 60; ++i)
    ASSERT_TRUE(this->repo().Create(this->Draft("c" + std::to_string(i))).ok());
  absl::Mutex mu;
  std::multiset<uint64_t> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (true) {
        auto claimed = this->repo().ClaimDue(5, absl::Minutes(1));
        if (!claimed.ok()) continue;  // A deadlock retry exhausted: try again.
        if (claimed->empty()) return;
        absl::MutexLock lock(&mu);
        for (const MessageRecord& m : *claimed) seen.insert(m.id);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(seen.size(), 60u);
  EXPECT_EQ(std::set<uint64_t>(seen.begin(), seen.end()).size(), 60u);
}

// Statements this pooled connection prepared so far (the server's count). The pool hands a
// single-threaded caller the same connection every time.
int PreparedSoFar(MysqlPool& pool) {
  int prepared = -1;
  EXPECT_TRUE(WithConnection(pool, [&](sql::Connection& conn) {
                std::unique_ptr<sql::Statement> s(conn.createStatement());
                std::unique_ptr<sql::ResultSet> r(
                    s->executeQuery("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'"));
                if (r->next()) prepared = r->getInt(2);
                return absl::OkStatus();
              }).ok());
  return prepared;
}

// A mail's way (stored, claimed, sent, read back) uses statements whose texts never carry an id,
// so a connection prepares each once and keeps it (common/mysql_statements.h). A text with the
// ids in it was prepared anew for every mail and, once 64 of them filled the connection's cache,
// made every other statement of that connection be prepared and closed on each call too.
TEST(MysqlMessageRepositoryTest, DeliveringMailsPreparesEachStatementOnce) {
  ::wse::testing::TestDatabase db;
  ASSERT_TRUE(ApplyMigrations(db.pool(), {{"notify", &EmbeddedMigrations()}}).ok());
  MysqlMessageRepository repo(db.pool());
  const auto deliver_one = [&](int i) {
    MessageRecord m;
    m.idempotency_key = absl::StrCat("s", i);
    m.content_sha256 = std::string(64, 'a');
    m.template_id = "access-request-approved";
    m.requested_locale = "nl";
    m.recipients = {{false, "an@example.be", "An Peeters", "an@example.be"}};
    m.rendered = RenderedMail{"nl", "Onderwerp", "tekst", "<p>html</p>"};
    ASSERT_TRUE(repo.Create(m).ok());
    auto claimed = repo.ClaimDue(10, absl::Minutes(1));
    ASSERT_TRUE(claimed.ok()) << claimed.status();
    ASSERT_EQ(claimed->size(), 1u);
    AttemptResult sent;
    sent.new_state = MessageState::kSent;
    sent.attempt.attempt_time = absl::Now();
    sent.attempt.outcome = DeliveryOutcome::kSent;
    sent.attempt.smtp_code = 250;
    sent.recipients = m.recipients;
    ASSERT_TRUE(repo.Finish((*claimed)[0].id, 1, sent).ok());
    ASSERT_TRUE(repo.List({}, 0, 5).ok());
  };
  // Prepares every statement of the way once; List's recipients for 1, 2, 4 and 8 messages (IN
  // lists are padded to a power of two) take four shapes.
  for (int i = 0; i < 5; ++i) deliver_one(i);
  const int before = PreparedSoFar(db.pool());
  ASSERT_GE(before, 0);
  for (int i = 5; i < 45; ++i) deliver_one(i);
  EXPECT_EQ(PreparedSoFar(db.pool()) - before, 0) << "statements prepared again for 40 mails";
}

}  // namespace
}  // namespace wse::notify
