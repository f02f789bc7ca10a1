#include "common/call_context.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wse {
namespace {

// Accepts ids gateways produce (hex, UUIDs, base64url); anything else is replaced so that log
// lines cannot be forged through the header.
bool IsAcceptableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

std::optional<absl::string_view> Header(const std::multimap<grpc::string_ref, grpc::string_ref>& md,
                                        absl::string_view key) {
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return std::nullopt;
  return absl::string_view(it->second.data(), it->second.size());
}

}  // namespace

std::string RequestIdFrom(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  auto id = Header(metadata, kRequestIdHeader);
  return id && IsAcceptableRequestId(*id) ? std::string(*id) : NewRequestId();
}

RequestContext MakeRequestContext(grpc::ServerContextBase* context, absl::string_view method) {
  RequestContext call;
  call.method = method;
  call.is_cancelled = [context] { return context->IsCancelled(); };
  call.request_id = RequestIdFrom(context->client_metadata());
  const auto traceparent = Header(context->client_metadata(), kTraceparentHeader);
  const auto tracestate = Header(context->client_metadata(), kTracestateHeader);
  call.trace = TraceContext::Continue(traceparent.value_or(""), tracestate.value_or(""));
  // Two Authorization headers are a smuggling attempt (a gateway may judge one, the service
  // another): no credential at all.
  const auto& metadata = context->client_metadata();
  if (metadata.count("authorization") > 1) {
    call.bearer_token = std::string();
  } else if (auto auth = Header(metadata, "authorization")) {
    constexpr absl::string_view kBearer = "bearer ";
    if (auth->size() > kBearer.size() && absl::StartsWithIgnoreCase(*auth, kBearer)) {
      call.bearer_token = std::string(absl::StripAsciiWhitespace(auth->substr(kBearer.size())));
    }
  }
  call.deadline = context->deadline();
  context->AddInitialMetadata(kRequestIdHeader, call.request_id);
  return call;
}

void PropagateTo(const RequestContext& call, grpc::ClientContext* outgoing) {
  outgoing->AddMetadata(kRequestIdHeader, call.request_id);
  if (call.trace.valid()) outgoing->AddMetadata(kTraceparentHeader, call.trace.Traceparent());
  if (!call.trace.state.empty()) outgoing->AddMetadata(kTracestateHeader, call.trace.state);
  // An infinite server deadline is time_point::max(); leave the outgoing one unset then.
  if (call.deadline < std::chrono::system_clock::time_point::max() - std::chrono::hours(24)) {
    outgoing->set_deadline(call.deadline);
  }
}

void LogCall(const RequestContext& call, const absl::Status& status,
             std::chrono::steady_clock::duration elapsed) {
  const std::string millis =
      absl::StrFormat("%.3f", std::chrono::duration<double, std::milli>(elapsed).count());
  const std::string code = absl::StatusCodeToString(status.code());
  if (IsInternalError(status.code())) {
    LogError("call failed", {{"request_id", call.request_id},
                             {"method", call.method},
                             {"code", code},
                             {"error", status.message()},
                             {"duration_ms", millis}});
    return;
  }
  LogInfo("call", {{"request_id", call.request_id},
                   {"method", call.method},
                   {"code", code},
                   {"duration_ms", millis}});
}

}  // namespace wse
