// The confirm writer under a race, on MariaDB: many ConfirmDraft calls at once, mixing clean
// drafts with every kind of item a batch must not let down or be let down by (a stale etag, two
// drafts claiming one participant, one request id for two drafts, the same confirmation sent
// twice at once). A checker then holds each answer to what ConfirmDraft alone would have said,
// and the database to one registration, one receipt number and one receipt mail per success.
// Several rounds; the writer's metrics show batches of many and replays did happen.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/barrier.h"
#include "common/metrics.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "identity-svc/client/fake_identity_client.h"
#include "registration-svc/domain/registration_manager.h"
#include "tests/integration/registration/store_test_support.h"
#include "tests/support/registration_records.h"

namespace wse::registration::store_test {
namespace {

class AllowEveryone : public Permissions {
 public:
  absl::StatusOr<PermissionView> Explain(const std::string&, const std::string&, const std::string&,
                                         const RequestContext&) override {
    return PermissionView{};
  }
  absl::StatusOr<bool> Allowed(const std::string&, const std::string&, const std::string&,
                               const RequestContext&) override {
    return true;
  }
};

// A valid INSZ (born 30 July 1985, serial n in 1..997): check digits 97 - (first nine mod 97).
std::string ValidInsz(int n) {
  const long long first_nine = 850730000LL + n;
  return absl::StrFormat("%09d%02d", first_nine, 97 - first_nine % 97);
}

enum class Kind { kClean, kStaleEtag, kSharedParticipant, kSharedRequestId, kSentTwice };

struct Call {
  Kind kind = Kind::kClean;
  int group = -1;  // Calls of one pair (shared participant / request id / sent twice).
  std::string draft_id;
  std::string etag;
  std::string request_id;
  absl::StatusOr<RegistrationView> answer = absl::UnknownError("not called");
};

class ConfirmWriterRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.ready().ok()) << db_.ready();
    const TrainingImportItem item =
        testing::ContactHoursTrainingImport("ODB-1", "school", "Boekhouden");
    auto imported = manager_->ImportTrainings(Actor{"", "", true}, {item}, false, call_);
    ASSERT_TRUE(imported.ok()) << imported.status();
  }

  // An open draft for `school_year` with these participants; its id and etag.
  std::pair<std::string, std::string> Draft(int school_year, const std::vector<std::string>& insz) {
    auto draft = manager_->CreateDraft(jan_, "ODB-1", school_year,
                                       absl::StrCat("draft-", ++drafts_made_), call_);
    EXPECT_TRUE(draft.ok()) << draft.status();
    if (!draft.ok()) return {};
    std::string etag = EtagOf(draft->draft.version);
    for (const std::string& one : insz) {
      auto added = manager_->AddParticipant(
          jan_, draft->draft.id, etag, testing::AttendingParticipantRecord(one, 10, 20), call_);
      EXPECT_TRUE(added.ok()) << added.status();
      if (added.ok()) etag = EtagOf(added->draft_version);
    }
    return {draft->draft.id, etag};
  }

  static double Batches() {
    return HistogramOf("wse_group_commit_batch_items", "", {{"writer", "confirm"}}, {})
        .Collect()
        .histogram.sample_count;
  }
  static double BatchedItems() {
    return HistogramOf("wse_group_commit_batch_items", "", {{"writer", "confirm"}}, {})
        .Collect()
        .histogram.sample_sum;
  }
  static double Replays() {
    return CounterOf("wse_group_commit_replays_total", "", {{"writer", "confirm"}})
        .Collect()
        .counter.value;
  }

  MysqlBackend db_;
  AllowEveryone permissions_;
  identity::FakeIdentityClient directory_ = [] {
    identity::FakeIdentityClient directory;
    directory.any_person = [](const std::string& id) {
      return identity::PersonInfo{id, "Naam van " + id, "", "", "nl"};
    };
    directory.any_organization =
        [](const std::string& id) -> std::optional<identity::OrganizationInfo> {
      return identity::OrganizationInfo{id, "School " + id, {}};
    };
    return directory;
  }();
  std::unique_ptr<RegistrationManager> manager_ = std::make_unique<RegistrationManager>(
      db_.store(), permissions_, directory_, RegistrationConfig());
  Actor jan_{"jan", "school", false};
  RequestContext call_;
  int drafts_made_ = 0;
};

