#pragma once
// What a replica remembers of rows other replicas may change, kept true by database leases
// (replica_leases.h): rights-svc's organisation revisions, identity-svc's sessions and persons.
//
// Remembering is safe only until one lease after the start of this replica's last renewal: a
// change committed before that start was pulled by the renewal; one committed after it was told
// to this replica (push), or its writer waits one lease from its commit (replica_leases.h). Hence:
//   - Find answers nothing once the lease ran out (the caller reads the database, as without the
//     cache), and the first renewal after a lapse forgets everything, since writers did not tell
//     a replica without a lease;
//   - a value read from the database is remembered only if no invalidation (and no lapse) came
//     in between: the read may predate the change that the invalidation announced.
//
// Each value is also answered for at most `remember_for` after its read (five minutes by default):
// what changes without being recorded (a row edited by hand; a replica of a release that did not
// record changes, during a rolling upgrade) is then stale for at most that long. Zero: nothing is
// remembered, while changes are still recorded and pushed (the first rollout of a release that
// remembers, while replicas that do not record changes still run).
//
// The clock is monotonic (leases are measured in elapsed time, not wall time).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/monotonic_clock.h"

namespace wse {

// What ReplicaLeases keeps honest: a cache's lease state and its invalidations.
class LeaseHolder {
 public:
  virtual ~LeaseHolder() = default;
  // Forgets these keys and makes reads that started before now unstorable.
  virtual void Invalidate(const std::vector<std::string>& keys) = 0;
  // The lease was renewed and holds until `valid_until` (the cache's clock); the renewal pulled
  // which keys changed since the previous one (`changed`, or `forget_all` when it could not
  // tell). Forgets those, and everything when the previous lease had already run out.
  virtual void LeaseHeldUntil(absl::Time valid_until, const std::vector<std::string>& changed = {},
                              bool forget_all = false) = 0;
  virtual bool LeaseHeld() = 0;
};

template <typename Value>
class LeasedCache final : public LeaseHolder {
 public:
  static constexpr absl::Duration kRememberFor = absl::Minutes(5);

  explicit LeasedCache(std::function<absl::Time()> clock = MonotonicNow,
                       absl::Duration remember_for = kRememberFor, size_t max_entries = 100000)
      : clock_(std::move(clock)), remember_for_(remember_for), max_entries_(max_entries) {}

  // The remembered value, or nothing (absent, or the lease is not held now).
  std::optional<Value> Find(const std::string& key) {
    absl::MutexLock lock(&mu_);
    if (!LeaseHeldLocked()) return std::nullopt;
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    if (clock_() >= it->second.stored_at + remember_for_) {
      values_.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }
  // Reads a value (`read`: a callable answering absl::StatusOr<Value>) and remembers it, unless
  // an invalidation or a lapse came while it was read (the read may predate that change).
  template <typename Read>
  absl::StatusOr<Value> ReadAndRemember(const std::string& key, Read&& read) {
    const uint64_t before = generation();
    absl::StatusOr<Value> value = read();
    if (value.ok()) Store(key, *value, before);
    return value;
  }
  // The remembered value if any (`*hit` true), else ReadAndRemember.
  template <typename Read>
  absl::StatusOr<Value> FindOrRead(const std::string& key, Read&& read, bool* hit) {
    if (std::optional<Value> known = Find(key)) {
      *hit = true;
      return *std::move(known);
    }
    *hit = false;
    return ReadAndRemember(key, std::forward<Read>(read));
  }

  // Take before reading a value from the database; pass to Store afterwards.
  uint64_t generation() {
    absl::MutexLock lock(&mu_);
    return generation_;
  }
  // Remembers a value read after `generation()` returned `generation`, unless an invalidation
  // or a lapse came since or the lease is not held. Its age counts from now (the read began a
  // read's time earlier).
  void Store(const std::string& key, Value value, uint64_t generation) {
    absl::MutexLock lock(&mu_);
    if (generation != generation_ || !LeaseHeldLocked() || remember_for_ <= absl::ZeroDuration()) {
      return;
    }
    if (values_.size() >= max_entries_ && !values_.contains(key)) {
      values_.clear();  // Rare: start over rather than track age.
    }
    values_[key] = Entry{std::move(value), clock_()};
  }
  void Invalidate(const std::vector<std::string>& keys) override {
    absl::MutexLock lock(&mu_);
    ++generation_;
    for (const std::string& key : keys) values_.erase(key);
  }
  void LeaseHeldUntil(absl::Time valid_until, const std::vector<std::string>& changed = {},
                      bool forget_all = false) override {
    absl::MutexLock lock(&mu_);
    if (forget_all || !LeaseHeldLocked()) {
      ForgetAllLocked();
    } else if (!changed.empty()) {
      // A read that started before this renewal may predate those changes: not stored (Store).
      ++generation_;
      for (const std::string& key : changed) values_.erase(key);
    }
    valid_until_ = valid_until;
  }
  bool LeaseHeld() override {
    absl::MutexLock lock(&mu_);
    return LeaseHeldLocked();
  }

 private:
  bool LeaseHeldLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return clock_() < valid_until_; }
  void ForgetAllLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ++generation_;
    values_.clear();
  }

  struct Entry {
    Value value;
    absl::Time stored_at;
  };

  const std::function<absl::Time()> clock_;
  const absl::Duration remember_for_;
  const size_t max_entries_;
  absl::Mutex mu_;
  absl::Time valid_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, Entry> values_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse
