#pragma once
// What the domain knows about the request it serves, with no RPC framework in sight: the adapter
// at the edge (common/call_context.h for gRPC) fills it from the incoming call, background jobs
// make their own, and clients of other services forward the request id and the deadline.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/trace_context.h"

namespace wse {

struct RequestContext {
  std::string request_id;
  // The RPC or job name, for logs (a string literal owned by the caller).
  absl::string_view method;
  // The raw bearer token of the Authorization header, if any (never logged). Empty (but present)
  // when the call carried two Authorization headers: no credential at all.
  std::optional<std::string> bearer_token;
  std::chrono::system_clock::time_point deadline = std::chrono::system_clock::time_point::max();
  // This request's span (common/trace_context.h): continued from the caller's traceparent, or
  // new; sent as the parent on every call made for it.
  TraceContext trace;
  // True once the caller has gone away; empty for work nobody can cancel.
  std::function<bool()> is_cancelled;

  bool Cancelled() const { return is_cancelled && is_cancelled(); }
};

// A fresh random request id (32 hex characters).
std::string NewRequestId();

// A context for work no caller is waiting for (background jobs, start-up): a fresh request id,
// no deadline, no credential; a span of the trace the thread works for (ScopedTrace: an outbox
// row's, a queued mail's), else a new trace.
RequestContext BackgroundContext(absl::string_view job);

}  // namespace wse
