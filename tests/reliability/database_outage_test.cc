// Fault: MariaDB stopped mid-traffic and restarted (issue 9). Against a private stack: clients
// keep confirming prepared drafts (deadline per call, retry with the same request_id) and keep
// checking health while the database is stopped for a few seconds and started again. While it is
// down every service reports NOT_SERVING and callers get UNAVAILABLE (permission checks once
// rights-svc's lease on its remembered revisions ran out), no call outlives its
// deadline and no process dies; afterwards everything recovers without restarting a service, and
// the registrations stored match the acknowledgements: none lost, none doubled. Twice: a clean
// shutdown (SIGTERM) and a crash (SIGKILL, then InnoDB crash recovery), so an acknowledged
// confirmation must also have been durable.
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/flow/identifiers.h"
#include "tests/reliability/confirm_traffic.h"
#include "tests/reliability/private_stack.h"
#include "tests/support/grpc_helpers.h"

namespace wse::testing {
namespace {

enum class StopMode { kShutdown, kCrash };

class DatabaseOutageTest : public ::testing::TestWithParam<StopMode> {};

TEST_P(DatabaseOutageTest, ConfirmsAndHealthSurviveAMariaDbRestartNothingLostOrDoubled) {
  const bool crash = GetParam() == StopMode::kCrash;
  constexpr int kDrafts = 120;
  const absl::Duration kDeadline = absl::Seconds(2);
  const absl::Duration kOutage = absl::Seconds(3);
  const absl::Duration kRightsLease = absl::Seconds(1);

  PrivateStack stack;
  PrivateStackOptions stack_options;
  stack_options.rights_flags = {
      absl::StrCat("--replica_lease=", absl::FormatDuration(kRightsLease))};
  ASSERT_TRUE(stack.Start(stack_options).ok()) << stack.Logs();
  flow::Flow flow(stack.services());
  ASSERT_OK_AND_ASSIGN(flow::School school,
                       flow.NewSchool("Atheneum Stroomuitval", 1, /*grant=*/true));
  ASSERT_FALSE(school.tokens.empty());
  ASSERT_FALSE(school.tokens[0].empty());
  const std::string odb = flow::NewOdbNumber();
  ASSERT_TRUE(flow.ImportTraining(odb, school.org).ok());
  std::vector<flow::PreparedDraft> drafts;
  for (int i = 0; i < kDrafts; ++i) {
    auto draft = flow.PrepareDraft(school.tokens[0], school.org, odb, 1);
    ASSERT_TRUE(draft.ok()) << draft.status();
    drafts.push_back(*draft);
  }
  std::map<std::string, pid_t> pids;
  for (ServiceProcess* s : stack.Services()) pids[s->program()] = s->pid();

  ConfirmTrafficOptions options;
  options.threads = 6;  // Several confirms in flight when the database goes.
  options.deadline = kDeadline;
  options.pace = absl::ZeroDuration();
  ConfirmTraffic traffic(flow, school.tokens[0], drafts, options);
  std::vector<std::unique_ptr<HealthWatcher>> health;
  for (ServiceProcess* s : stack.Services()) {
    health.push_back(std::make_unique<HealthWatcher>(s->port(), s->full_name()));
    health.back()->Start();
  }
  const absl::Time t0 = absl::Now();
  traffic.Start();

  // A quarter acknowledged, the rest still to come: stop the database under the traffic.
  ASSERT_TRUE(traffic.WaitAcked(kDrafts / 4, absl::Seconds(30)))
      << traffic.Summary() << stack.Logs();
  const int acked_before = traffic.acked();
  const absl::Time stop_at = absl::Now();
  if (crash) {
    stack.db().Kill();
  } else {
    stack.db().Stop();
  }
  const absl::Time stopped_at = absl::Now();
  for (auto& watcher : health) {
    EXPECT_TRUE(watcher->WaitSeen("NOT_SERVING", absl::Seconds(5))) << watcher->Transitions();
  }
  const absl::Time not_serving_at = absl::Now();
  // The other services' callers too: a login (identity-svc), reading a draft
  // (registration-svc): UNAVAILABLE, within their deadline. A live permission check (rights-svc)
  // may still be answered from the remembered revision while rights-svc's lease runs (nobody can
  // change rights meanwhile: the database is down), and is UNAVAILABLE once the lease ran out.
  std::map<std::string, absl::Status> others;
  const auto others_start = std::chrono::steady_clock::now();
  others["identity ExchangeIdToken"] = flow.Login(school.users[0], {kDeadline, ""}).status();
  const absl::Status remembered =
      flow.CheckPermission(school.tokens[0], school.users[0].name, school.org, {kDeadline, ""})
          .status();
  others["registration GetDraft"] = flow.GetDraft(school.tokens[0], drafts.back().name).status();
  const double others_millis = MillisBetween(others_start, std::chrono::steady_clock::now());
  EXPECT_TRUE(remembered.ok() || absl::IsUnavailable(remembered)) << remembered;
  absl::SleepFor(kRightsLease - (absl::Now() - stopped_at) + absl::Milliseconds(100));
  others["rights CheckPermission"] =
      flow.CheckPermission(school.tokens[0], school.users[0].name, school.org, {kDeadline, ""})
          .status();
  for (const auto& [call, status] : others) {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << call << ": " << status;
  }
  absl::SleepFor(kOutage - (absl::Now() - stopped_at));
  const int acked_during = traffic.acked();
  stack.db().Start();
  const absl::Time restarted_at = absl::Now();

  // Recovery without restarting anything.
  bool all_serving = WaitFor(
      [&] {
        for (ServiceProcess* s : stack.Services()) {
          if (HealthOf(s->port(), s->full_name()) != "SERVING") return false;
        }
        return true;
      },
      absl::Seconds(15));
  const absl::Time serving_at = absl::Now();
  EXPECT_TRUE(all_serving) << stack.Logs();
  EXPECT_TRUE(traffic.WaitAcked(kDrafts, absl::Seconds(30))) << stack.Logs();
  const absl::Time all_acked_at = absl::Now();
  traffic.Stop();
  for (auto& watcher : health) watcher->Stop();

  // No process died or was replaced.
  for (ServiceProcess* s : stack.Services()) {
    EXPECT_TRUE(s->Running()) << s->program() << " died:\n" << s->LogTail();
    EXPECT_EQ(s->pid(), pids[s->program()]) << s->program();
  }
  // While down: NOT_SERVING, and every failed confirm was UNAVAILABLE; no call outlived its
  // deadline (a little slack for the client's own scheduling under sanitizers).
  const auto codes = traffic.CodeHistogram();
  const auto messages = traffic.FirstMessages();
  for (const auto& [code, count] : codes) {
    EXPECT_TRUE(code == "OK" || code == "UNAVAILABLE")
        << count << " confirm(s) answered " << code << ", first: " << messages.at(code);
  }
  EXPECT_GT(codes.count("UNAVAILABLE") ? codes.at("UNAVAILABLE") : 0, 0)
      << "no confirm met the outage";
  EXPECT_LT(traffic.MaxMillis(), absl::ToDoubleMilliseconds(kDeadline) + 500);
  for (auto& watcher : health) {
    EXPECT_LT(watcher->MaxMillis(), 1500) << watcher->Transitions();
  }

  // Stored vs acknowledged: every draft acknowledged once, every acknowledgement stored once.
  std::set<std::string> registrations, receipts;
  for (const auto& ack : traffic.acks()) {
    ASSERT_TRUE(ack.has_value());
    registrations.insert(LastSegment(ack->registration().name()));
    receipts.insert(ack->receipt().reference());
  }
  EXPECT_EQ(registrations.size(), static_cast<size_t>(kDrafts));
  EXPECT_EQ(receipts.size(), static_cast<size_t>(kDrafts));
  EXPECT_EQ(traffic.inconsistent_acks(), 0);
  const std::string org = LastSegment(school.org);
  const std::string in_org = " WHERE organization_id = '" + org + "'";
  const int64_t stored = stack.Count("SELECT COUNT(*) FROM wse_registration.registrations" + in_org);
  const int64_t versions =
      stack.Count("SELECT COUNT(*) FROM wse_registration.registration_versions" + in_org);
  const int64_t confirmed_drafts =
      stack.Count("SELECT COUNT(*) FROM wse_registration.drafts" + in_org + " AND state = 2");
  const int64_t request_ids = stack.Count(
      "SELECT COUNT(*) FROM wse_registration.request_ids" + in_org + " AND kind = 'confirm'");
  const int64_t matching = stack.Count(
      "SELECT COUNT(*) FROM wse_registration.registrations WHERE id IN ('" +
      absl::StrJoin(registrations, "','") + "')");
  const int64_t receipt_mails = stack.Count("SELECT COUNT(*) FROM wse_registration.outbox");
  EXPECT_EQ(stored, kDrafts);
  EXPECT_EQ(versions, kDrafts);
  EXPECT_EQ(confirmed_drafts, kDrafts);
  EXPECT_EQ(request_ids, kDrafts);
  EXPECT_EQ(matching, kDrafts);
  EXPECT_EQ(receipt_mails, kDrafts);  // One receipt mail queued per registration.
  if (matching != kDrafts) {
    // Which acknowledged registrations are missing, and how their confirmations went.
    for (size_t i = 0; i < traffic.acks().size(); ++i) {
      const std::string id = LastSegment(traffic.acks()[i]->registration().name());
      if (stack.Count("SELECT COUNT(*) FROM wse_registration.registrations WHERE id = '" + id +
                      "'") == 1) {
        continue;
      }
      std::string history;
      for (const ConfirmAttempt& a : traffic.Attempts()) {
        if (a.draft != i) continue;
        absl::StrAppend(&history, "\n  ", a.call_id, " ", absl::StatusCodeToString(a.code), " ",
                        a.millis, " ms, answered ",
                        absl::FormatTime("%H:%M:%E3S", a.at, absl::UTCTimeZone()), " ", a.message);
      }
      ADD_FAILURE() << "acknowledged but not stored: draft " << i << " registration " << id
                    << " (stop at "
                    << absl::FormatTime("%H:%M:%E3S", stop_at, absl::UTCTimeZone()) << ")"
                    << history;
    }
  }

  std::printf(
      "[ measure  ] MariaDB %s: %d drafts, %d confirm calls (%s); acknowledged %zu "
      "(before stop %d, during outage %d), stored %lld registrations / %lld versions / %lld "
      "receipt mails; slowest confirm %.0f ms (deadline %.0f ms)\n",
      crash ? "crash (SIGKILL)" : "shutdown (SIGTERM)", kDrafts, traffic.attempts(),
      FormatCounts(codes).c_str(), registrations.size(),
      acked_before, acked_during - acked_before, static_cast<long long>(stored),
      static_cast<long long>(versions), static_cast<long long>(receipt_mails),
      traffic.MaxMillis(), absl::ToDoubleMilliseconds(kDeadline));
  std::printf(
      "[ measure  ] timeline: traffic 0 s, stop %.2f s (took %.2f s), all NOT_SERVING after "
      "%.2f s, restart %.2f s, all SERVING %.2f s after restart, last ack %.2f s after restart\n",
      absl::ToDoubleSeconds(stop_at - t0), absl::ToDoubleSeconds(stopped_at - stop_at),
      absl::ToDoubleSeconds(not_serving_at - stopped_at), absl::ToDoubleSeconds(restarted_at - t0),
      absl::ToDoubleSeconds(serving_at - restarted_at),
      absl::ToDoubleSeconds(all_acked_at - restarted_at));
  std::printf(
      "[ measure  ] confirms in flight when the database went: %s; of the failed ones, "
      "committed before (answer lost, retry answered the stored one): %lld\n",
      FormatCounts(traffic.InFlightAt(stop_at)).c_str(),
      static_cast<long long>(
          CommittedBefore(stack, traffic, traffic.InterruptedAt(stop_at), stopped_at)));
  std::string other_codes;
  for (const auto& [call, status] : others) {
    absl::StrAppend(&other_codes, other_codes.empty() ? "" : ", ", call, " ",
                    absl::StatusCodeToString(status.code()));
  }
  std::printf("[ measure  ] other callers during the outage: %s (all three in %.0f ms)\n",
              other_codes.c_str(), others_millis);
  for (size_t i = 0; i < health.size(); ++i) {
    std::printf("[ measure  ] health %s: %s (%s), slowest check %.0f ms\n",
                stack.Services()[i]->program().c_str(), health[i]->Transitions().c_str(),
                FormatCounts(health[i]->Histogram()).c_str(), health[i]->MaxMillis());
  }
}

INSTANTIATE_TEST_SUITE_P(StopModes, DatabaseOutageTest,
                         ::testing::Values(StopMode::kShutdown, StopMode::kCrash),
                         [](const ::testing::TestParamInfo<StopMode>& param) {
                           return param.param == StopMode::kCrash ? "Crash" : "Shutdown";
                         });

}  // namespace
}  // namespace wse::testing
