#pragma once
// Operators (department staff running imports and repairs with grpcurl, and internal systems)
// authenticate with a long random bearer token kept in a secret file, compared in constant
// time. In production the gateway additionally restricts operator RPCs to the internal network.

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "common/call_context.h"

namespace wse {

class OperatorAuthenticator {
 public:
  // Checks a bearer token that is not the operator's (a person's access token); returns its
  // failure (UNAUTHENTICATED) or OK when it is a valid token of someone else.
  using CallerCheck = std::function<absl::Status(const CallContext&)>;

  // Empty `token` disables operator access altogether. Without `check_caller`, any bearer that
  // is not the operator's counts as an authenticated non-operator.
  explicit OperatorAuthenticator(std::string token, CallerCheck check_caller = nullptr)
      : token_(std::move(token)), check_caller_(std::move(check_caller)) {}
  bool IsOperator(const CallContext& call) const;
  // OK for an operator. Otherwise, as everywhere in the suite, who you are comes before what you
  // may do: no or a bad token is UNAUTHENTICATED, a valid token of someone else is
  // PERMISSION_DENIED (reason OPERATOR_ONLY).
  absl::Status RequireOperator(const CallContext& call) const;

 private:
  std::string token_;
  CallerCheck check_caller_;
};

}  // namespace wse
