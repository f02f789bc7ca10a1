#pragma once
// Small gRPC client helpers for tests.

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace wse::testing {

std::shared_ptr<grpc::Channel> Channel(int port);
// "SERVING", "NOT_SERVING", ... or the failed call's code name ("UNAVAILABLE", "NOT_FOUND").
std::string HealthOf(int port, const std::string& service,
                     absl::Duration timeout = absl::Seconds(2));

}  // namespace wse::testing
