// PeriodicTask: ticks repeat until Stop, Wake runs the next one now, Stop returns without waiting
// out the interval.
#include "common/periodic_task.h"

#include <atomic>
#include <chrono>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace wse {
namespace {

TEST(PeriodicTaskTest, TicksRepeatUntilStopped) {
  std::atomic<int> ticks{0};
  absl::Notification third;
  PeriodicTask task(absl::Milliseconds(5), [&] {
    if (++ticks == 3) third.Notify();
  });
  task.Start();
  ASSERT_TRUE(third.WaitForNotificationWithTimeout(absl::Seconds(10)));
  task.Stop();
  const int after_stop = ticks.load();
  absl::SleepFor(absl::Milliseconds(30));
  EXPECT_EQ(ticks.load(), after_stop);
}

TEST(PeriodicTaskTest, WakeRunsTheNextTickNowAndStopDoesNotWaitOutTheInterval) {
  absl::Notification ticked;
  PeriodicTask task(absl::Hours(1), [&] {
    if (!ticked.HasBeenNotified()) ticked.Notify();
  });
  task.Start();
  task.Wake();
  EXPECT_TRUE(ticked.WaitForNotificationWithTimeout(absl::Seconds(10)));
  const auto before = std::chrono::steady_clock::now();
  task.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(10));
}

}  // namespace
}  // namespace wse
