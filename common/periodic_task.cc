#include "common/periodic_task.h"

#include <utility>

#include "common/request_context.h"
#include "common/trace_context.h"

namespace wse {

PeriodicTask::PeriodicTask(std::function<absl::Duration()> interval, std::function<void()> tick)
    : interval_(std::move(interval)), tick_(std::move(tick)) {}

PeriodicTask::PeriodicTask(absl::Duration interval, std::function<void()> tick)
    : PeriodicTask([interval] { return interval; }, std::move(tick)) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  if (thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicTask::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    due_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
  due_.SignalAll();
}

// A CondVar and an explicit loop rather than Mutex::Await with a Condition: the condition would
// be evaluated inside abseil (on whichever thread unlocks), where ThreadSanitizer cannot see
// that the mutex is held (tests/security/tsan_absl_sync.cc wraps only the entry points).
void PeriodicTask::Loop() {
  while (true) {
    const absl::Time due = absl::Now() + interval_();
    {
      absl::MutexLock lock(&mu_);
      while (!stopping_ && !woken_ && !due_.WaitWithDeadline(&mu_, due)) {
      }
      if (stopping_) return;
      woken_ = false;
    }
    // Each pass is a trace of its own: its log lines carry a trace_id like a request's (an
    // outbox row's or a queued mail's delivery continues the row's trace inside it).
    const ScopedTrace traced(TraceContext::Start(), NewRequestId());
    tick_();
  }
}

}  // namespace wse
