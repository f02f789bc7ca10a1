#pragma once
// CheckPermission answers registration-svc keeps, so that a provider's screens and writes need no
// call to rights-svc while nothing changed in the organisation's rights (issue 18).
//
// Kept under a lease from rights-svc (ReplicaCacheService.RenewLease, driven by ReplicaLeases):
// every change of an organisation's grants or work relations is pushed to this process before
// the changing RPC returns, or that RPC waits the lease out; each renewal pulls what changed.
// An answer is used only while
//   - the lease holds and the organisation's revision it was decided at is still the one
//     remembered (`revisions`: forgotten on every push, on every renewal that pulled a change,
//     and after a lapse);
//   - its own time has not run out (reusable_for: the next start or end of a grant or work
//     relation it rests on), measured on the monotonic clock from before the request was sent;
//   - rights-svc said it may be reused at all (not when it rested on legal representation,
//     which identity-svc's directory knows).
// Answers for reuse are decided on a revision read from the database during the call
// (CheckPermissionRequest.for_reuse), and a revision is remembered only when no invalidation
// came while it was asked (the generation taken before): an answer decided before a change is
// never kept past that change's push.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/leased_cache.h"
#include "common/monotonic_clock.h"
#include "rights-svc/client/rights_client.h"

namespace wse::registration {

// Organisation id -> the rights revision last read while the lease held.
using OrganizationRevisions = LeasedCache<int64_t>;

class KeptAnswers {
 public:
  explicit KeptAnswers(OrganizationRevisions& revisions,
                       std::function<absl::Time()> clock = MonotonicNow,
                       size_t max_entries = 100000)
      : revisions_(revisions), clock_(std::move(clock)), max_entries_(max_entries) {}

  // Whether answers may be kept now (the lease holds); without it, ask as if nothing were kept.
  bool Keeping() { return revisions_.LeaseHeld(); }
  // The kept answer, if it still holds.
  std::optional<bool> Find(const std::string& person_id, const std::string& organization_id,
                           const std::string& permission);

  // Take both before asking rights-svc; pass them to Keep with its answer.
  struct Asking {
    uint64_t generation;
    absl::Time asked_at;
  };
  Asking BeforeAsking() { return {revisions_.generation(), clock_()}; }
  void Keep(const std::string& person_id, const std::string& organization_id,
            const std::string& permission, const rights::PermissionAnswer& answer,
            const Asking& asking);

 private:
  struct Answer {
    int64_t revision = 0;
    bool allowed = false;
    absl::Time until;  // clock_ time.
  };
  static std::string Key(const std::string& person_id, const std::string& organization_id,
                         const std::string& permission);

  OrganizationRevisions& revisions_;
  const std::function<absl::Time()> clock_;
  const size_t max_entries_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Answer> answers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse::registration