TEST_F(ConfirmWriterRaceTest, EveryCallerGetsWhatConfirmingAloneWouldGive) {
  constexpr int kRounds = 4;
  const double batches_before = Batches(), items_before = BatchedItems();
  const double replays_before = Replays();
  std::set<int64_t> receipt_numbers;
  int successes = 0;
  for (int round = 0; round < kRounds; ++round) {
    const int year = 2020 + round;  // A fresh active-participant index per round.
    int next_insz = 1;
    std::vector<Call> calls;
    auto add = [&](Kind kind, int group, const std::pair<std::string, std::string>& draft,
                   std::string request_id, std::string etag = "") {
      Call call;
      call.kind = kind;
      call.group = group;
      call.draft_id = draft.first;
      call.etag = etag.empty() ? draft.second : etag;
      call.request_id = std::move(request_id);
      calls.push_back(std::move(call));
    };
    int group = 0;
    for (int i = 0; i < 24; ++i) {
      add(Kind::kClean, -1, Draft(year, {ValidInsz(next_insz), ValidInsz(next_insz + 1)}),
          absl::StrCat("clean-", round, "-", i));
      next_insz += 2;
    }
    for (int i = 0; i < 4; ++i) {
      add(Kind::kStaleEtag, -1, Draft(year, {ValidInsz(next_insz++)}),
          absl::StrCat("stale-", round, "-", i), "999");
    }
    for (int i = 0; i < 4; ++i, ++group) {  // Two drafts, one participant.
      const std::string shared = ValidInsz(next_insz++);
      add(Kind::kSharedParticipant, group, Draft(year, {shared, ValidInsz(next_insz++)}),
          absl::StrCat("shared-", round, "-", i, "-a"));
      add(Kind::kSharedParticipant, group, Draft(year, {ValidInsz(next_insz++), shared}),
          absl::StrCat("shared-", round, "-", i, "-b"));
    }
    for (int i = 0; i < 4; ++i, ++group) {  // Two drafts, one request id.
      const std::string request_id = absl::StrCat("reused-", round, "-", i);
      add(Kind::kSharedRequestId, group, Draft(year, {ValidInsz(next_insz++)}), request_id);
      add(Kind::kSharedRequestId, group, Draft(year, {ValidInsz(next_insz++)}), request_id);
    }
    for (int i = 0; i < 4; ++i, ++group) {  // One confirmation sent twice at once.
      const auto draft = Draft(year, {ValidInsz(next_insz++)});
      add(Kind::kSentTwice, group, draft, absl::StrCat("twice-", round, "-", i));
      add(Kind::kSentTwice, group, draft, absl::StrCat("twice-", round, "-", i));
    }

    absl::Barrier start(static_cast<int>(calls.size()));
    std::vector<std::thread> threads;
    for (Call& call : calls) {
      threads.emplace_back([&] {
        start.Block();
        call.answer = manager_->ConfirmDraft(jan_, call.draft_id, call.etag, call.request_id,
                                             RequestContext());
      });
    }
    for (std::thread& thread : threads) thread.join();

    // The checker.
    std::map<int, std::vector<const Call*>> groups;
    absl::flat_hash_set<std::string> registrations;
    for (const Call& call : calls) {
      if (call.group >= 0) groups[call.group].push_back(&call);
      if (call.answer.ok()) {
        registrations.insert(call.answer->version.registration_id);
        receipt_numbers.insert(call.answer->version.receipt_number);
      }
      switch (call.kind) {
        case Kind::kClean:
          EXPECT_TRUE(call.answer.ok()) << call.request_id << ": " << call.answer.status();
          break;
        case Kind::kStaleEtag:
          EXPECT_EQ(ReasonOf(call.answer.status()), "ETAG_MISMATCH") << call.answer.status();
          break;
        default:
          break;
      }
    }
    for (const auto& [id, pair] : groups) {
      ASSERT_EQ(pair.size(), 2u);
      const Call& a = *pair[0];
      const Call& b = *pair[1];
      if (a.kind == Kind::kSentTwice) {
        ASSERT_TRUE(a.answer.ok() && b.answer.ok())
            << a.answer.status() << " / " << b.answer.status();
        EXPECT_EQ(a.answer->version.registration_id, b.answer->version.registration_id);
        EXPECT_EQ(a.answer->version.receipt_number, b.answer->version.receipt_number);
        continue;
      }
      ASSERT_NE(a.answer.ok(), b.answer.ok())
          << a.request_id << ": " << a.answer.status() << " / " << b.answer.status();
      const absl::Status& refused = a.answer.ok() ? b.answer.status() : a.answer.status();
      if (a.kind == Kind::kSharedRequestId) {
        EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
      } else {
        const std::string reason = ReasonOf(refused);
        EXPECT_TRUE(reason == "VALIDATION_FAILED" || reason == "PARTICIPANT_ALREADY_REGISTERED")
            << refused;
      }
    }
    successes += static_cast<int>(registrations.size());
  }

  // One registration, receipt number and receipt mail per success, nothing else.
  EXPECT_EQ(static_cast<int>(receipt_numbers.size()), successes);
  EXPECT_EQ(db_.Query("SELECT COUNT(*) FROM registrations"), absl::StrCat(successes));
  EXPECT_EQ(db_.Query("SELECT COUNT(DISTINCT receipt_number) FROM registration_versions"),
            absl::StrCat(successes));
  EXPECT_EQ(db_.OutboxCount(), successes);
  EXPECT_EQ(db_.Query("SELECT COUNT(*) FROM drafts WHERE state = 2"), absl::StrCat(successes));
  // The race was run through batches of many, and batches that failed as a whole were replayed.
  const double batches = Batches() - batches_before;
  const double items = BatchedItems() - items_before;
  EXPECT_GT(items, batches) << "no batch held more than one confirmation";
  EXPECT_GT(Replays() - replays_before, 0) << "no batch was replayed";
  std::printf("[ confirm  ] %d calls in %.0f batches (%.1f per batch), %.0f replayed\n",
              static_cast<int>(items), batches, batches > 0 ? items / batches : 0.0,
              Replays() - replays_before);
}

}  // namespace
}  // namespace wse::registration::store_test
