#pragma once
// Group commit: many callers' writes in one transaction (issue 18).
//
// A durable write's cost here is not the disk but the round trips: each statement costs about
// 0.1 ms of CPU across the service and MariaDB, so a select or a confirm paid for ten or more
// per caller. A GroupCommitter lets callers queue their item and wait; its one writer thread
// takes everything queued once its previous batch has committed and runs `write` on the lot:
// one transaction with set-based statements (one locking read for all, multi-row inserts, one
// COMMIT). Under load batches grow by themselves; alone, a caller waits for nobody.
//
// Promises kept per caller:
//   - An answer only after the COMMIT that carried its item (or the error that stopped it).
//   - Its own answer: `write` returns one result per item, so an item refused by the rules (a
//     session that ended, a draft confirmed meanwhile) fails alone.
//   - One bad item cannot fail the others: when `write` fails as a whole (an error no rule
//     foresaw, a constraint an item broke), the transaction rolled back and the items are written
//     again one per transaction, each getting its own outcome. Not after UNAVAILABLE: the
//     connection was lost, possibly during COMMIT, so the batch may have committed and writing
//     it again could write it twice; every caller then gets UNAVAILABLE (retry with the same
//     request id, as after any lost commit).
//   - Deadlines and cancellation: an item whose caller's deadline passes, or who went away,
//     before the writer took it is dropped and never written (DEADLINE_EXCEEDED / CANCELLED).
//     An item taken is in a transaction: its caller waits for the outcome (bounded by the
//     database timeouts), since answering before COMMIT would say nothing true.

#include <algorithm>
#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/request_context.h"
#include "common/trace_context.h"

namespace wse {

namespace group_commit_internal {
// wse_group_commit_* metrics of one writer: batch sizes, batches replayed item by item, items
// dropped before they were written (deadline or cancellation).
void ObserveBatch(const std::string& writer, size_t items);
void CountReplay(const std::string& writer);
void CountDropped(const std::string& writer, absl::StatusCode why);
// The deadline of `call` as an absl::Time (InfiniteFuture when it has none).
absl::Time DeadlineOf(const RequestContext& call);
}  // namespace group_commit_internal

struct GroupCommitOptions {
  std::string name;       // The metrics' `writer` label: "select", "confirm".
  size_t max_batch = 64;  // Items per transaction at most.
  // How often a waiting caller looks whether it went away (gRPC has no cancellation callback
  // in the synchronous API).
  absl::Duration cancel_poll = absl::Milliseconds(50);
};

template <typename Item, typename Result>
class GroupCommitter {
 public:
  // Writes `items` (1 to max_batch) in one transaction: one result per item, in order, or an
  // error for the whole batch (rolled back; see the file comment).
  using Write = std::function<absl::StatusOr<std::vector<absl::StatusOr<Result>>>(
      const std::vector<const Item*>& items)>;

