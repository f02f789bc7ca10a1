#pragma once
// Runs one gRPC service process: reflection, grpc.health.v1 (visible through reflection, per
// service name), a database probe that flips health to NOT_SERVING while MariaDB is unreachable
// and back to SERVING when it returns, and a graceful drain on SIGTERM/SIGINT: health goes
// NOT_SERVING, new calls are refused, in-flight calls get up to `drain_timeout` to finish, then
// the process exits 0.
//
// The services use gRPC's synchronous API on purpose: their handlers block on the MySQL driver,
// which must not happen on the callback API's event-engine threads.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "common/grpc_metrics.h"
#include "common/health_service.h"
#include "common/mysql_pool.h"
#include "common/periodic_task.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"

namespace wse {

struct ServiceHostOptions {
  std::string listen_address = "127.0.0.1:0";
  absl::Duration drain_timeout = absl::Seconds(20);
  absl::Duration probe_interval = absl::Seconds(1);
  int max_message_bytes = 4 * 1024 * 1024;
  // Handler threads kept waiting for calls. gRPC's default (2) makes a busy server end a thread
  // after nearly every call and start another for the next: under load a tenth of the CPU went
  // to thread creation and per-thread set-up.
  int idle_threads = 32;
  // TLS (common/tls.h); nullptr serves plaintext h2c.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Where Prometheus scrapes this process (http://<address>/metrics); "" serves no endpoint (the
  // metrics are still counted).
  std::string metrics_listen;
  // Run once the server listens, and when the drain begins (before new calls are refused): a
  // replica's lease is taken only where its address answers, and given up before it stops
  // answering, so the peers' writes neither push to it in vain nor wait its lease out.
  std::function<void()> after_start;
  std::function<void()> before_drain;
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it creates later; call first
// thing in main() so that Run() can wait for them synchronously.
void BlockTerminationSignals();
// Waits (with the signals blocked) until SIGTERM or SIGINT arrives; returns which.
int AwaitTerminationSignal();

class ServiceHost {
 public:
  explicit ServiceHost(ServiceHostOptions options);
  ~ServiceHost();

  // Registers a service; `full_name` (e.g. "wse.rights.v1.RightsService") gets its own health
  // status. The service must outlive the host.
  void AddService(grpc::Service* service, const std::string& full_name);
  // Probes this database to drive health; without one, health is SERVING once started. When the
  // database comes back after an outage, `pool` (optional) drops its dead idle connections.
  void WatchDatabase(MysqlOptions options, MysqlPool* pool = nullptr);

  // Starts serving; returns the bound port (useful with port 0) or an error.
  absl::StatusOr<int> Start();
  // The metrics endpoint's port once started (0: none).
  int metrics_port() const { return metrics_ ? metrics_->port() : 0; }
  // Waits for SIGTERM/SIGINT, then drains. Returns the process exit code.
  int WaitForTerminationSignal();
  // Drains and stops (also used by tests instead of a signal).
  void Shutdown();

  HealthService& health() { return health_; }

 private:
  void ProbeOnce();  // On the probe task's thread only, like the three fields it uses.

  ServiceHostOptions options_;
  HealthService health_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::unique_ptr<MysqlOptions> database_;
  MysqlPool* pool_ = nullptr;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<MetricsEndpoint> metrics_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<sql::Connection> probe_connection_;
  bool database_up_ = false;
  bool first_probe_ = true;
  std::unique_ptr<PeriodicTask> probe_;  // Last: stops before the fields it uses go.
};

}  // namespace wse
