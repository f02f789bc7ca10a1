#pragma once
// A TCP forwarder on 127.0.0.1 that a fault test can cut: a process advertises the proxy's port
// instead of its own, and the test partitions it from its callers without touching the process.
//
// Cut() makes the link a black hole, as a broken network is: bytes already accepted are dropped,
// new connections are accepted but never forwarded, so callers wait for their deadline rather
// than getting a quick "connection refused". Heal() closes the dead connections and forwards
// again.

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace wse::testing {

class TcpProxy {
 public:
  explicit TcpProxy(int target_port);  // Listens on a free port at once.
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;
  ~TcpProxy();

  int port() const { return port_; }
  void Cut();
  void Heal();
  bool cut() const { return cut_.load(); }

 private:
  void AcceptLoop();
  void Pump(int client, int server);

  const int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cut_{false};
  std::atomic<uint64_t> epoch_{0};  // Bumped by Heal: connections of an older epoch close.
  std::thread acceptor_;
  absl::Mutex mu_;
  std::vector<std::thread> pumps_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse::testing
