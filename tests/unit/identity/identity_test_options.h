#pragma once
// The options identity-svc's unit tests log in with: ID tokens of the development identity
// provider, access tokens for the portal's audience.

#include "identity-svc/dev_idp/dev_idp.h"
#include "identity-svc/domain/id_token_verifier.h"
#include "identity-svc/domain/session_manager.h"

namespace wse::identity::testing {

inline IdpOptions DevIdpOptions() {
  IdpOptions options;
  options.jwt.issuer = kDevIdpIssuer;
  options.jwt.audience = "wse-loket";
  options.jwt.max_lifetime = absl::Hours(1);
  return options;
}

inline SessionPolicy Policy() {
  SessionPolicy policy;
  policy.issuer = "https://wse-loket.vlaanderen.be/identity";
  policy.audience = "wse-loket";
  return policy;
}

}  // namespace wse::identity::testing
