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
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "this call is for operators only")
      .Reason("OPERATOR_ONLY")
      .Dutch("Deze handeling is voorbehouden aan beheerders van het Departement WSE.");
}

}  // namespace wse
