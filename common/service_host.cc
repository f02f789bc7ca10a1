#include "common/service_host.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/request_parse_interceptor.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/statement.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/security/server_credentials.h"

namespace wse {

using grpc::health::v1::HealthCheckResponse;

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

ServiceHost::ServiceHost(ServiceHostOptions options) : options_(std::move(options)) {}

ServiceHost::~ServiceHost() { Shutdown(); }

void ServiceHost::AddService(grpc::Service* service, const std::string& full_name) {
  services_.emplace_back(service, full_name);
}

void ServiceHost::WatchDatabase(MysqlOptions options, MysqlPool* pool) {
  database_ = std::make_unique<MysqlOptions>(std::move(options));
  pool_ = pool;
}

absl::StatusOr<int> ServiceHost::Start() {
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::EnableDefaultHealthCheckService(false);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(
      options_.listen_address,
      options_.credentials ? options_.credentials : grpc::InsecureServerCredentials(), &port);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              options_.idle_threads);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  // Send hooks run in this order: the metrics see the status after the parse interceptor has
  // turned an unparseable request's INTERNAL into INVALID_ARGUMENT.
  interceptors.push_back(MakeRequestParseInterceptorFactory());
  interceptors.push_back(MakeServerMetricsInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(&health_);
  const auto initial = database_ ? HealthCheckResponse::NOT_SERVING : HealthCheckResponse::SERVING;
  health_.Set("", initial);
  for (auto& [service, name] : services_) {
    builder.RegisterService(service);
    health_.Set(name, initial);
  }
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.listen_address, " (address in use?)"));
  }
  if (!options_.metrics_listen.empty()) {
    ASSIGN_OR_RETURN(metrics_, MetricsEndpoint::Start(options_.metrics_listen));
    LogInfo("metrics", {{"url", metrics_->url()}});
  }
  if (database_) {
    probe_ = std::make_unique<PeriodicTask>(options_.probe_interval, [this] { ProbeOnce(); });
    probe_->Start();
    probe_->Wake();  // Health follows the database from the start.
  }
  LogInfo("serving", {{"address", options_.listen_address}, {"port", absl::StrCat(port)}});
  if (options_.after_start) options_.after_start();
  return port;
}

void ServiceHost::ProbeOnce() {
  bool up = false;
  try {
    if (probe_connection_ == nullptr) {
      auto made = ConnectMysql(*database_);
      if (made.ok()) probe_connection_ = *std::move(made);
    }
    if (probe_connection_ != nullptr) {
      std::unique_ptr<sql::Statement> stmt(probe_connection_->createStatement());
      stmt->execute("DO 1");
      up = true;
    }
  } catch (const sql::SQLException&) {
    probe_connection_.reset();
  }
  static prometheus::Gauge& database_gauge =
      GaugeOf("wse_db_up",
              "1 when the last probe of the database answered (the service is "
              "SERVING), 0 otherwise.",
              {});
  database_gauge.Set(up ? 1 : 0);
  if (up == database_up_ && !first_probe_) return;
  if (!stopping_.load()) {
    health_.SetAll(up ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
  }
  if (up) {
    if (!first_probe_ && pool_ != nullptr) pool_->Invalidate();
    LogInfo("database reachable: SERVING");
  } else {
    LogWarn("database unreachable: NOT_SERVING");
  }
  database_up_ = up;
  first_probe_ = false;
}

int AwaitTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  return signal_number;
}

int ServiceHost::WaitForTerminationSignal() {
  const int signal_number = AwaitTerminationSignal();
  LogInfo("termination signal received: draining",
          {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
  Shutdown();
  LogInfo("stopped");
  return 0;
}

void ServiceHost::Shutdown() {
  if (stopping_.exchange(true)) return;
  health_.Shutdown();
  if (server_ != nullptr && options_.before_drain) options_.before_drain();
  if (server_ != nullptr) {
    // Refuses new calls at once; in-flight calls may finish until the deadline, then are
    // cancelled.
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoMilliseconds(options_.drain_timeout));
    server_->Wait();
  }
  if (probe_ != nullptr) probe_->Stop();
}

}  // namespace wse
