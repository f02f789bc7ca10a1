#pragma once
// Operators (department staff running imports and repairs with grpcurl, and internal systems)
// authenticate with a long random bearer token kept in a secret file, compared in constant
// time. In production the gateway additionally restricts operator RPCs to the internal network.

#include <string>

#include "absl/status/status.h"
#include "common/call_context.h"

namespace wse {

class OperatorAuthenticator {
 public:
  // Empty `token` disables operator access altogether.
  explicit OperatorAuthenticator(std::string token) : token_(std::move(token)) {}
  bool IsOperator(const CallContext& call) const;
  // OK for an operator; PERMISSION_DENIED (reason OPERATOR_ONLY) otherwise.
  absl::Status RequireOperator(const CallContext& call) const;

 private:
  std::string token_;
};

}  // namespace wse
