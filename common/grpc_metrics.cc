#include "common/grpc_metrics.h"

#include <chrono>
#include <exception>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/metrics.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/exposer.h"

namespace wse {
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

// One side's three families, for one RPC: labels from "/package.Service/Method" and its kind.
class RpcMetrics {
 public:
  RpcMetrics(absl::string_view side, absl::string_view path, const char* type)
      : side_(side), labels_(LabelsOf(path, type)), start_(std::chrono::steady_clock::now()) {
    CounterOf(absl::StrCat("grpc_", side_, "_started_total"),
              absl::StrCat("RPCs started on the ", side_, "."), labels_)
        .Increment();
  }

  void Finished(grpc::StatusCode code) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    MetricLabels with_code = labels_;
    with_code["grpc_code"] = CodeName(code);
    CounterOf(absl::StrCat("grpc_", side_, "_handled_total"),
              absl::StrCat("RPCs completed on the ", side_, ", by status code."), with_code)
        .Increment();
    HistogramOf(absl::StrCat("grpc_", side_, "_handling_seconds"),
                absl::StrCat("Time from the start of an RPC to its status, on the ", side_, "."),
                labels_)
        .Observe(seconds);
  }

 private:
  // Only methods this binary knows by their descriptor get their own labels: a caller can send
  // any path, and a label per made-up method name would grow the registry without bound.
  static MetricLabels LabelsOf(absl::string_view path, const char* type) {
    const size_t slash = path.rfind('/');
    absl::string_view service = slash == absl::string_view::npos ? "" : path.substr(0, slash);
    if (!service.empty() && service.front() == '/') service.remove_prefix(1);
    const absl::string_view method = path.substr(slash + 1);
    if (google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
            absl::StrCat(service, ".", method)) == nullptr) {
      return {{"grpc_type", type}, {"grpc_service", "unknown"}, {"grpc_method", "unknown"}};
    }
    return {{"grpc_type", type},
            {"grpc_service", std::string(service)},
            {"grpc_method", std::string(method)}};
  }

  std::string side_;
  MetricLabels labels_;
  std::chrono::steady_clock::time_point start_;
};

const char* TypeName(grpc::experimental::ServerRpcInfo::Type type) {
  using Type = grpc::experimental::ServerRpcInfo::Type;
  switch (type) {
    case Type::UNARY:
      return "unary";
    case Type::CLIENT_STREAMING:
      return "client_stream";
    case Type::SERVER_STREAMING:
      return "server_stream";
    case Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unary";
}

const char* TypeName(grpc::experimental::ClientRpcInfo::Type type) {
  using Type = grpc::experimental::ClientRpcInfo::Type;
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

class ServerMetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit ServerMetricsInterceptor(grpc::experimental::ServerRpcInfo* info)
      : metrics_("server", info->method(), TypeName(info->type())) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_.Finished(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  RpcMetrics metrics_;
};

class ServerMetricsFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new ServerMetricsInterceptor(info);
  }
};

class ClientMetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit ClientMetricsInterceptor(grpc::experimental::ClientRpcInfo* info)
      : metrics_("client", info->method(), TypeName(info->type())) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_STATUS)) {
      metrics_.Finished(methods->GetRecvStatus()->error_code());
    }
    methods->Proceed();
  }

 private:
  RpcMetrics metrics_;
};

class ClientMetricsFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new ClientMetricsInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeServerMetricsInterceptorFactory() {
  return std::make_unique<ServerMetricsFactory>();
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
MakeClientMetricsInterceptorFactory() {
  return std::make_unique<ClientMetricsFactory>();
}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(const std::string& listen) {
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/1);
    exposer->RegisterCollectable(MetricsRegistry());
    const std::vector<int> ports = exposer->GetListeningPorts();
    const int port = ports.empty() ? 0 : ports.front();
    return std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint(std::move(exposer), port));
  } catch (const std::exception& e) {
    // civetweb throws when it cannot bind.
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
}

MetricsEndpoint::MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, int port)
    : exposer_(std::move(exposer)), port_(port) {}

MetricsEndpoint::~MetricsEndpoint() = default;

}  // namespace wse
