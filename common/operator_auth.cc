#include "common/operator_auth.h"

#include "common/status.h"
#include "openssl/crypto.h"

namespace wse {

bool OperatorAuthenticator::IsOperator(const CallContext& call) const {
  if (token_.empty() || !call.bearer_token.has_value()) return false;
  const std::string& presented = *call.bearer_token;
  return presented.size() == token_.size() &&
         CRYPTO_memcmp(presented.data(), token_.data(), token_.size()) == 0;
}

absl::Status OperatorAuthenticator::RequireOperator(const CallContext& call) const {
  if (IsOperator(call)) return absl::OkStatus();
  if (!call.bearer_token.has_value() || call.bearer_token->empty()) {
    return ErrorBuilder(absl::StatusCode::kUnauthenticated, "this call needs the operator token")
        .Reason("TOKEN_MISSING")
        .Dutch("Meld u aan om verder te gaan.");
  }
  if (check_caller_) {
    if (absl::Status s = check_caller_(call); !s.ok()) return s;
  }
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "this call is for operators only")
      .Reason("OPERATOR_ONLY")
      .Dutch("Deze handeling is voorbehouden aan beheerders van het Departement WSE.");
}

}  // namespace wse
