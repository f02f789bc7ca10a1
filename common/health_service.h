#pragma once
// grpc.health.v1.Health, registered as an ordinary service so that reflection lists it
// (gRPC's built-in health service is invisible to reflection). Answers for "" (the process) and
// for every registered full service name; unknown names get NOT_FOUND as the protocol requires.

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace wse {

class HealthService final : public grpc::health::v1::Health::Service {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  // Sets the status of `service` ("" = overall).
  void Set(const std::string& service, ServingStatus status);
  // Sets every known name at once (database up/down, draining).
  void SetAll(ServingStatus status);
  // Ends all Watch streams; after this every status reads NOT_SERVING.
  void Shutdown();

  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  grpc::Status Watch(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) override;

 private:
  absl::Mutex mu_;
  std::map<std::string, ServingStatus> statuses_ ABSL_GUARDED_BY(mu_);
  uint64_t version_ ABSL_GUARDED_BY(mu_) = 0;  // Bumped on every change; Watch waits on it.
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace wse
