#pragma once
// Child processes for tests that exercise real binaries (exit codes, signals, restarts).

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace wse::testing {

class ChildProcess {
 public:
  // Starts argv[0] with stdout and stderr appended to `log_path`; `env` entries ("K=V") are
  // added to the inherited environment.
  static absl::StatusOr<ChildProcess> Start(const std::vector<std::string>& argv,
                                            const std::string& log_path,
                                            const std::vector<std::string>& env = {});
  ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess();  // SIGKILLs a child still running.

  pid_t pid() const { return pid_; }
  void Signal(int signal_number) const;
  // The exit code (128 + signal when killed), or nullopt if still running after `timeout`.
  std::optional<int> Wait(absl::Duration timeout);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
};

std::string ReadFile(const std::string& path);
// A TCP port on 127.0.0.1 that was free a moment ago, outside the ephemeral range and never
// handed out twice in one test process (0 if none was found).
int FreePort();
// A fresh empty directory under TMPDIR (or /tmp).
std::string MakeTempDir(const std::string& prefix);
// Polls `condition` every 50 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout);

// Milliseconds between two steady-clock points.
inline double MillisBetween(std::chrono::steady_clock::time_point a,
                            std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace wse::testing
