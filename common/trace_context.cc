#include "common/trace_context.h"

#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wse {
namespace {

thread_local const ScopedTrace* current_scope = nullptr;

std::string RandomHex(int bytes) {
  // absl::BitGen seeds each thread's generator from the OS with enough entropy that two threads
  // (or replicas) do not share a sequence of ids.
  thread_local absl::BitGen bits;
  std::string hex;
  while (static_cast<int>(hex.size()) < bytes * 2) {
    const uint64_t value = absl::Uniform<uint64_t>(bits);
    if (value == 0) continue;  // An all-zero id is invalid; never make one.
    absl::StrAppend(&hex, absl::StrFormat("%016x", value));
  }
  return hex.substr(0, static_cast<size_t>(bytes) * 2);
}

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZero(absl::string_view text) { return text.find_first_not_of('0') == text.npos; }

}  // namespace

std::string TraceContext::Traceparent() const {
  return absl::StrCat("00-", trace_id, "-", span_id, sampled ? "-01" : "-00");
}

TraceContext TraceContext::Start() {
  TraceContext trace;
  trace.trace_id = RandomHex(16);
  trace.span_id = RandomHex(8);
  return trace;
}

TraceContext TraceContext::ChildOf(const TraceContext& parent) {
  TraceContext child;
  child.trace_id = parent.trace_id;
  child.span_id = RandomHex(8);
  child.sampled = parent.sampled;
  child.state = parent.state;
  return child;
}

std::optional<TraceContext> TraceContext::Parse(absl::string_view header) {
  // version "-" trace-id "-" parent-id "-" trace-flags
  constexpr size_t kLength = 55;
  if (header.size() < kLength) return std::nullopt;
  const absl::string_view version = header.substr(0, 2);
  if (!IsLowerHex(version) || version == "ff") return std::nullopt;
  if (version == "00" && header.size() != kLength) return std::nullopt;
  // A later version may append fields, after a dash.
  if (header.size() > kLength && header[kLength] != '-') return std::nullopt;
  if (header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  const absl::string_view trace_id = header.substr(3, 32);
  const absl::string_view parent_id = header.substr(36, 16);
  const absl::string_view flags = header.substr(53, 2);
  if (!IsLowerHex(trace_id) || !IsLowerHex(parent_id) || !IsLowerHex(flags)) return std::nullopt;
  if (AllZero(trace_id) || AllZero(parent_id)) return std::nullopt;
  TraceContext parent;
  parent.trace_id = std::string(trace_id);
  parent.span_id = std::string(parent_id);
  const int flag_bits = (flags[1] >= 'a' ? flags[1] - 'a' + 10 : flags[1] - '0');
  parent.sampled = (flag_bits & 1) != 0;
  return parent;
}

TraceContext TraceContext::Continue(absl::string_view traceparent, absl::string_view tracestate) {
  std::optional<TraceContext> parent = Parse(traceparent);
  if (!parent) return Start();
  TraceContext child = ChildOf(*parent);
  const bool printable = std::all_of(tracestate.begin(), tracestate.end(),
                                     [](char c) { return c >= 0x20 && c <= 0x7e; });
  if (tracestate.size() <= 512 && printable) child.state = std::string(tracestate);
  return child;
}

ScopedTrace::ScopedTrace(TraceContext trace, std::string request_id)
    : previous_(current_scope), trace_(std::move(trace)), request_id_(std::move(request_id)) {
  current_scope = this;
}

ScopedTrace::~ScopedTrace() { current_scope = previous_; }

const TraceContext* CurrentTrace() {
  return current_scope == nullptr ? nullptr : &current_scope->trace_;
}

const std::string* CurrentRequestId() {
  return current_scope == nullptr ? nullptr : &current_scope->request_id_;
}

}  // namespace wse
