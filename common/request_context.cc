#include "common/request_context.h"

#include <random>

#include "absl/strings/str_format.h"

namespace wse {

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x%016x", rng(), rng());
}

RequestContext BackgroundContext(absl::string_view job) {
  RequestContext context;
  context.request_id = NewRequestId();
  context.method = job;
  return context;
}

}  // namespace wse
