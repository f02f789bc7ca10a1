// The store contract (see store_contract_test.cc), part three: the confirm writer's set-based
// operations (GetDrafts, ListParticipantsOf, InsertConfirmations, AppendOutboxAll) give what the
// one-item calls give, for the in-memory defaults and MySQL's one-statement-per-table versions.

#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "registration-svc/domain/model.h"
#include "registration-svc/domain/store.h"
#include "tests/integration/registration/store_test_support.h"

namespace wse::registration::store_test {
namespace {

template <typename Backend>
class ConfirmationsContractTest : public StoreTest<Backend> {
 protected:
  void SetUp() override {
    StoreTest<Backend>::SetUp();
    ASSERT_TRUE(
        this->Tx([](RegistrationTransaction& tx) { return tx.UpsertTraining(Training("ODB-1")); })
            .ok());
  }

  // Draft n of kOrg with participants Insz(first) .. Insz(first + count - 1), stored.
  DraftRecord StoredDraft(int n, int first, int count, const std::string& organization_id = kOrg) {
    DraftRecord draft = Draft(n, organization_id);
    const absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
      RETURN_IF_ERROR(tx.InsertDraft(draft));
      std::vector<ParticipantRecord> participants;
      for (int i = 0; i < count; ++i) {
        participants.push_back(Participant(n * 1000 + i, Insz(first + i)));
      }
      return participants.empty() ? absl::OkStatus()
                                  : tx.InsertParticipants(draft.id, participants);
    });
    EXPECT_TRUE(status.ok()) << status;
    draft.participant_count = count;
    return draft;
  }

  // The first confirmation of `draft` as registration `n`, its lines the given INSZs.
  static NewConfirmation Confirmation(const DraftRecord& draft, int n,
                                      const std::vector<std::string>& insz) {
    NewConfirmation c;
    c.registration = Registration(n, draft.organization_id);
    c.version = Version(c.registration, 1, insz);
    c.draft = draft;
    c.draft.state = DraftState::kConfirmed;
    c.draft.registration_id = c.registration.id;
    c.draft.registration_version = 1;
    c.draft.version = draft.version + 1;
    c.draft.update_time = At(n, 8);
    c.draft.expire_time = At(n + 100, 9);
    c.request_kind = "confirm";
    c.request_id = absl::StrCat("r-", n);
    c.request_fingerprint = absl::StrCat("fp-", n);
    return c;
  }
};
TYPED_TEST_SUITE(ConfirmationsContractTest, Backends, BackendNames);

TYPED_TEST(ConfirmationsContractTest, GetDraftsLocksTheOrganisationsOwnInTheAskedOrder) {
  const DraftRecord one = this->StoredDraft(1, 1, 2);
  const DraftRecord two = this->StoredDraft(2, 10, 0);
  const DraftRecord other = this->StoredDraft(3, 20, 1, kOtherOrg);
  const absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto drafts, tx.GetDrafts({{kOrg, two.id},
                                                {kOrg, Id(99)},
                                                {kOrg, other.id},  // Another organisation's.
                                                {kOrg, one.id},
                                                {kOtherOrg, other.id},
                                                {kOrg, two.id}}));
    EXPECT_EQ(drafts.size(), 6u);
    if (drafts.size() != 6u) return absl::OkStatus();
    EXPECT_TRUE(drafts[0].has_value() && Fields(*drafts[0]) == Fields(two));
    EXPECT_FALSE(drafts[1].has_value());
    EXPECT_FALSE(drafts[2].has_value());
    EXPECT_TRUE(drafts[3].has_value() && Fields(*drafts[3]) == Fields(one));
    EXPECT_TRUE(drafts[4].has_value() && Fields(*drafts[4]) == Fields(other));
    EXPECT_TRUE(drafts[5].has_value() && Fields(*drafts[5]) == Fields(two));
    ASSIGN_OR_RETURN(auto none, tx.GetDrafts({}));
    EXPECT_TRUE(none.empty());
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
}

