#pragma once
// The load generator's view of the stack: where the services are (flow::Services, from the
// STACK_* variables of deploy/local/lib.sh) and the preparation of fresh data through the flow
// library (tests/flow), the same code the tests use.

#include <string>

#include "grpcpp/client_context.h"
#include "tests/flow/flow.h"
#include "tests/flow/identifiers.h"

namespace wse::bench {

using flow::Tenant;

// Deadline (and bearer token, if any) of one call the load generator makes.
void Bearer(grpc::ClientContext* context, const std::string& token, int timeout_seconds = 60);

}  // namespace wse::bench
