#pragma once
// identity-svc as relying party of the external identity provider (ACM/IDM, CSAM): verifies the
// provider's signed ID token (RS256/ES256 against the provider's JWKS: signature, iss, aud,
// exp/nbf with clock skew) and reads who logged in with which digital key. Whether the token may
// open a session (its nonce, whether it was used before) is SessionManager's decision.

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/identifiers.h"
#include "common/token_verifier.h"

namespace wse::identity {

struct IdpOptions {
  JwtVerifierOptions jwt;          // Provider issuer, our client id as audience, skew.
  std::string insz_claim = "rrn";  // Claim holding the INSZ.
  std::string minimum_assurance = "SUBSTANTIAL";  // LOW, SUBSTANTIAL or HIGH.
};

struct LoginIdentity {
  Insz insz;
  std::string given_name;
  std::string family_name;
  std::string key_type;         // EID, ITSME, APP_CODE, SMS_CODE, TOKEN, EIDAS or OTHER.
  std::string assurance_level;  // LOW, SUBSTANTIAL or HIGH.
  std::string acr;              // Raw, for the audit trail.
  std::string nonce;            // The token's `nonce` claim; empty when it has none.
  // The `email` claim when `email_verified` is true and it can be mailed; empty otherwise.
  std::string email_address;
  // SHA-256 (hex) of the token's signed part, header.payload: one value per token, whichever
  // encoding of its (malleable) ECDSA signature is presented.
  std::string replay_hash;
  absl::Time usable_until;  // Its exp plus the allowed clock skew: after that it is refused.
};

// UNAUTHENTICATED with `reason`, and the Dutch advice to log in again.
absl::Status LoginRefused(std::string reason, std::string message);

// The digital key named by an `amr` value (eid, itsme, app, sms, token, eidas; else OTHER).
std::string KeyTypeFromAmr(absl::string_view amr);
// The assurance level an `acr` value ends with (…low, …substantial, …high), or "" if none.
std::string AssuranceFromAcr(absl::string_view acr);

class IdTokenVerifier {
 public:
  IdTokenVerifier(IdpOptions options, std::shared_ptr<KeySource> provider_keys);

  // UNAUTHENTICATED with a reason (the TOKEN_* reasons of JwtVerifier, TOKEN_SUBJECT_INVALID,
  // ASSURANCE_TOO_LOW) when the token cannot be accepted.
  absl::StatusOr<LoginIdentity> Verify(absl::string_view id_token) const;

 private:
  IdpOptions options_;
  JwtVerifier verifier_;
};

}  // namespace wse::identity
