#include "tests/reliability/confirm_traffic.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tests/support/grpc_helpers.h"

namespace wse::testing {

std::string LastSegment(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

std::string FormatCounts(const std::map<std::string, int>& counts) {
  std::string out;
  for (const auto& [name, count] : counts) {
    if (!out.empty()) out += " ";
    out += name + "=" + std::to_string(count);
  }
  return out;
}

int64_t CommittedBefore(PrivateStack& stack, const ConfirmTraffic& traffic,
                        const std::vector<size_t>& drafts, absl::Time moment) {
  std::vector<std::string> ids;
  for (size_t i : drafts) {
    if (traffic.acks()[i].has_value()) {
      ids.push_back(LastSegment(traffic.acks()[i]->registration().name()));
    }
  }
  if (ids.empty()) return 0;
  return stack.Count(absl::StrFormat(
      "SELECT COUNT(*) FROM wse_registration.registrations WHERE id IN ('%s') AND "
      "create_time <= FROM_UNIXTIME(%.6f)",
      absl::StrJoin(ids, "','"), absl::ToDoubleSeconds(moment - absl::UnixEpoch())));
}

ConfirmTraffic::ConfirmTraffic(flow::Flow& flow, std::string token,
                               std::vector<flow::PreparedDraft> drafts,
                               ConfirmTrafficOptions options)
    : flow_(flow),
      token_(std::move(token)),
      drafts_(std::move(drafts)),
      options_(options),
      acks_(drafts_.size()) {}

ConfirmTraffic::~ConfirmTraffic() { Stop(); }

void ConfirmTraffic::Start() {
  for (int t = 0; t < options_.threads; ++t) {
    workers_.emplace_back([this, t] { Work(static_cast<size_t>(t)); });
  }
}

void ConfirmTraffic::Stop() {
  stopping_ = true;
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

bool ConfirmTraffic::WaitAcked(int count, absl::Duration timeout) const {
  return WaitFor([&] { return acked_.load() >= count; }, timeout);
}

void ConfirmTraffic::Work(size_t first) {
  const size_t step = static_cast<size_t>(options_.threads);
  for (size_t i = first; i < drafts_.size() && !stopping_; i += step) {
    for (int n = 1; !stopping_; ++n) {
      const std::string call_id = absl::StrCat("confirm-", i, "-", n);
      const auto start = std::chrono::steady_clock::now();
      auto confirmed = flow_.Confirm(token_, drafts_[i], {options_.deadline, call_id});
      ConfirmAttempt attempt;
      attempt.draft = i;
      attempt.call_id = call_id;
      attempt.code = confirmed.status().code();
      attempt.message = std::string(confirmed.status().message());
      attempt.millis = MillisBetween(start, std::chrono::steady_clock::now());
      attempt.at = absl::Now();
      ++attempt_count_;
      {
        std::lock_guard<std::mutex> lock(mu_);
        attempts_.push_back(attempt);
        if (confirmed.ok()) {
          if (!acks_[i].has_value()) {
            acks_[i] = *confirmed;
            ++acked_;
          } else if (acks_[i]->registration().name() != confirmed->registration().name() ||
                     acks_[i]->receipt().reference() != confirmed->receipt().reference()) {
            ++inconsistent_;
          }
        }
      }
      if (confirmed.ok()) break;
      // Only what a client may retry is retried; anything else is this draft's final answer.
      const absl::StatusCode code = confirmed.status().code();
      if (code != absl::StatusCode::kUnavailable && code != absl::StatusCode::kDeadlineExceeded &&
          code != absl::StatusCode::kAborted) {
        break;
      }
      std::this_thread::sleep_for(absl::ToChronoMilliseconds(options_.retry_pause));
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(options_.pace));
  }
}

std::vector<ConfirmAttempt> ConfirmTraffic::Attempts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return attempts_;
}

std::map<std::string, int> ConfirmTraffic::CodeHistogram() const {
  std::map<std::string, int> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const ConfirmAttempt& a : attempts_) ++out[absl::StatusCodeToString(a.code)];
  return out;
}

std::map<std::string, int> ConfirmTraffic::InFlightAt(absl::Time moment) const {
  std::map<std::string, int> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const ConfirmAttempt& a : attempts_) {
    if (a.at - absl::Milliseconds(a.millis) <= moment && a.at >= moment) {
      ++out[absl::StatusCodeToString(a.code)];
    }
  }
  return out;
}

std::vector<size_t> ConfirmTraffic::InterruptedAt(absl::Time moment) const {
  std::vector<size_t> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const ConfirmAttempt& a : attempts_) {
    if (a.code != absl::StatusCode::kOk && a.at - absl::Milliseconds(a.millis) <= moment &&
        a.at >= moment) {
      out.push_back(a.draft);
    }
  }
  return out;
}

std::map<std::string, std::string> ConfirmTraffic::FirstMessages() const {
  std::map<std::string, std::string> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const ConfirmAttempt& a : attempts_) {
    if (a.code != absl::StatusCode::kOk) out.emplace(absl::StatusCodeToString(a.code), a.message);
  }
  return out;
}

std::string ConfirmTraffic::Summary() const {
  std::string out = "confirm attempts: " + FormatCounts(CodeHistogram()) + "\n";
  for (const auto& [code, message] : FirstMessages()) out += "  first " + code + ": " + message + "\n";
  return out;
}

double ConfirmTraffic::MaxMillis() const {
  double max = 0;
  std::lock_guard<std::mutex> lock(mu_);
  for (const ConfirmAttempt& a : attempts_) max = std::max(max, a.millis);
  return max;
}

HealthWatcher::HealthWatcher(int port, std::string full_name, absl::Duration interval,
                             absl::Duration timeout)
    : port_(port), full_name_(std::move(full_name)), interval_(interval), timeout_(timeout) {}

HealthWatcher::~HealthWatcher() { Stop(); }

void HealthWatcher::Start() {
  thread_ = std::thread([this] {
    while (!stopping_) {
      const auto start = std::chrono::steady_clock::now();
      const std::string answer = HealthOf(port_, full_name_, timeout_);
      const double millis = MillisBetween(start, std::chrono::steady_clock::now());
      {
        std::lock_guard<std::mutex> lock(mu_);
        answers_.push_back(answer);
        max_millis_ = std::max(max_millis_, millis);
      }
      std::this_thread::sleep_for(absl::ToChronoMilliseconds(interval_));
    }
  });
}

void HealthWatcher::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

bool HealthWatcher::Seen(const std::string& status) const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::find(answers_.begin(), answers_.end(), status) != answers_.end();
}

bool HealthWatcher::WaitSeen(const std::string& status, absl::Duration timeout) const {
  return WaitFor([&] { return Seen(status); }, timeout);
}

std::map<std::string, int> HealthWatcher::Histogram() const {
  std::map<std::string, int> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& a : answers_) ++out[a];
  return out;
}

std::string HealthWatcher::Transitions() const {
  std::vector<std::string> folded;
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& a : answers_) {
    if (folded.empty() || folded.back() != a) folded.push_back(a);
  }
  return absl::StrJoin(folded, " -> ");
}

double HealthWatcher::MaxMillis() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_millis_;
}

}  // namespace wse::testing