// MySQL's locking: a transaction holding GetDrafts locks only the drafts of the organisations it
// named them with, and a second GetDrafts skips a draft another transaction holds (it reads as
// absent) instead of waiting for it, so the one confirm writer never waits on a caller's row.
using MysqlConfirmationsTest = ConfirmationsContractTest<MysqlBackend>;
TEST_F(MysqlConfirmationsTest, GetDraftsLocksNoOtherOrganisationsDraftAndSkipsLockedOnes) {
  const DraftRecord own = this->StoredDraft(1, 1, 1);
  const DraftRecord theirs = this->StoredDraft(2, 10, 1, kOtherOrg);
  absl::Notification held, done;
  std::optional<DraftRecord> theirs_seen, own_seen;
  std::thread second([&] {
    if (!held.WaitForNotificationWithTimeout(absl::Seconds(20))) return;
    const absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto drafts, tx.GetDrafts({{kOtherOrg, theirs.id}, {kOrg, own.id}}));
      theirs_seen = drafts.at(0);
      own_seen = drafts.at(1);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    done.Notify();
  });
  const absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    // kOrg names the other organisation's draft (an attacker guessing ids) and its own.
    auto drafts = tx.GetDrafts({{kOrg, theirs.id}, {kOrg, own.id}});
    if (!drafts.ok()) return drafts.status();  // The helper gives up waiting.
    EXPECT_FALSE(drafts->at(0).has_value());
    EXPECT_TRUE(drafts->at(1).has_value());
    if (held.HasBeenNotified()) return absl::OkStatus();  // A rerun after a deadlock.
    held.Notify();
    // Bounded: a second transaction waiting for a lock would not be done within this.
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(20)));
    return absl::OkStatus();
  });
  second.join();
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(theirs_seen.has_value()) << "the other organisation's draft was locked";
  EXPECT_FALSE(own_seen.has_value()) << "a locked draft was not skipped";
}

TYPED_TEST(ConfirmationsContractTest, ListParticipantsOfEachDraftInAddedOrder) {
  this->StoredDraft(1, 1, 3);
  this->StoredDraft(2, 10, 0);
  this->StoredDraft(3, 20, 2);
  const absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    const std::vector<std::string> ids = {Id(3), Id(2), Id(1), Id(3)};
    ASSIGN_OR_RETURN(auto lists, tx.ListParticipantsOf(ids));
    EXPECT_EQ(lists.size(), ids.size());
    for (size_t i = 0; i < ids.size() && i < lists.size(); ++i) {
      ASSIGN_OR_RETURN(auto one, tx.ListParticipants(ids[i]));
      EXPECT_EQ(AllFields(lists[i]), AllFields(one)) << ids[i];
    }
    EXPECT_EQ(lists.size() > 2 ? lists[2].size() : 0u, 3u);
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
}

