// Fault: two clients edit one draft at the same moment with the same etag (issue 9). Against a
// private stack: two members of one school, each with their own channel and token, read the
// draft, wait for each other, and change it at once: in even rounds each adds a participant of
// their own, in odd rounds both set the hours of the same participant to their own value. Every
// round exactly one wins and the other gets ABORTED (ETAG_MISMATCH); the draft then holds the
// winner's change and not the loser's, and after all rounds the participant list is exactly the
// winners' additions with the last winner's hours: no lost update, no phantom one.
#include <cstdio>
#include <latch>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/flow/identifiers.h"
#include "tests/reliability/private_stack.h"

namespace wse::testing {
namespace {

namespace reg = wse::registration::v1;

struct Edit {
  absl::Status status;
  std::string etag;  // The new etag when it won.
};

TEST(ConcurrentEditTest, SameEtagFromTwoClientsOneWinsOtherAbortedNoLostUpdate) {
  constexpr int kRounds = 30;
  PrivateStack stack;
  ASSERT_TRUE(stack.Start().ok()) << stack.Logs();
  flow::Flow setup(stack.services());
  ASSERT_OK_AND_ASSIGN(flow::School school,
                       setup.NewSchool("Atheneum Gelijktijdig", 2, /*grant=*/true));
  ASSERT_EQ(school.tokens.size(), 2u);
  const std::string odb = flow::NewOdbNumber();
  ASSERT_TRUE(setup.ImportTraining(odb, school.org).ok());
  auto created = setup.PrepareDraft(school.tokens[0], school.org, odb, 1);  // "Deelnemer 1"
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string draft = created->name;

  // Two clients: their own channels, their own tokens.
  flow::Flow a(stack.services()), b(stack.services());
  flow::Flow* clients[2] = {&a, &b};
  const char* labels[2] = {"A", "B"};
  std::set<std::string> expected_names = {"Deelnemer 1"};
  double expected_hours = 36;
  int wins[2] = {0, 0}, aborted_etag = 0, other_outcomes = 0, lost = 0, phantom = 0;

  for (int round = 0; round < kRounds; ++round) {
    const bool add_round = round % 2 == 0;
    auto before_a = a.GetDraft(school.tokens[0], draft);
    auto before_b = b.GetDraft(school.tokens[1], draft);
    ASSERT_TRUE(before_a.ok() && before_b.ok());
    ASSERT_EQ(before_a->etag(), before_b->etag());
    std::string shared_participant;
    for (const auto& p : before_a->participants()) {
      if (p.display_name() == "Deelnemer 1") shared_participant = p.name();
    }
    ASSERT_FALSE(shared_participant.empty());

    Edit edits[2];
    std::latch go(2);
    std::thread threads[2];
    for (int c = 0; c < 2; ++c) {
      threads[c] = std::thread([&, c] {
        const std::string& etag = (c == 0 ? before_a : before_b)->etag();
        go.arrive_and_wait();  // Both hold the same etag; now both write.
        if (add_round) {
          auto added = clients[c]->AddParticipant(
              school.tokens[c], draft, etag,
              flow::Attending(absl::StrCat(labels[c], "-", round), 30, 40));
          edits[c].status = added.status();
          if (added.ok()) edits[c].etag = added->etag();
        } else {
          auto updated = clients[c]->UpdateHoursPresent(school.tokens[c], shared_participant, etag,
                                                        (c == 0 ? 10 : 20) + round % 10);
          edits[c].status = updated.status();
          if (updated.ok()) edits[c].etag = updated->etag();
        }
      });
    }
    for (std::thread& t : threads) t.join();

    const int winners = (edits[0].status.ok() ? 1 : 0) + (edits[1].status.ok() ? 1 : 0);
    EXPECT_EQ(winners, 1) << "round " << round << ": " << edits[0].status << " / "
                          << edits[1].status;
    int winner = edits[0].status.ok() ? 0 : 1;
    const int loser = 1 - winner;
    if (winners == 1) {
      ++wins[winner];
      if (edits[loser].status.code() == absl::StatusCode::kAborted &&
          ReasonOf(edits[loser].status) == "ETAG_MISMATCH") {
        ++aborted_etag;
      } else {
        ++other_outcomes;
        ADD_FAILURE() << "round " << round << ": the loser got " << edits[loser].status;
      }
      if (add_round) {
        expected_names.insert(absl::StrCat(labels[winner], "-", round));
      } else {
        expected_hours = (winner == 0 ? 10 : 20) + round % 10;
      }
    } else {
      ++other_outcomes;
      winner = -1;
    }

    // The draft now: the winner's change, not the loser's; the etag the winner was given.
    auto after = a.GetDraft(school.tokens[0], draft);
    ASSERT_TRUE(after.ok()) << after.status();
    if (winner >= 0) {
      EXPECT_EQ(after->etag(), edits[winner].etag) << "round " << round;
    }
    std::set<std::string> names;
    double hours = -1;
    for (const auto& p : after->participants()) {
      names.insert(p.display_name());
      if (p.display_name() == "Deelnemer 1") hours = p.attendance().hours_present();
    }
    for (const std::string& name : expected_names) {
      if (names.count(name) == 0) ++lost;
    }
    for (const std::string& name : names) {
      if (expected_names.count(name) == 0) ++phantom;
    }
    EXPECT_EQ(names, expected_names) << "round " << round;
    EXPECT_DOUBLE_EQ(hours, expected_hours) << "round " << round;
  }
  EXPECT_EQ(aborted_etag, kRounds);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(phantom, 0);

  std::printf(
      "[ measure  ] concurrent edits: %d rounds (%d adds, %d updates of one participant), one "
      "winner each: A %d, B %d; loser ABORTED/ETAG_MISMATCH %d, other outcomes %d; final "
      "participants %zu = 1 + the winners' adds; lost updates %d, phantom changes %d\n",
      kRounds, (kRounds + 1) / 2, kRounds / 2, wins[0], wins[1], aborted_etag, other_outcomes,
      expected_names.size(), lost, phantom);
}

}  // namespace
}  // namespace wse::testing
