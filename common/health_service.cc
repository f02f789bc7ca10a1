#include "common/health_service.h"

#include "absl/time/time.h"

namespace wse {

using grpc::health::v1::HealthCheckResponse;

void HealthService::Set(const std::string& service, ServingStatus status) {
  absl::MutexLock lock(&mu_);
  if (shutdown_) return;
  statuses_[service] = status;
  ++version_;
}

void HealthService::SetAll(ServingStatus status) {
  absl::MutexLock lock(&mu_);
  if (shutdown_) return;
  for (auto& [name, value] : statuses_) value = status;
  ++version_;
}

void HealthService::Shutdown() {
  absl::MutexLock lock(&mu_);
  for (auto& [name, value] : statuses_) value = HealthCheckResponse::NOT_SERVING;
  shutdown_ = true;
  ++version_;
}

grpc::Status HealthService::Check(grpc::ServerContext* /*context*/,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  HealthCheckResponse* response) {
  absl::MutexLock lock(&mu_);
  auto it = statuses_.find(request->service());
  if (it == statuses_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service " + request->service());
  }
  response->set_status(it->second);
  return grpc::Status::OK;
}

grpc::Status HealthService::Watch(grpc::ServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::ServerWriter<HealthCheckResponse>* writer) {
  uint64_t seen = 0;
  bool first = true;
  while (true) {
    HealthCheckResponse response;
    {
      absl::MutexLock lock(&mu_);
      auto changed = [this, &seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return version_ != seen || shutdown_;
      };
      // Wake at least once a second to notice a cancelled client.
      mu_.AwaitWithTimeout(absl::Condition(&changed),
                           first ? absl::ZeroDuration() : absl::Seconds(1));
      if (context->IsCancelled()) return grpc::Status::CANCELLED;
      if (!first && version_ == seen && !shutdown_) continue;
      seen = version_;
      auto it = statuses_.find(request->service());
      // Per the protocol, Watch reports SERVICE_UNKNOWN instead of failing.
      response.set_status(it == statuses_.end() ? HealthCheckResponse::SERVICE_UNKNOWN
                                                : it->second);
      if (shutdown_) {
        writer->Write(response);
        return grpc::Status::OK;
      }
    }
    first = false;
    if (!writer->Write(response)) return grpc::Status::OK;
  }
}

}  // namespace wse
