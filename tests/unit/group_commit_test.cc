// GroupCommitter (common/group_commit.h): many callers per transaction, each with its own answer.
#include "common/group_commit.h"

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace wse {
namespace {

struct Item {
  int id = 0;
  bool refused = false;       // A rule refuses it: its own error, the others commit.
  bool breaks_batch = false;  // Fails the whole transaction it is in (a constraint, say).
};

// A fake store: a "transaction" commits all of its items or none, and records what it committed.
class FakeStore {
 public:
  absl::StatusOr<std::vector<absl::StatusOr<int>>> Write(const std::vector<const Item*>& items) {
    {
      absl::MutexLock lock(&mu_);
      batches_.push_back(items.size());
    }
    if (gate_ != nullptr) gate_->WaitForNotification();
    if (unavailable_) return absl::UnavailableError("connection lost during COMMIT");
    std::vector<absl::StatusOr<int>> results;
    for (const Item* item : items) {
      if (item->breaks_batch) return absl::InternalError("duplicate entry");
      if (item->refused) {
        results.push_back(absl::FailedPreconditionError("refused"));
      } else {
        results.push_back(item->id * 10);
      }
    }
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < items.size(); ++i) {
      if (results[i].ok()) committed_.push_back(items[i]->id);
    }
    return results;
  }

  std::vector<size_t> batches() {
    absl::MutexLock lock(&mu_);
    return batches_;
  }
  std::vector<int> committed() {
    absl::MutexLock lock(&mu_);
    return committed_;
  }

  absl::Notification* gate_ = nullptr;  // Set: every write waits for it.
  bool unavailable_ = false;

 private:
  absl::Mutex mu_;
  std::vector<size_t> batches_;
  std::vector<int> committed_;
};

using Committer = GroupCommitter<Item, int>;

Committer::Write WriteTo(FakeStore& store) {
  return [&store](const std::vector<const Item*>& items) { return store.Write(items); };
}

RequestContext Call(absl::Duration timeout = absl::Seconds(30)) {
  RequestContext call;
  call.deadline = absl::ToChronoTime(absl::Now() + timeout);
  return call;
}

// Waits until the store has seen `count` write calls.
void AwaitWrites(FakeStore& store, size_t count) {
  while (store.batches().size() < count) absl::SleepFor(absl::Milliseconds(1));
}

TEST(GroupCommitTest, ACallerAloneIsWrittenAloneAndAnswered) {
  FakeStore store;
  Committer committer({"test"}, WriteTo(store));
  auto result = committer.Submit(Item{7}, Call());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, 70);
  EXPECT_EQ(store.batches(), std::vector<size_t>{1});
}

// Callers arriving while a transaction runs share the next one, and each gets its own answer.
TEST(GroupCommitTest, CallersQueuedDuringACommitShareTheNextTransaction) {
  FakeStore store;
  absl::Notification first_commit;
  store.gate_ = &first_commit;
  Committer committer({"test"}, WriteTo(store));
  std::vector<absl::StatusOr<int>> results(33, absl::UnknownError("unset"));
  std::vector<std::thread> callers;
  callers.emplace_back([&] { results[0] = committer.Submit(Item{0}, Call()); });
  AwaitWrites(store, 1);  // The first caller's transaction is running...
  for (int i = 1; i < 33; ++i) {
    callers.emplace_back([&, i] { results[i] = committer.Submit(Item{i}, Call()); });
  }
  absl::SleepFor(absl::Milliseconds(100));  // ...while 32 more queue up.
  first_commit.Notify();
  for (auto& t : callers) t.join();
  for (int i = 0; i < 33; ++i) {
    ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].status();
    EXPECT_EQ(*results[i], i * 10);
  }
  EXPECT_EQ(store.batches(), (std::vector<size_t>{1, 32}));
}

