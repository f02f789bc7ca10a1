#pragma once
// The development identity provider: signs OIDC-style ID tokens for demo persons with a local
// key, so that local runs and tests go through identity-svc's real verification path. Never a
// production component: the tool refuses to run without --dev_environment, and identity-svc only
// trusts this issuer when started with --allow_dev_idp.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace wse::identity {

inline constexpr char kDevIdpIssuer[] = "https://dev-idp.wse-loket.invalid";

struct DevIdpKey {
  std::string kid;
  std::string private_pem;
  std::string jwks_path;  // The provider's JWKS, for identity-svc's --idp_jwks_file.
};

// Reads the key from `dir` (dev-idp-key.pem), creating it and dev-idp-jwks.json on first use.
absl::StatusOr<DevIdpKey> LoadOrCreateDevIdpKey(const std::string& dir);

struct DevLogin {
  std::string insz;
  std::string given_name;
  std::string family_name;
  std::string amr = "eid";                   // Digital key: eid, itsme, app, sms, token.
  std::string acr = "urn:wse:dev:loa:high";  // Assurance level at the end.
  std::string nonce;
  std::string email;  // The `email` claim (with email_verified true); empty: none.
  std::string audience = "wse-loket";
  absl::Duration ttl = absl::Minutes(5);
};

absl::StatusOr<std::string> MintDevIdToken(const DevIdpKey& key, const DevLogin& login,
                                           absl::Time now = absl::Now());

}  // namespace wse::identity
