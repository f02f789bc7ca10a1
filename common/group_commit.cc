#include "common/group_commit.h"

#include "common/metrics.h"

namespace wse::group_commit_internal {
namespace {

const std::vector<double>& BatchSizeBuckets() {
  static const auto* buckets = new std::vector<double>{1, 2, 4, 8, 16, 32, 64, 128};
  return *buckets;
}

}  // namespace

void ObserveBatch(const std::string& writer, size_t items) {
  // Looked up per batch, not per item: a batch costs a transaction, this is noise beside it.
  HistogramOf("wse_group_commit_batch_items", "Items written per group-commit transaction.",
              {{"writer", writer}}, BatchSizeBuckets())
      .Observe(static_cast<double>(items));
}

void CountReplay(const std::string& writer) {
  CounterOf("wse_group_commit_replays_total",
            "Group-commit batches that failed as a whole and were written again item by item.",
            {{"writer", writer}})
      .Increment();
}

void CountDropped(const std::string& writer, absl::StatusCode why) {
  CounterOf("wse_group_commit_dropped_total",
            "Items whose caller gave up (deadline, cancellation) before they were written.",
            {{"writer", writer},
             {"reason", why == absl::StatusCode::kCancelled ? "cancelled" : "deadline"}})
      .Increment();
}

absl::Time DeadlineOf(const RequestContext& call) {
  if (call.deadline >= std::chrono::system_clock::time_point::max() - std::chrono::hours(24)) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(call.deadline);
}

}  // namespace wse::group_commit_internal