  GroupCommitter(GroupCommitOptions options, Write write)
      : options_(std::move(options)), write_(std::move(write)) {
    options_.max_batch = std::max<size_t>(options_.max_batch, 1);
    writer_ = std::thread([this] { Loop(); });
  }
  // Writes what is queued, then stops (and returns once every caller has left Submit).
  ~GroupCommitter() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      work_.Signal();
    }
    writer_.join();
    absl::MutexLock lock(&mu_);
    while (inside_ > 0) left_.Wait(&mu_);
  }
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `item` and waits for its outcome (see the file comment).
  absl::StatusOr<Result> Submit(const Item& item, const RequestContext& call) {
    Pending pending(&item, group_commit_internal::DeadlineOf(call));
    if (const TraceContext* trace = CurrentTrace()) pending.trace = *trace;
    if (const std::string* id = CurrentRequestId()) pending.request_id = *id;
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::UnavailableError("the service is shutting down");
    ++inside_;
    queue_.push_back(&pending);
    work_.Signal();
    absl::StatusOr<Result> result = AwaitOutcome(pending, call);
    if (--inside_ == 0 && stopping_) left_.SignalAll();
    return result;
  }

 private:
  struct Pending {
    Pending(const Item* i, absl::Time d) : item(i), deadline(d) {}
    const Item* item;
    absl::Time deadline;
    TraceContext trace;  // The caller's, for a batch of one.
    std::string request_id;
    bool taken = false;      // Guarded by mu_; set when a batch takes it (it can no longer leave).
    bool done = false;       // Guarded by mu_.
    absl::CondVar answered;  // Signalled (under mu_) once done.
    absl::StatusOr<Result> result = absl::UnknownError("not written");
  };

  // Until the outcome is there, or the caller gives up while its item still waits in line.
  absl::StatusOr<Result> AwaitOutcome(Pending& pending, const RequestContext& call)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (!pending.done) {
      const absl::Time wake = std::min(pending.deadline, absl::Now() + options_.cancel_poll);
      pending.answered.WaitWithDeadline(&mu_, wake);
      if (pending.done || pending.taken) continue;
      absl::StatusCode why = absl::StatusCode::kOk;
      if (absl::Now() >= pending.deadline) why = absl::StatusCode::kDeadlineExceeded;
      if (call.Cancelled()) why = absl::StatusCode::kCancelled;
      if (why == absl::StatusCode::kOk) continue;
      queue_.erase(std::find(queue_.begin(), queue_.end(), &pending));
      group_commit_internal::CountDropped(options_.name, why);
      return absl::Status(why, "the write was not started: the caller gave up waiting");
    }
    return std::move(pending.result);
  }

  void Loop() {
    while (true) {
      std::vector<Pending*> batch;
      {
        absl::MutexLock lock(&mu_);
        while (!stopping_ && queue_.empty()) work_.Wait(&mu_);
        if (queue_.empty()) return;  // Stopping, nothing left.
        while (!queue_.empty() && batch.size() < options_.max_batch) {
          queue_.front()->taken = true;
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      Run(batch);
      absl::MutexLock lock(&mu_);
      for (Pending* pending : batch) {
        pending->done = true;
        pending->answered.Signal();
      }
    }
  }

  // Fills every item's result (outside the lock: the callers only read it once done).
  void Run(const std::vector<Pending*>& batch) {
    group_commit_internal::ObserveBatch(options_.name, batch.size());
    // A batch of many is a trace of its own; one item is its caller's.
    const ScopedTrace scope(
        batch.size() == 1 && batch[0]->trace.valid() ? batch[0]->trace : TraceContext::Start(),
        batch.size() == 1 ? batch[0]->request_id : std::string());
    std::vector<const Item*> items;
    items.reserve(batch.size());
    for (const Pending* pending : batch) items.push_back(pending->item);
    absl::StatusOr<std::vector<absl::StatusOr<Result>>> results = Guarded(items);
    if (results.ok()) {
      for (size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move((*results)[i]);
      return;
    }
    if (batch.size() == 1 || absl::IsUnavailable(results.status())) {
      for (Pending* pending : batch) pending->result = results.status();
      return;
    }
    group_commit_internal::CountReplay(options_.name);
    for (Pending* pending : batch) {
      const ScopedTrace own(pending->trace.valid() ? pending->trace : TraceContext::Start(),
                            pending->request_id);
      auto one = Guarded({pending->item});
      pending->result = one.ok() ? std::move((*one)[0]) : one.status();
    }
  }

  // `write_`, with its promise of one result per item checked and exceptions kept inside.
  absl::StatusOr<std::vector<absl::StatusOr<Result>>> Guarded(
      const std::vector<const Item*>& items) {
    absl::StatusOr<std::vector<absl::StatusOr<Result>>> results;
    try {
      results = write_(items);
    } catch (const std::exception& e) {
      return absl::InternalError(std::string("the batch write threw: ") + e.what());
    }
    if (results.ok() && results->size() != items.size()) {
      return absl::InternalError("the batch write answered for a different number of items");
    }
    return results;
  }

  GroupCommitOptions options_;
  const Write write_;
  absl::Mutex mu_;
  std::deque<Pending*> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int inside_ ABSL_GUARDED_BY(mu_) = 0;  // Callers in Submit.
  // CondVars with explicit loops rather than Mutex::Await with a Condition: a condition runs
  // inside abseil, where ThreadSanitizer (Debian's abseil is not built with it) cannot see that
  // the mutex is held (see periodic_task.cc).
  absl::CondVar work_;  // Something was queued, or stopping.
  absl::CondVar left_;  // The last caller left Submit while stopping.
  std::thread writer_;
};

}  // namespace wse
