#pragma once
// One background loop, written once: runs `tick` on its own thread every `interval` (measured
// from the end of one tick to the start of the next) until Stop(). Stop() wakes the thread at
// once and waits for a running tick to finish; Wake() runs the next tick now instead of at the
// end of the interval. Ticks run one at a time, on the task's one thread.

#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wse {

class PeriodicTask {
 public:
  // `interval` is read before every wait, so it may depend on state (a lease, a flag).
  PeriodicTask(std::function<absl::Duration()> interval, std::function<void()> tick);
  PeriodicTask(absl::Duration interval, std::function<void()> tick);
  ~PeriodicTask();  // Stops.

  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // The first tick runs one interval after Start (run it yourself first if it must run now).
  void Start();
  void Stop();
  void Wake();

 private:
  void Loop();

  const std::function<absl::Duration()> interval_;
  const std::function<void()> tick_;
  absl::Mutex mu_;
  absl::CondVar due_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace wse
