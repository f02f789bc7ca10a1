#pragma once
// Client traffic for fault tests: worker threads confirm prepared drafts ('Bevestigen'), each
// call with a deadline; a call that is not acknowledged is retried with the SAME request_id
// (after a short pause) until it is, as a well-behaved front end does: on UNAVAILABLE,
// DEADLINE_EXCEEDED and ABORTED; any other error is the draft's final answer. Every attempt is recorded
// (code, latency), and every acknowledgement (registration + receipt) is kept for the checks
// against the database.

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tests/flow/flow.h"
#include "tests/reliability/private_stack.h"

namespace wse::testing {

struct ConfirmTrafficOptions {
  int threads = 4;
  absl::Duration deadline = absl::Seconds(2);  // Per call.
  absl::Duration retry_pause = absl::Milliseconds(150);
  absl::Duration pace = absl::Milliseconds(20);  // Between two drafts of one thread.
};

struct ConfirmAttempt {
  size_t draft = 0;
  std::string call_id;  // x-request-id: "confirm-<draft>-<attempt>", in the service's log.
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message;
  double millis = 0;
  absl::Time at;
};

class ConfirmTraffic {
 public:
  ConfirmTraffic(flow::Flow& flow, std::string token, std::vector<flow::PreparedDraft> drafts,
                 ConfirmTrafficOptions options);
  ~ConfirmTraffic();

  void Start();
  void Stop();  // Stops the workers (an attempt in flight finishes) and joins them.

  int acked() const { return acked_.load(); }
  int attempts() const { return attempt_count_.load(); }
  bool WaitAcked(int count, absl::Duration timeout) const;

  // After Stop():
  const std::vector<flow::PreparedDraft>& drafts() const { return drafts_; }
  // The first acknowledgement of each draft (nullopt: never acknowledged).
  const std::vector<std::optional<wse::registration::v1::ConfirmDraftResponse>>& acks() const {
    return acks_;
  }
  std::vector<ConfirmAttempt> Attempts() const;
  // Attempts per status code name ("OK", "UNAVAILABLE", ...).
  std::map<std::string, int> CodeHistogram() const;
  // Attempts under way at `moment` (started before, answered after), per answer code.
  std::map<std::string, int> InFlightAt(absl::Time moment) const;
  // Drafts whose attempt under way at `moment` failed (they were acknowledged by a retry, if at
  // all). If the registration of such a draft was stored before `moment`, the fault lost the
  // answer of a committed confirmation, and only the retry's idempotency kept it single.
  std::vector<size_t> InterruptedAt(absl::Time moment) const;
  // The first error message seen per status code.
  std::map<std::string, std::string> FirstMessages() const;
  // The histogram and the first message of each error code, for failure messages.
  std::string Summary() const;
  double MaxMillis() const;
  // Retries whose acknowledgement named another registration or receipt than an earlier one.
  int inconsistent_acks() const { return inconsistent_.load(); }

 private:
  void Work(size_t first);

  flow::Flow& flow_;
  const std::string token_;
  std::vector<flow::PreparedDraft> drafts_;
  const ConfirmTrafficOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> acked_{0}, attempt_count_{0}, inconsistent_{0};
  mutable std::mutex mu_;
  std::vector<std::optional<wse::registration::v1::ConfirmDraftResponse>> acks_;
  std::vector<ConfirmAttempt> attempts_;
  std::vector<std::thread> workers_;
};

// Health checks of one service every `interval`, each with `timeout` as its deadline: what was
// answered when, and how long the slowest check took.
class HealthWatcher {
 public:
  HealthWatcher(int port, std::string full_name, absl::Duration interval = absl::Milliseconds(100),
                absl::Duration timeout = absl::Seconds(1));
  ~HealthWatcher();
  void Start();
  void Stop();
  bool Seen(const std::string& status) const;
  bool WaitSeen(const std::string& status, absl::Duration timeout) const;
  std::map<std::string, int> Histogram() const;
  // The answers in order with repeats folded: "SERVING -> NOT_SERVING -> SERVING".
  std::string Transitions() const;
  double MaxMillis() const;

 private:
  const int port_;
  const std::string full_name_;
  const absl::Duration interval_, timeout_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<std::string> answers_;
  double max_millis_ = 0;
  std::thread thread_;
};

// How many of the interrupted drafts' registrations were stored before `moment` (their
// create_time), by a root query on the stack's registration schema.
int64_t CommittedBefore(PrivateStack& stack, const ConfirmTraffic& traffic,
                        const std::vector<size_t>& drafts, absl::Time moment);

// {"OK": 3, "UNAVAILABLE": 2} -> "OK=3 UNAVAILABLE=2".
std::string FormatCounts(const std::map<std::string, int>& counts);

// "organizations/o/registrations/r" -> "r" (the last path segment).
std::string LastSegment(const std::string& name);

}  // namespace wse::testing
