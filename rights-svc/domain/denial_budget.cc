#include "rights-svc/domain/denial_budget.h"

namespace wse::rights {

DenialBudget::Verdict DenialBudget::Take(const std::string& caller) {
  const absl::Time now = clock_();
  absl::MutexLock lock(&mu_);
  // Bounded without bookkeeping: when full, start over (a forgotten caller gets a fresh minute).
  if (windows_.size() >= max_callers_ && !windows_.contains(caller)) windows_.clear();
  Window& window = windows_[caller];
  if (window.used == 0 || now - window.start >= absl::Minutes(1)) window = {now, 0};
  ++window.used;
  if (window.used <= per_minute_) return Verdict::kRecord;
  return window.used == per_minute_ + 1 ? Verdict::kFirstOverBudget : Verdict::kOverBudget;
}

}  // namespace wse::rights
