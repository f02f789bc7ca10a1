#include "common/grpc_metrics.h"

#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/exposer.h"

namespace wse {
namespace grpc_metrics_internal {

std::pair<std::string, std::string> ServiceAndMethodLabels(absl::string_view path) {
  const size_t slash = path.rfind('/');
  absl::string_view service = slash == absl::string_view::npos ? "" : path.substr(0, slash);
  if (!service.empty() && service.front() == '/') service.remove_prefix(1);
  const absl::string_view method = path.substr(slash + 1);
  if (service.empty() || method.empty() ||
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          absl::StrCat(service, ".", method)) == nullptr) {
    return {"unknown", "unknown"};
  }
  return {std::string(service), std::string(method)};
}

}  // namespace grpc_metrics_internal

namespace {

using grpc::experimental::InterceptionHookPoints;

// go-grpc-prometheus's code names: the enum's names as Go prints them.
const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "Canceled";
    case grpc::StatusCode::UNKNOWN:
      return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND:
      return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FailedPrecondition";
    case grpc::StatusCode::ABORTED:
      return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "Unimplemented";
    case grpc::StatusCode::INTERNAL:
      return "Internal";
    case grpc::StatusCode::UNAVAILABLE:
      return "Unavailable";
    case grpc::StatusCode::DATA_LOSS:
      return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "Unauthenticated";
    default:
      return "Unknown";
  }
}

// One side's metrics of one method: looked up once per method and kept, so that an RPC costs a
// shared lock, a hash lookup and three metric updates, not a label map and registry lookups.
class MethodMetrics {
 public:
  MethodMetrics(absl::string_view side, absl::string_view path, const char* type)
      : side_(side), labels_(LabelsOf(path, type)) {
    started_ = &CounterOf(absl::StrCat("grpc_", side_, "_started_total"),
                          absl::StrCat("RPCs started on the ", side_, "."), labels_);
    seconds_ = &HistogramOf(
        absl::StrCat("grpc_", side_, "_handling_seconds"),
        absl::StrCat("Time from the start of an RPC to its status, on the ", side_, "."), labels_);
  }

  void Started() { started_->Increment(); }

  void Finished(grpc::StatusCode code, std::chrono::steady_clock::time_point start) {
    Handled(code).Increment();
    seconds_->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

 private:
  static MetricLabels LabelsOf(absl::string_view path, const char* type) {
    auto [service, method] = grpc_metrics_internal::ServiceAndMethodLabels(path);
    return {{"grpc_type", type}, {"grpc_service", service}, {"grpc_method", method}};
  }

  // The handled counter of `code`, made on its first use (most methods never see most codes).
  prometheus::Counter& Handled(grpc::StatusCode code) {
    const auto raw = static_cast<size_t>(code);
    const size_t index = raw < kCodes ? raw : static_cast<size_t>(grpc::StatusCode::UNKNOWN);
    prometheus::Counter* counter = handled_[index].load(std::memory_order_acquire);
    if (counter != nullptr) return *counter;
    MetricLabels with_code = labels_;
    with_code["grpc_code"] = CodeName(static_cast<grpc::StatusCode>(index));
    // Two threads may both get here; the registry hands both the same counter.
    counter =
        &CounterOf(absl::StrCat("grpc_", side_, "_handled_total"),
                   absl::StrCat("RPCs completed on the ", side_, ", by status code."), with_code);
    handled_[index].store(counter, std::memory_order_release);
    return *counter;
  }

  static constexpr size_t kCodes = 17;  // OK .. UNAUTHENTICATED; any other counts as Unknown.
  const std::string side_;
  const MetricLabels labels_;
  prometheus::Counter* started_;
  prometheus::Histogram* seconds_;
  std::array<std::atomic<prometheus::Counter*>, kCodes> handled_{};
};

// Every method's metrics on one side, by path. Unknown paths share one entry per RPC type and
// are not stored by path, so the map holds at most the methods this binary knows.
class MethodMetricsTable {
 public:
  explicit MethodMetricsTable(const char* side) : side_(side) {}

  MethodMetrics& For(absl::string_view path, size_t type, const char* type_name) {
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = by_path_.find(path);
      if (it != by_path_.end()) return *it->second;
    }
    const bool known = grpc_metrics_internal::ServiceAndMethodLabels(path).first != "unknown";
    absl::MutexLock lock(&mu_);
    std::unique_ptr<MethodMetrics>& entry =
        known ? by_path_[path] : unknown_[type % unknown_.size()];
    if (entry == nullptr) entry = std::make_unique<MethodMetrics>(side_, path, type_name);
    return *entry;
  }

