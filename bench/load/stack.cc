#include "bench/load/stack.h"

#include <chrono>

namespace wse::bench {

void Bearer(grpc::ClientContext* context, const std::string& token, int timeout_seconds) {
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));
}

}  // namespace wse::bench
