#include "common/periodic_task.h"

#include <utility>

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
  }
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

bool PeriodicTask::Due() const { return stopping_ || woken_; }

void PeriodicTask::Loop() {
  while (true) {
    const absl::Duration interval = interval_();
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(this, &PeriodicTask::Due), interval);
      if (stopping_) return;
      woken_ = false;
    }
    tick_();
  }
}

}  // namespace wse