 private:
  const char* side_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> by_path_ ABSL_GUARDED_BY(mu_);
  std::array<std::unique_ptr<MethodMetrics>, 4> unknown_ ABSL_GUARDED_BY(mu_);
};

// Never destroyed: interceptors of calls still in flight at exit may use them.
MethodMetricsTable& ServerTable() {
  static auto* table = new MethodMetricsTable("server");
  return *table;
}
MethodMetricsTable& ClientTable() {
  static auto* table = new MethodMetricsTable("client");
  return *table;
}

// go-grpc-prometheus's grpc_type values. The server's and the client's enums name the same kinds.
template <typename Type>
const char* TypeName(Type type) {
  switch (type) {
    case Type::CLIENT_STREAMING:
      return "client_stream";
    case Type::SERVER_STREAMING:
      return "server_stream";
    case Type::BIDI_STREAMING:
      return "bidi_stream";
    default:
      return "unary";
  }
}

// Counts one call: started now, finished when its status is sent (server) or received (client).
class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  template <typename RpcInfo>
  MetricsInterceptor(MethodMetricsTable& table, RpcInfo* info, bool server)
      : metrics_(table.For(info->method() == nullptr ? "" : info->method(),
                           static_cast<size_t>(info->type()), TypeName(info->type()))),
        server_(server) {
    metrics_.Started();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (server_ && methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_.Finished(methods->GetSendStatus().error_code(), start_);
    } else if (!server_ &&
               methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_STATUS)) {
      metrics_.Finished(methods->GetRecvStatus()->error_code(), start_);
    }
    methods->Proceed();
  }

 private:
  MethodMetrics& metrics_;
  const bool server_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::atomic<bool> metrics_enabled{true};

class ServerMetricsFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // No interceptor at all for this call (gRPC allows a null one).
    if (!metrics_enabled.load(std::memory_order_relaxed)) return nullptr;
    return new MetricsInterceptor(ServerTable(), info, /*server=*/true);
  }
};

class ClientMetricsFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    if (!metrics_enabled.load(std::memory_order_relaxed)) return nullptr;
    return new MetricsInterceptor(ClientTable(), info, /*server=*/false);
  }
};

}  // namespace

void SetGrpcMetricsEnabled(bool enabled) { metrics_enabled.store(enabled); }

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeServerMetricsInterceptorFactory() {
  return std::make_unique<ServerMetricsFactory>();
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
MakeClientMetricsInterceptorFactory() {
  return std::make_unique<ClientMetricsFactory>();
}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(const std::string& listen) {
  // An explicit host: civetweb reads a bare port as "every interface", which is not what an
  // operator who wrote "9451" for a localhost-only endpoint meant.
  const size_t colon = listen.rfind(':');
  int port_wanted = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(listen).substr(colon + 1), &port_wanted) ||
      port_wanted < 0 || port_wanted > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics_listen must be host:port (\"127.0.0.1:9452\", \"0.0.0.0:9452\"), not \"", listen,
        "\""));
  }
  try {
    // Two threads: a slow scraper does not hold up the next one. A short request timeout: a
    // client that opens a connection and sends nothing does not keep a thread.
    auto exposer = std::make_unique<prometheus::Exposer>(std::vector<std::string>{
        "listening_ports", listen, "num_threads", "2", "request_timeout_ms", "5000"});
    exposer->RegisterCollectable(MetricsRegistry());
    const std::vector<int> ports = exposer->GetListeningPorts();
    const int port = ports.empty() ? 0 : ports.front();
    return std::unique_ptr<MetricsEndpoint>(
        new MetricsEndpoint(std::move(exposer), listen.substr(0, colon), port));
  } catch (const std::exception& e) {
    // civetweb throws when it cannot bind.
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
}

MetricsEndpoint::MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, std::string host,
                                 int port)
    : exposer_(std::move(exposer)), host_(std::move(host)), port_(port) {}

std::string MetricsEndpoint::url() const {
  return absl::StrCat("http://", host_, ":", port_, "/metrics");
}

MetricsEndpoint::~MetricsEndpoint() = default;

}  // namespace wse
