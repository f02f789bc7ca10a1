// Remembered revisions under concurrency (rights-svc/revision_cache.h, replica_leases.h): checks
// reading and remembering, a writer committing changes and announcing them, and the lease renewed
// by its own thread, all at once. The property of issue 4 / 8: once ChangesCommitted returned
// for revision r, no check that starts afterwards may see an older revision. Also run under
// ThreadSanitizer (tests/CMakeLists.txt: tsan_rights_cache_test).
#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/replica_leases.h"
#include "gtest/gtest.h"
#include "rights-svc/domain/revision_cache.h"

namespace wse::rights {
namespace {

constexpr char kSchool[] = "school";

// revision_changes in memory; the writer below records each change before announcing it, so
// renewals on the lease thread pull and forget too, concurrently with the checks.
class ThreadSafeRegistry : public ReplicaRegistry {
 public:
  absl::StatusOr<ChangesSince> RenewHolder(const ReplicaPeer&, absl::Duration,
                                           std::optional<int64_t> after) override {
    absl::MutexLock lock(&mu_);
    ++renewals_;
    ChangesSince out;
    out.through_sequence = sequence_;
    out.everything = !after.has_value();
    if (after.has_value() && *after < sequence_) out.keys = {kSchool};
    return out;
  }
  absl::Status Release(const std::string&) override { return absl::OkStatus(); }
  absl::StatusOr<std::vector<ReplicaPeer>> Peers(const std::string&, absl::Duration) override {
    return std::vector<ReplicaPeer>{{"peer", "10.0.0.2:50052", ""}};
  }
  void RecordChange() {
    absl::MutexLock lock(&mu_);
    ++sequence_;
  }
  int renewals() {
    absl::MutexLock lock(&mu_);
    return renewals_;
  }

 private:
  absl::Mutex mu_;
  int renewals_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t sequence_ ABSL_GUARDED_BY(mu_) = 0;
};

class CountingPeers : public PeerInvalidator {
 public:
  absl::Status Invalidate(const ReplicaPeer&, const std::vector<std::string>&) override {
    told_.fetch_add(1);
    return absl::OkStatus();
  }
  int told() const { return told_.load(); }

 private:
  std::atomic<int> told_{0};
};

TEST(ReplicaLeasesConcurrencyTest, NoCheckAfterAnAnnouncedChangeSeesAnOlderRevision) {
  RevisionCache cache;
  ThreadSafeRegistry registry;
  CountingPeers peers;
  ReplicaLeases leases(cache, registry, peers,
                       {"self", "10.0.0.1:50052", absl::Milliseconds(30), ""});
  leases.Start();  // Renews every 10 ms on its own thread.

  std::atomic<int64_t> database{1};   // The revision stored in "MariaDB".
  std::atomic<int64_t> announced{0};  // The newest revision whose announcement returned.
  std::atomic<bool> stop{false};
  std::atomic<int> stale{0}, remembered{0};

  std::vector<std::thread> checks;
  for (int t = 0; t < 4; ++t) {
    checks.emplace_back([&] {
      while (!stop.load()) {
        const int64_t floor = announced.load();
        if (std::optional<int64_t> known = cache.Find(kSchool)) {
          remembered.fetch_add(1);
          if (*known < floor) stale.fetch_add(1);
          continue;
        }
        const uint64_t generation = cache.generation();
        const int64_t read = database.load();
        if (read < floor) stale.fetch_add(1);
        cache.Store(kSchool, read, generation);
      }
    });
  }
  // At least 300 changes, and on until the lease was renewed a few times meanwhile (the renewer
  // runs every 10 ms; a fast machine makes 300 changes in less).
  int changes = 0;
  std::thread writer([&] {
    for (; changes < 300 || (registry.renewals() < 5 && changes < 1000000); ++changes) {
      const int64_t committed = database.fetch_add(1) + 1;  // The commit...
      registry.RecordChange();                              // ...recorded with it...
      leases.ChangesCommitted({kSchool}, absl::ZeroDuration());  // ...then its announcement.
      announced.store(committed);
      std::this_thread::yield();
    }
  });
  writer.join();
  stop.store(true);
  for (std::thread& t : checks) t.join();
  leases.Stop();

  EXPECT_EQ(stale.load(), 0) << "a check saw a revision older than an announced change";
  EXPECT_GT(remembered.load(), 0) << "the cache never answered: the test proves nothing";
  EXPECT_EQ(peers.told(), changes);
  EXPECT_GE(registry.renewals(), 5) << "the lease was not renewed while the checks ran";
}

}  // namespace
}  // namespace wse::rights
