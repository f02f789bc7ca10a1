#pragma once
// How many refused calls of one caller are written to an audit trail per minute. A refusal is
// recorded on the caller's side (RightsManager::RecordDenial), so a flood of refused calls costs
// the caller's own organisation a bounded number of rows, and the map of callers is bounded too.

#include <cstddef>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wse::rights {

class DenialBudget {
 public:
  enum class Verdict { kRecord, kFirstOverBudget, kOverBudget };

  explicit DenialBudget(int per_minute = 20, size_t max_callers = 10000,
                        std::function<absl::Time()> clock = absl::Now)
      : per_minute_(per_minute), max_callers_(max_callers), clock_(std::move(clock)) {}

  // Takes one refusal of `caller`: kRecord while this minute's budget lasts; the first refusal
  // beyond it kFirstOverBudget (say so once in the log), the rest kOverBudget.
  Verdict Take(const std::string& caller);

 private:
  struct Window {
    absl::Time start;
    int used = 0;
  };
  const int per_minute_;
  const size_t max_callers_;
  const std::function<absl::Time()> clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Window> windows_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse::rights