TEST(GroupCommitTest, ABatchIsAtMostMaxBatchItems) {
  FakeStore store;
  absl::Notification go;
  store.gate_ = &go;
  Committer committer({"test", /*max_batch=*/8}, WriteTo(store));
  std::vector<std::thread> callers;
  callers.emplace_back([&] { (void)committer.Submit(Item{0}, Call()); });
  AwaitWrites(store, 1);
  for (int i = 1; i <= 20; ++i) {
    callers.emplace_back([&, i] { (void)committer.Submit(Item{i}, Call()); });
  }
  absl::SleepFor(absl::Milliseconds(100));
  go.Notify();
  for (auto& t : callers) t.join();
  EXPECT_EQ(store.batches(), (std::vector<size_t>{1, 8, 8, 4}));
}

// The acceptance point of issue 18: one bad item in a batch, and the others are answered
// normally (committed, with their own results); the bad one gets its own error.
TEST(GroupCommitTest, ABatchWithOneBadItemAnswersTheOthersNormally) {
  FakeStore store;
  absl::Notification go;
  store.gate_ = &go;
  Committer committer({"test"}, WriteTo(store));
  std::vector<absl::StatusOr<int>> results(9, absl::UnknownError("unset"));
  std::vector<std::thread> callers;
  callers.emplace_back([&] { results[0] = committer.Submit(Item{0}, Call()); });
  AwaitWrites(store, 1);
  for (int i = 1; i < 9; ++i) {
    callers.emplace_back([&, i] {
      results[i] = committer.Submit(Item{i, /*refused=*/i == 3, /*breaks_batch=*/i == 5}, Call());
    });
  }
  absl::SleepFor(absl::Milliseconds(100));
  go.Notify();
  for (auto& t : callers) t.join();

  for (int i = 0; i < 9; ++i) {
    if (i == 3) {
      EXPECT_EQ(results[i].status().code(), absl::StatusCode::kFailedPrecondition);
    } else if (i == 5) {
      EXPECT_EQ(results[i].status().code(), absl::StatusCode::kInternal);
    } else {
      ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].status();
      EXPECT_EQ(*results[i], i * 10);
    }
  }
  // The batch of 8 failed as a whole and was written again one item per transaction.
  EXPECT_EQ(store.batches(), (std::vector<size_t>{1, 8, 1, 1, 1, 1, 1, 1, 1, 1}));
  std::multiset<int> committed;
  for (int id : store.committed()) committed.insert(id);
  EXPECT_EQ(committed, (std::multiset<int>{0, 1, 2, 4, 6, 7, 8}));  // Each once.
}

// A lost connection may have lost the COMMIT after the server applied it: writing again could
// write twice, so every caller hears UNAVAILABLE and nothing is replayed.
TEST(GroupCommitTest, AnUnknownOutcomeIsNotWrittenAgain) {
  FakeStore store;
  absl::Notification go;
  store.gate_ = &go;
  Committer committer({"test"}, WriteTo(store));
  std::vector<absl::StatusOr<int>> results(5, absl::UnknownError("unset"));
  std::vector<std::thread> callers;
  callers.emplace_back([&] { results[0] = committer.Submit(Item{0}, Call()); });
  AwaitWrites(store, 1);
  for (int i = 1; i < 5; ++i) {
    callers.emplace_back([&, i] { results[i] = committer.Submit(Item{i}, Call()); });
  }
  absl::SleepFor(absl::Milliseconds(100));
  store.unavailable_ = true;
  go.Notify();
  for (auto& t : callers) t.join();
  for (const auto& result : results) {
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  }
  EXPECT_EQ(store.batches(), (std::vector<size_t>{1, 4}));
}

TEST(GroupCommitTest, ACallerWhoseDeadlinePassesInLineIsNeverWritten) {
  FakeStore store;
  absl::Notification go;
  store.gate_ = &go;
  Committer committer({"test"}, WriteTo(store));
  std::thread first([&] { (void)committer.Submit(Item{1}, Call()); });
  AwaitWrites(store, 1);
  auto late = committer.Submit(Item{2}, Call(absl::Milliseconds(30)));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kDeadlineExceeded);
  go.Notify();
  first.join();
  EXPECT_EQ(store.committed(), std::vector<int>{1});
  EXPECT_EQ(store.batches(), std::vector<size_t>{1});
}

