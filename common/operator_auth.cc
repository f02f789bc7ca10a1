#include "common/operator_auth.h"

#include "common/status.h"
#include "openssl/crypto.h"

namespace wse {

bool OperatorAuthenticator::IsOperator(const CallContext& call) const {
  if (token_hash_.empty() || !call.bearer_token.has_value() || call.bearer_token->empty()) {
    return false;
  }
  const std::string presented = ServiceTokenHash(*call.bearer_token);
  return presented.size() == token_hash_.size() &&
         CRYPTO_memcmp(presented.data(), token_hash_.data(), token_hash_.size()) == 0;
}

std::optional<std::string> OperatorAuthenticator::AllowedService(const CallContext& call) const {
  if (services_ == nullptr || !call.bearer_token.has_value()) return std::nullopt;
  std::optional<std::string> service = services_->Identify(*call.bearer_token);
  if (!service.has_value()) return std::nullopt;
  auto methods = allowed_.find(*service);
  if (methods == allowed_.end() || methods->second.count(std::string(call.method)) == 0) {
    return std::nullopt;
  }
  return service;
}

absl::Status OperatorAuthenticator::RefuseOtherServices(const CallContext& call) const {
  if (services_ == nullptr || !call.bearer_token.has_value()) return absl::OkStatus();
  std::optional<std::string> service = services_->Identify(*call.bearer_token);
  if (!service.has_value() || AllowedService(call).has_value()) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                      *service + " may not call " + std::string(call.method))
      .Reason("SERVICE_NOT_ALLOWED", {{"service", *service}})
      .Dutch("Deze dienst mag deze handeling niet uitvoeren.");
}

absl::Status OperatorAuthenticator::RequireTrusted(const CallContext& call) const {
  if (IsTrusted(call)) return absl::OkStatus();
  if (!call.bearer_token.has_value() || call.bearer_token->empty()) {
    return ErrorBuilder(absl::StatusCode::kUnauthenticated, "this call needs the operator token")
        .Reason("TOKEN_MISSING")
        .Dutch("Meld u aan om verder te gaan.");
  }
  if (absl::Status s = RefuseOtherServices(call); !s.ok()) return s;
  if (check_caller_) {
    if (absl::Status s = check_caller_(call); !s.ok()) return s;
  }
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "this call is for operators only")
      .Reason("OPERATOR_ONLY")
      .Dutch("Deze handeling is voorbehouden aan beheerders van het Departement WSE.");
}

}  // namespace wse
