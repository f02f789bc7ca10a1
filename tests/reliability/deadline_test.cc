// Fault: a slow downstream (issue 9). rights-svc is frozen with SIGSTOP (it accepts connections
// but never answers), so registration-svc's live permission check (CheckPermission, the first
// thing every registration call does) hangs. The caller's deadline must reach that downstream
// call: a confirm with a short deadline ends with DEADLINE_EXCEEDED at about that deadline, in
// the client AND in registration-svc's own access log (not after the service's own 3 s cap on
// rights calls); and a burst of such calls must not pile up threads in registration-svc
// (/proc/<pid>/status Threads before, during and after). A caller with a long deadline is cut
// at the service's cap. After SIGCONT everything works again.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/service_host.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/flow/identifiers.h"
#include "tests/reliability/private_stack.h"

namespace wse::testing {
namespace {

// The name (/proc/<pid>/task/*/comm) of the gRPC sync server's handler threads.
constexpr char kHandlerThreads[] = "grpcpp_sync_ser";
// gRPC's timer threads (names cut to 15 characters by the kernel): started on demand, not per
// call, and they may outlive a burst for a while.
constexpr char kTimerThreads[] = "grpc_global_tim";

struct LoggedCall {
  bool found = false;
  std::string code;
  double millis = -1;
};

// The access-log line of the call with x-request-id `id` in a service's JSON log.
LoggedCall FindLoggedCall(const std::string& log, const std::string& id) {
  LoggedCall call;
  const std::string key = absl::StrCat("\"request_id\":\"", id, "\"");
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (!absl::StrContains(line, key) || !absl::StrContains(line, "\"msg\":\"call\"")) continue;
    auto field = [&](absl::string_view name) {
      const std::string prefix = absl::StrCat("\"", name, "\":\"");
      const size_t at = line.find(prefix);
      if (at == absl::string_view::npos) return std::string();
      const size_t start = at + prefix.size();
      return std::string(line.substr(start, line.find('"', start) - start));
    };
    call.found = true;
    call.code = field("code");
    if (!absl::SimpleAtod(field("duration_ms"), &call.millis)) call.millis = -1;
  }
  return call;
}

TEST(DeadlineTest, CallerDeadlineReachesRightsAndFrozenRightsPilesUpNoThreads) {
  PrivateStack stack;
  // Every call asks rights-svc here: kept answers (kept_answers.h) would let the confirms skip
  // the frozen downstream this test is about while their lease runs.
  PrivateStackOptions options;
  options.registration_flags = {"--replica_address="};
  ASSERT_TRUE(stack.Start(options).ok()) << stack.Logs();
  flow::Flow flow(stack.services());
  ASSERT_OK_AND_ASSIGN(flow::School school, flow.NewSchool("Atheneum Traag", 1, /*grant=*/true));
  ASSERT_FALSE(school.tokens.empty());
  ASSERT_FALSE(school.tokens[0].empty());
  const std::string token = school.tokens[0];
  const std::string odb = flow::NewOdbNumber();
  ASSERT_TRUE(flow.ImportTraining(odb, school.org).ok());
  std::vector<flow::PreparedDraft> drafts;
  for (int i = 0; i < 3; ++i) {
    auto draft = flow.PrepareDraft(token, school.org, odb, 1);
    ASSERT_TRUE(draft.ok()) << draft.status();
    drafts.push_back(*draft);
  }
  // Warm: one confirm end to end (caches the names registration-svc asks identity-svc for).
  ASSERT_TRUE(flow.Confirm(token, drafts[0], {absl::Seconds(10), ""}).ok());
  ServiceProcess& registration = stack.registration();
  absl::SleepFor(absl::Seconds(1));
  const int threads_before = registration.Threads();
  const std::string names_before = registration.ThreadNames();
  const int handlers_before = registration.ThreadsByName()[kHandlerThreads];
  const int timers_before = registration.ThreadsByName()[kTimerThreads];
  ASSERT_GT(threads_before, 0);

  stack.rights().Signal(SIGSTOP);

  // One call with a 500 ms deadline.
  const absl::Duration kShort = absl::Milliseconds(500);
  const auto start = std::chrono::steady_clock::now();
  auto short_call = flow.Confirm(token, drafts[1], {kShort, "deadline-short"});
  const double short_millis = MillisBetween(start, std::chrono::steady_clock::now());
  EXPECT_EQ(short_call.status().code(), absl::StatusCode::kDeadlineExceeded) << short_call.status();
  EXPECT_GE(short_millis, 450);
  EXPECT_LT(short_millis, 1000);
  // The service gave up at the caller's deadline too, not at its own 3 s cap on rights calls.
  LoggedCall logged;
  EXPECT_TRUE(
      WaitFor([&] { return (logged = FindLoggedCall(registration.Log(), "deadline-short")).found; },
              absl::Seconds(5)))
      << registration.LogTail();
  EXPECT_EQ(logged.code, "DEADLINE_EXCEEDED");
  EXPECT_GE(logged.millis, 400);
  EXPECT_LT(logged.millis, 1000);

  // A burst: 8 clients x 16 confirms, 250 ms deadline each, while rights-svc stays frozen.
  constexpr int kClients = 8, kCallsEach = 16;
  const absl::Duration kBurstDeadline = absl::Milliseconds(250);
  std::atomic<int> deadline_exceeded{0}, other{0};
  std::atomic<bool> burst_done{false};
  std::atomic<double> slowest{0};
  int threads_peak = threads_before, handlers_peak = handlers_before;
  std::thread sampler([&] {
    while (!burst_done) {
      threads_peak = std::max(threads_peak, registration.Threads());
      handlers_peak = std::max(handlers_peak, registration.ThreadsByName()[kHandlerThreads]);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const auto burst_start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int n = 0; n < kCallsEach; ++n) {
        const auto call_start = std::chrono::steady_clock::now();
        auto result = flow.Confirm(token, drafts[2],
                                   {kBurstDeadline, absl::StrCat("deadline-burst-", c, "-", n)});
        const double millis = MillisBetween(call_start, std::chrono::steady_clock::now());
        double seen = slowest.load();
        while (millis > seen && !slowest.compare_exchange_weak(seen, millis)) {
        }
        if (result.status().code() == absl::StatusCode::kDeadlineExceeded) {
          ++deadline_exceeded;
        } else {
          ++other;
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  const double burst_seconds =
      MillisBetween(burst_start, std::chrono::steady_clock::now()) / 1000.0;
  burst_done = true;
  sampler.join();
  // Handlers return with their callers. The threads that ran them stay as idle pollers (up to
  // ServiceHostOptions::idle_threads, so that a busy server does not create a thread per call),
  // but nothing grows once the burst is over. (gRPC's timer threads may stay a little higher
  // for a while; bounded, not per call.)
  // Timer threads are counted as they were before the burst (see kTimerThreads).
  int threads_after = registration.Threads(), handlers_after = 0;
  WaitFor(
      [&] {
        std::map<std::string, int> by_name = registration.ThreadsByName();
        threads_after = registration.Threads() - by_name[kTimerThreads] + timers_before;
        handlers_after = by_name[kHandlerThreads];
        return handlers_after <= handlers_peak && threads_after <= threads_peak;
      },
      absl::Seconds(3));
  const std::string names_after = registration.ThreadNames();
  EXPECT_EQ(deadline_exceeded.load(), kClients * kCallsEach);
  EXPECT_EQ(other.load(), 0);
  EXPECT_LT(slowest.load(), absl::ToDoubleMilliseconds(kBurstDeadline) + 500);
  // Bounded by the concurrency (8 handlers waiting at a time, plus gRPC's pollers), not by the
  // number of calls (128) or by how long a stuck handler would wait (3 s cap x call rate).
  EXPECT_LE(threads_peak, threads_before + 2 * kClients + 8);
  // (gRPC's sync server may start a few spare handler threads; 15 seen with 8 clients.)
  EXPECT_LE(handlers_peak, handlers_before + kClients + 8);
  EXPECT_LE(handlers_after, handlers_peak);
  EXPECT_LE(handlers_after, ServiceHostOptions{}.idle_threads);
  EXPECT_LE(threads_after, threads_peak);
  int logged_burst = 0, logged_burst_in_time = 0;
  const std::string log = registration.Log();
  for (int c = 0; c < kClients; ++c) {
    for (int n = 0; n < kCallsEach; ++n) {
      LoggedCall call = FindLoggedCall(log, absl::StrCat("deadline-burst-", c, "-", n));
      if (!call.found) continue;
      ++logged_burst;
      if (call.code == "DEADLINE_EXCEEDED" && call.millis < 1000) ++logged_burst_in_time;
    }
  }
  // A call whose deadline passed before registration-svc took it up is never run (not logged);
  // every call it did run ended at its caller's deadline.
  EXPECT_GE(logged_burst, kClients * kCallsEach * 9 / 10);
  EXPECT_EQ(logged_burst_in_time, logged_burst);

  // A caller with a long deadline is cut by the service's own cap on rights calls (3 s).
  const auto long_start = std::chrono::steady_clock::now();
  auto long_call = flow.Confirm(token, drafts[2], {absl::Seconds(10), "deadline-long"});
  const double long_millis = MillisBetween(long_start, std::chrono::steady_clock::now());
  EXPECT_FALSE(long_call.ok());
  // Not the caller's deadline that passed: retryable, UNAVAILABLE (see permissions.cc).
  EXPECT_EQ(long_call.status().code(), absl::StatusCode::kUnavailable) << long_call.status();
  EXPECT_GE(long_millis, 2800);
  EXPECT_LT(long_millis, 5000);
  const LoggedCall long_logged = FindLoggedCall(registration.Log(), "deadline-long");

  // Thawed: the next confirm works, and registration-svc never restarted.
  stack.rights().Signal(SIGCONT);
  auto thawed = flow.Confirm(token, drafts[2], {absl::Seconds(10), "deadline-thawed"});
  EXPECT_TRUE(thawed.ok()) << thawed.status();
  EXPECT_TRUE(registration.Running());
  // What the frozen rights-svc did with the calls queued for it once thawed: each carries the
  // caller's request id (x-request-id is propagated with the deadline).
  absl::SleepFor(absl::Milliseconds(500));
  const std::string rights_log = stack.rights().Log();
  int stale_run = 0;
  for (int c = 0; c < kClients; ++c) {
    for (int n = 0; n < kCallsEach; ++n) {
      if (FindLoggedCall(rights_log, absl::StrCat("deadline-burst-", c, "-", n)).found) {
        ++stale_run;
      }
    }
  }

  std::printf(
      "[ measure  ] deadline %.0f ms with rights-svc frozen: client answer %s after %.0f ms; "
      "registration-svc logged %s after %.0f ms\n",
      absl::ToDoubleMilliseconds(kShort),
      absl::StatusCodeToString(short_call.status().code()).c_str(), short_millis,
      logged.code.c_str(), logged.millis);
  std::printf(
      "[ measure  ] burst: %d calls (%d clients, deadline %.0f ms) in %.1f s: %d "
      "DEADLINE_EXCEEDED, %d other, slowest %.0f ms; registration-svc logged %d, %d of them "
      "DEADLINE_EXCEEDED under 1 s; threads before %d, peak %d, after %d (handler threads %d, "
      "peak %d, after %d)\n",
      kClients * kCallsEach, kClients, absl::ToDoubleMilliseconds(kBurstDeadline), burst_seconds,
      deadline_exceeded.load(), other.load(), slowest.load(), logged_burst, logged_burst_in_time,
      threads_before, threads_peak, threads_after, handlers_before, handlers_peak, handlers_after);
  std::printf("[ measure  ] threads by name before: %s; after: %s\n", names_before.c_str(),
              names_after.c_str());
  std::printf(
      "[ measure  ] 10 s deadline with rights-svc frozen: %s after %.0f ms (registration-svc "
      "logged %s, %.0f ms); after SIGCONT: %s; queued CheckPermission calls rights-svc still "
      "ran once thawed: %d of %d\n",
      absl::StatusCodeToString(long_call.status().code()).c_str(), long_millis,
      long_logged.code.c_str(), long_logged.millis,
      absl::StatusCodeToString(thawed.status().code()).c_str(), stale_run, kClients * kCallsEach);
}

}  // namespace
}  // namespace wse::testing