TEST(GroupCommitTest, ACallerWhoWentAwayInLineIsNeverWritten) {
  FakeStore store;
  absl::Notification go;
  store.gate_ = &go;
  Committer committer({"test", 64, /*cancel_poll=*/absl::Milliseconds(5)}, WriteTo(store));
  std::thread first([&] { (void)committer.Submit(Item{1}, Call()); });
  AwaitWrites(store, 1);
  std::atomic<bool> gone{false};
  RequestContext call = Call();
  call.is_cancelled = [&gone] { return gone.load(); };
  std::thread leaving([&] {
    absl::SleepFor(absl::Milliseconds(30));
    gone = true;
  });
  auto result = committer.Submit(Item{2}, call);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
  leaving.join();
  go.Notify();
  first.join();
  EXPECT_EQ(store.committed(), std::vector<int>{1});
}

// A write that throws or answers for the wrong number of items is a fault of the batch: replayed.
TEST(GroupCommitTest, AThrowingOrMiscountingWriteIsContained) {
  std::atomic<int> calls{0};
  Committer throwing({"test"},
                     [&](const std::vector<const Item*>& items)
                         -> absl::StatusOr<std::vector<absl::StatusOr<int>>> {
                       ++calls;
                       if (items[0]->id == 1) throw std::runtime_error("boom");
                       return std::vector<absl::StatusOr<int>>{};  // Miscounted.
                     });
  EXPECT_EQ(throwing.Submit(Item{1}, Call()).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(throwing.Submit(Item{2}, Call()).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(calls.load(), 2);
}

TEST(GroupCommitTest, StoppingWritesWhatIsQueued) {
  FakeStore store;
  absl::Notification go;
  store.gate_ = &go;
  std::vector<absl::StatusOr<int>> results(4, absl::UnknownError("unset"));
  std::vector<std::thread> callers;
  {
    Committer committer({"test"}, WriteTo(store));
    for (int i = 0; i < 4; ++i) {
      callers.emplace_back([&, i] { results[i] = committer.Submit(Item{i}, Call()); });
    }
    AwaitWrites(store, 1);
    absl::SleepFor(absl::Milliseconds(50));
    go.Notify();
    // Callers still wait inside Submit while the destructor runs: it drains before it returns.
    while (store.committed().size() < 4) absl::SleepFor(absl::Milliseconds(1));
  }
  for (auto& t : callers) t.join();
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(results[i].ok()) << results[i].status();
}

// Many callers, random refusals and batch breakers: every caller gets exactly the answer its item
// deserves, and the committed items are exactly the good ones, each once.
TEST(GroupCommitTest, UnderContentionEveryCallerGetsItsOwnOutcomeExactlyOnce) {
  FakeStore store;
  Committer committer({"test", /*max_batch=*/16}, WriteTo(store));
  constexpr int kThreads = 16;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kPerThread; ++k) {
        const int id = t * kPerThread + k;
        Item item{id, id % 7 == 3, id % 29 == 5};
        auto result = committer.Submit(item, Call());
        const bool right = item.breaks_batch ? result.status().code() == absl::StatusCode::kInternal
                           : item.refused
                               ? result.status().code() == absl::StatusCode::kFailedPrecondition
                               : result.ok() && *result == id * 10;
        if (!right) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  std::map<int, int> times;
  for (int id : store.committed()) ++times[id];
  int good = 0;
  for (int id = 0; id < kThreads * kPerThread; ++id) {
    if (id % 7 == 3 || id % 29 == 5) {
      EXPECT_EQ(times.count(id), 0u) << id;
    } else {
      ++good;
      EXPECT_EQ(times[id], 1) << id;
    }
  }
  EXPECT_EQ(static_cast<int>(store.committed().size()), good);
  size_t most = 0;
  for (size_t size : store.batches()) most = std::max(most, size);
  EXPECT_GT(most, 1u) << "16 threads never shared a transaction";
}

}  // namespace
}  // namespace wse
