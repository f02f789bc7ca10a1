#pragma once
// gRPC metrics with go-grpc-prometheus's names and labels, for every RPC a process serves or makes:
//   grpc_server_started_total / grpc_client_started_total            {grpc_type, grpc_service,
//   grpc_method} grpc_server_handled_total / grpc_client_handled_total            {... , grpc_code}
//   grpc_server_handling_seconds / grpc_client_handling_seconds      {grpc_type, grpc_service,
//   grpc_method}
// recorded by interceptors (the service host installs the server one, ServiceChannel the client
// one), and the HTTP endpoint Prometheus scrapes.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/support/client_interceptor.h"
#include "grpcpp/support/server_interceptor.h"

namespace prometheus {
class Exposer;
}

namespace wse {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeServerMetricsInterceptorFactory();
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
MakeClientMetricsInterceptorFactory();

// Serves the process's metrics at http://`listen`/metrics ("127.0.0.1:9452"; port 0 picks one).
class MetricsEndpoint {
 public:
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& listen);
  ~MetricsEndpoint();
  int port() const { return port_; }

 private:
  MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer, int port);
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

}  // namespace wse