TYPED_TEST(ConfirmationsContractTest, InsertConfirmationsStoresWhatTheOneItemCallsWould) {
  // 1, 2 and 70 confirmations (beyond one statement's chunk), 0 to 3 lines each.
  int next = 1;
  for (const int count : {1, 2, 70}) {
    std::vector<NewConfirmation> batch;
    for (int k = 0; k < count; ++k, ++next) {
      const int lines = next % 4;
      const DraftRecord draft = this->StoredDraft(next, next * 10, lines);
      std::vector<std::string> insz;
      for (int i = 0; i < lines; ++i) insz.push_back(Insz(next * 10 + i));
      batch.push_back(this->Confirmation(draft, next, insz));
    }
    std::vector<int64_t> numbers;
    const absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(numbers, tx.InsertConfirmations(batch));
      std::vector<OutboxMessage> mails(batch.size());
      for (size_t i = 0; i < batch.size(); ++i) {
        mails[i].kind = "mail";
        mails[i].payload = batch[i].registration.id;
      }
      return tx.AppendOutboxAll(mails);
    });
    ASSERT_TRUE(status.ok()) << status;
    ASSERT_EQ(numbers.size(), batch.size());
    for (size_t i = 1; i < numbers.size(); ++i) EXPECT_LT(numbers[i - 1], numbers[i]);

    const absl::Status check = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
      for (size_t i = 0; i < batch.size(); ++i) {
        const NewConfirmation& c = batch[i];
        ASSIGN_OR_RETURN(auto head, tx.GetRegistration(kOrg, c.registration.id));
        EXPECT_EQ(Fields(head), Fields(c.registration));
        ASSIGN_OR_RETURN(auto version, tx.GetVersion(kOrg, c.registration.id, 1, true));
        EXPECT_EQ(Fields(version), Fields(c.version));
        EXPECT_EQ(version.receipt_number, numbers[i]);
        ASSIGN_OR_RETURN(auto draft, tx.GetDraft(kOrg, c.draft.id));
        DraftRecord expected = c.draft;
        expected.participant_count = static_cast<int>(c.version.participants.size());
        EXPECT_EQ(Fields(draft), Fields(expected));
        ASSIGN_OR_RETURN(auto seen,
                         tx.FindRequestId(kOrg, "confirm", c.request_id, c.request_fingerprint));
        EXPECT_EQ(seen, std::optional<std::string>(absl::StrCat(c.registration.id, "@1")));
        std::vector<std::string> insz;
        for (const auto& line : c.version.participants) insz.push_back(line.input.insz);
        ASSIGN_OR_RETURN(auto active, tx.FindActiveConflicts("ODB-1", 2025, insz, ""));
        EXPECT_EQ(active.size(), insz.size());
        for (const ActiveConflict& a : active) EXPECT_EQ(a.registration_id, c.registration.id);
      }
      return absl::OkStatus();
    });
    ASSERT_TRUE(check.ok()) << check;
  }
  EXPECT_EQ(this->backend_.OutboxCount(), next - 1);
}

TYPED_TEST(ConfirmationsContractTest, AClashOrAStaleDraftFailsTheCall) {
  const DraftRecord first = this->StoredDraft(1, 1, 1);
  const DraftRecord second = this->StoredDraft(2, 2, 1);
  const DraftRecord third = this->StoredDraft(3, 3, 1);
  // The same participant in two confirmations of the batch: the active index's key.
  absl::Status status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    return tx
        .InsertConfirmations(
            {this->Confirmation(first, 1, {Insz(1)}), this->Confirmation(second, 2, {Insz(1)})})
        .status();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  // A request id already recorded.
  ASSERT_TRUE(this->Tx([&](RegistrationTransaction& tx) {
                    return tx.RecordRequestId(kOrg, "confirm", "r-3", Id(77), "fp-3");
                  })
                  .ok());
  status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    return tx
        .InsertConfirmations(
            {this->Confirmation(first, 1, {Insz(1)}), this->Confirmation(third, 3, {Insz(3)})})
        .status();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  // A draft whose stored version is not the one before the confirmation's.
  NewConfirmation stale = this->Confirmation(second, 2, {Insz(2)});
  stale.draft.version = 5;
  status = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    return tx.InsertConfirmations({this->Confirmation(first, 1, {Insz(1)}), stale}).status();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;

  // Nothing of the failed calls stayed (the transactions rolled back).
  const absl::Status check = this->Tx([&](RegistrationTransaction& tx) -> absl::Status {
    for (int n : {1, 2, 3}) {
      EXPECT_EQ(tx.GetRegistration(kOrg, Id(n)).status().code(), absl::StatusCode::kNotFound);
      ASSIGN_OR_RETURN(auto draft, tx.GetDraft(kOrg, Id(n)));
      EXPECT_EQ(draft.state, DraftState::kOpen);
    }
    ASSIGN_OR_RETURN(auto active, tx.FindActiveConflicts("ODB-1", 2025, {Insz(1), Insz(2)}, ""));
    EXPECT_TRUE(active.empty());
    return absl::OkStatus();
  });
  ASSERT_TRUE(check.ok()) << check;
}

}  // namespace
}  // namespace wse::registration::store_test
