#pragma once
// What every handler knows about its call, and the wrapper that turns a handler's absl::Status
// into the answer: Serve() extracts the request id (x-request-id, or a fresh one), echoes it in
// the response headers, runs the body, maps the status once, and writes one access-log line.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"

namespace wse {

inline constexpr char kRequestIdHeader[] = "x-request-id";

struct CallContext {
  std::string request_id;
  absl::string_view method;
  // The raw bearer token of the Authorization header, if any (never logged).
  std::optional<std::string> bearer_token;
  std::chrono::system_clock::time_point deadline;
  grpc::ServerContext* server_context = nullptr;

  bool Cancelled() const { return server_context != nullptr && server_context->IsCancelled(); }
};

// A fresh random request id (32 hex characters).
std::string NewRequestId();

// The caller's x-request-id when it is acceptable (safe to log), otherwise a fresh id.
std::string RequestIdFrom(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata);

CallContext MakeCallContext(grpc::ServerContext* context, absl::string_view method);

// Forwards the request id and the caller's deadline to an outgoing call.
void PropagateTo(const CallContext& call, grpc::ClientContext* outgoing);

// Writes the access-log line (and the internal error, if any) for a finished call.
void LogCall(const CallContext& call, const absl::Status& status,
             std::chrono::steady_clock::duration elapsed);

template <typename Body>
grpc::Status Serve(grpc::ServerContext* context, absl::string_view method, Body&& body) {
  const auto start = std::chrono::steady_clock::now();
  CallContext call = MakeCallContext(context, method);
  absl::Status status = std::forward<Body>(body)(call);
  LogCall(call, status, std::chrono::steady_clock::now() - start);
  return ToGrpcStatus(status, call.request_id);
}

}  // namespace wse
