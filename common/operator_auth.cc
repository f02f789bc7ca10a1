#include "common/operator_auth.h"

#include "common/status.h"
#include "common/status_macros.h"
#include "openssl/crypto.h"

namespace wse {

OperatorAuthenticator::Presented OperatorAuthenticator::Classify(const RequestContext& call) const {
  Presented presented;
  if (!call.bearer_token.has_value() || call.bearer_token->empty()) return presented;
  // One hash per call: the operators' token and the services' are all known by their SHA-256.
  const std::string hash = ServiceTokenHash(*call.bearer_token);
  presented.operator_token =
      !token_hash_.empty() && hash.size() == token_hash_.size() &&
      CRYPTO_memcmp(hash.data(), token_hash_.data(), token_hash_.size()) == 0;
  if (services_ != nullptr) {
    presented.service = services_->IdentifyHash(hash);
    if (presented.service.has_value()) {
      auto methods = allowed_.find(*presented.service);
      presented.allowed =
          methods != allowed_.end() && methods->second.count(std::string(call.method)) != 0;
    }
  }
  return presented;
}

bool OperatorAuthenticator::IsOperator(const RequestContext& call) const {
  return Classify(call).operator_token;
}

std::optional<std::string> OperatorAuthenticator::AllowedService(const RequestContext& call) const {
  Presented presented = Classify(call);
  if (!presented.allowed) return std::nullopt;
  return presented.service;
}

bool OperatorAuthenticator::IsTrusted(const RequestContext& call) const {
  const Presented presented = Classify(call);
  return presented.operator_token || presented.allowed;
}

absl::Status OperatorAuthenticator::RefuseOtherServices(const RequestContext& call) const {
  return Refusal(Classify(call), call);
}

absl::StatusOr<bool> OperatorAuthenticator::TrustedOrPerson(const RequestContext& call) const {
  const Presented presented = Classify(call);
  if (presented.operator_token || presented.allowed) return true;
  RETURN_IF_ERROR(Refusal(presented, call));
  return false;
}

absl::Status OperatorAuthenticator::Refusal(const Presented& presented,
                                            const RequestContext& call) {
  if (!presented.service.has_value() || presented.allowed) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                      *presented.service + " may not call " + std::string(call.method))
      .Reason("SERVICE_NOT_ALLOWED", {{"service", *presented.service}})
      .Dutch("Deze dienst mag deze handeling niet uitvoeren.");
}

absl::Status OperatorAuthenticator::RequireTrusted(const RequestContext& call) const {
  const Presented presented = Classify(call);
  if (presented.operator_token || presented.allowed) return absl::OkStatus();
  if (!call.bearer_token.has_value() || call.bearer_token->empty()) {
    return ErrorBuilder(absl::StatusCode::kUnauthenticated, "this call needs the operator token")
        .Reason("TOKEN_MISSING")
        .Dutch("Meld u aan om verder te gaan.");
  }
  RETURN_IF_ERROR(RefuseOtherServices(call));
  if (check_caller_) {
    RETURN_IF_ERROR(check_caller_(call));
  }
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "this call is for operators only")
      .Reason("OPERATOR_ONLY")
      .Dutch("Deze handeling is voorbehouden aan beheerders van het Departement WSE.");
}

}  // namespace wse
