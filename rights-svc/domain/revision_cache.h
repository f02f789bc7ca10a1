#pragma once
// The organisation revisions a replica remembers, so that CheckPermission needs no database round
// trip while nothing changed (grant_cache.h keys the grants by revision).
//
// Remembering is safe only until one lease after the start of this replica's last renewal: a
// change committed before that start was pulled by the renewal; one committed after it was told to
// this replica (push), or its writer waits one lease from its commit (replica_leases.h). Hence:
//   - Find answers nothing once the lease ran out (the caller reads the revision, as without the
//     cache), and the first renewal after a lapse forgets everything, since writers did not tell
//     a replica without a lease;
//   - a revision read from the database is remembered only if no invalidation (and no lapse) came
//     in between: the read may predate the change that the invalidation announced.
//
// The clock is monotonic (leases are measured in elapsed time, not wall time).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/monotonic_clock.h"

namespace wse::rights {

class RevisionCache {
 public:
  explicit RevisionCache(std::function<absl::Time()> clock = MonotonicNow,
                         size_t max_entries = 100000)
      : clock_(std::move(clock)), max_entries_(max_entries) {}

  // The remembered revision, or nothing (absent, or the lease is not held now).
  std::optional<int64_t> Find(const std::string& organization_id);
  // Take before reading a revision from the database; pass to Store afterwards.
  uint64_t generation();
  // Remembers a revision read after `generation()` returned `generation`, unless an invalidation
  // or a lapse came since or the lease is not held.
  void Store(const std::string& organization_id, int64_t revision, uint64_t generation);
  void Invalidate(const std::vector<std::string>& organization_ids);
  // The lease was renewed and holds until `valid_until` (same clock); the renewal pulled which
  // organisations changed since the previous one (`changed`, or `forget_all` when it could not
  // tell). Forgets those, and everything when the previous lease had already run out.
  void LeaseHeldUntil(absl::Time valid_until, const std::vector<std::string>& changed = {},
                      bool forget_all = false);
  bool LeaseHeld();

 private:
  bool LeaseHeldLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ForgetAllLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::function<absl::Time()> clock_;
  const size_t max_entries_;
  absl::Mutex mu_;
  absl::Time valid_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, int64_t> revisions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse::rights
