#pragma once
// The gRPC edge of every call: Serve() extracts the request id (x-request-id, or a fresh one) and
// the trace (traceparent, or a new one), echoes the request id in the response headers, runs the
// body, maps the status once, and writes one access-log line.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/request_context.h"
#include "common/trace_context.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"

namespace wse {

inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kTraceparentHeader[] = "traceparent";
inline constexpr char kTracestateHeader[] = "tracestate";

// The caller's x-request-id when it is acceptable (safe to log), otherwise a fresh id.
std::string RequestIdFrom(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata);

RequestContext MakeRequestContext(grpc::ServerContextBase* context, absl::string_view method);

// Forwards the request id, the trace (this request's span as the parent) and the caller's
// deadline to an outgoing call.
void PropagateTo(const RequestContext& call, grpc::ClientContext* outgoing);

// Writes the access-log line (and the internal error, if any) for a finished call.
void LogCall(const RequestContext& call, const absl::Status& status,
             std::chrono::steady_clock::duration elapsed);

template <typename Body>
grpc::Status Serve(grpc::ServerContextBase* context, absl::string_view method, Body&& body) {
  const auto start = std::chrono::steady_clock::now();
  RequestContext call = MakeRequestContext(context, method);
  // Every log line written for this call, by any layer, names its trace and request.
  const ScopedTrace traced(call.trace, call.request_id);
  absl::Status status = std::forward<Body>(body)(call);
  LogCall(call, status, std::chrono::steady_clock::now() - start);
  return ToGrpcStatus(status, call.request_id);
}

}  // namespace wse
