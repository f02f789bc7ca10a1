#include "common/request_context.h"

#include "absl/random/random.h"
#include "absl/strings/str_format.h"

namespace wse {

std::string NewRequestId() {
  thread_local absl::BitGen bits;  // Seeded from the OS with enough entropy for unique ids.
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(bits),
                         absl::Uniform<uint64_t>(bits));
}

RequestContext BackgroundContext(absl::string_view job) {
  RequestContext context;
  // Inside a scope (an outbox row's delivery, a queued mail), the scope's request id: the
  // receiver's log lines then join the sender's by it too.
  const std::string* current_id = CurrentRequestId();
  context.request_id = current_id != nullptr ? *current_id : NewRequestId();
  context.method = job;
  const TraceContext* current = CurrentTrace();
  context.trace = current != nullptr ? TraceContext::ChildOf(*current) : TraceContext::Start();
  return context;
}

}  // namespace wse
