#pragma once
// gRPC metrics with go-grpc-prometheus's names and labels, for every RPC a process serves or makes:
//   grpc_{server,client}_started_total    {grpc_type, grpc_service, grpc_method}
//   grpc_{server,client}_handled_total    {grpc_type, grpc_service, grpc_method, grpc_code}
//   grpc_{server,client}_handling_seconds {grpc_type, grpc_service, grpc_method} (histogram)
// recorded by interceptors (the service host installs the server one, ServiceChannel the client
// one), and the HTTP endpoint Prometheus scrapes.

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/client_interceptor.h"
#include "grpcpp/support/server_interceptor.h"

namespace prometheus {
class Exposer;
}

namespace wse {

// Whether the interceptors count (default yes). Off when a service runs without a metrics
// endpoint (--metrics_listen=""): nothing would read the counts, and the benchmark measures the
// interceptors' cost against a service without them (bench/run.sh metrics-cost).
void SetGrpcMetricsEnabled(bool enabled);

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeServerMetricsInterceptorFactory();
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
MakeClientMetricsInterceptorFactory();

// Serves the process's metrics at http://`listen`/metrics ("127.0.0.1:9452"; port 0 picks one;
// a bare port is refused, as an endpoint on every interface must be asked for: "0.0.0.0:9452").
namespace grpc_metrics_internal {
// The grpc_service and grpc_method labels of "/package.Service/Method": ("unknown", "unknown")
// unless this binary has the method's descriptor, so that a caller's made-up paths cannot grow
// the registry without bound.
std::pair<std::string, std::string> ServiceAndMethodLabels(absl::string_view path);
}  // namespace grpc_metrics_internal

class MetricsEndpoint {
 public:
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& listen);
  ~MetricsEndpoint();
  int port() const { return port_; }
  // Where it serves, as given: "http://127.0.0.1:9452/metrics".
  std::string url() const;

 private:
  MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, std::string host, int port);
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::string host_;
  int port_;
};

}  // namespace wse
