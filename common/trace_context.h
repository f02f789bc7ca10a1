#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/) for one request's path through the
// suite: the gateway or a caller sends `traceparent: 00-<trace-id>-<parent-id>-<flags>`; each
// service continues that trace with a span of its own (or starts one), logs its trace_id and
// span_id on every line, sends its span as the parent on each call it makes, and stores it with
// each outbox row and queued mail, so the mail a confirm causes is sent under the confirm's trace.
//
// Spans are not exported (no OpenTelemetry SDK in Debian 12): the ids tie the log lines of the
// services and Envoy's exported spans together.

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace wse {

struct TraceContext {
  std::string trace_id;  // 32 lowercase hex digits, not all zero.
  std::string span_id;   // 16 lowercase hex digits, not all zero: this process's span.
  bool sampled = false;  // The caller's "sampled" flag, passed on unchanged.
  // The caller's tracestate (vendors' own data), passed on unchanged; empty when it had none,
  // or one longer than the specification's 512 characters or not printable ASCII.
  std::string state;

  bool valid() const { return !trace_id.empty(); }

  // The header value naming this span as the parent: "00-<trace_id>-<span_id>-<flags>".
  std::string Traceparent() const;

  // A new trace (a request that came without a usable traceparent, a background job).
  static TraceContext Start();
  // The next span of the trace `parent` belongs to.
  static TraceContext ChildOf(const TraceContext& parent);
  // A traceparent header as the specification reads it: version 00 exactly 55 characters;
  // a later version at least that, its extra fields ignored; version ff, upper-case hex and
  // all-zero ids refused. Nothing when it does not parse (the caller then starts a trace).
  static std::optional<TraceContext> Parse(absl::string_view traceparent);
  // Continues `traceparent` (and its `tracestate`) with a new span, or starts a trace when it
  // is empty or invalid (a tracestate without a valid traceparent is dropped, as specified).
  static TraceContext Continue(absl::string_view traceparent, absl::string_view tracestate = "");
};

// The trace and request id the calling thread works for: Log() adds them to every line it
// writes, AppendToOutbox stores the trace with the row. Set for the scope of one request or one
// background item; scopes nest (the previous one is back after the inner one ends).
class ScopedTrace {
 public:
  ScopedTrace(TraceContext trace, std::string request_id);
  ~ScopedTrace();
  ScopedTrace(const ScopedTrace&) = delete;
  ScopedTrace& operator=(const ScopedTrace&) = delete;

 private:
  const ScopedTrace* previous_;
  friend const TraceContext* CurrentTrace();
  friend const std::string* CurrentRequestId();
  TraceContext trace_;
  std::string request_id_;
};

// The innermost scope's trace and request id on this thread; null outside every scope.
const TraceContext* CurrentTrace();
const std::string* CurrentRequestId();

}  // namespace wse
