#pragma once
// The one place where absl::Status becomes grpc::Status (server edge) and back (client side).

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace wse {

// Maps code and message, and packs every error-detail payload into google.rpc.Status details
// (trailer grpc-status-details-bin). INTERNAL, UNKNOWN and DATA_LOSS are logged by the caller and
// answered without internals: only a reference to the request id.
grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view request_id);
// The same mapping into a google.rpc.Status message (one outcome among many in a batch answer),
// and back.
google::rpc::Status ToRpcStatus(const absl::Status& status, absl::string_view request_id);
absl::Status FromRpcStatus(const google::rpc::Status& rpc_status);

// The inverse, for clients calling other services: code, message and details survive.
absl::Status FromGrpcStatus(const grpc::Status& status);

// True for codes whose message must not reach the caller.
bool IsInternalError(absl::StatusCode code);

}  // namespace wse
