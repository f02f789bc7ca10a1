#pragma once
// JSON Web Key Sets (RFC 7517) for token verification: parses the public keys (EC P-256 for
// ES256, RSA for RS256) into PEM, which the JWT library verifies with.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wse {

struct PublicKey {
  std::string kid;
  std::string alg;  // "ES256" or "RS256"; a token must name exactly this algorithm.
  std::string pem;  // SubjectPublicKeyInfo PEM.
};

using KeySet = std::map<std::string, PublicKey>;  // by kid

// Parses a JWKS document. Keys of unsupported types are skipped; a document without any usable
// key, or with malformed JSON, is an error.
absl::StatusOr<KeySet> ParseJwks(absl::string_view json);

// The public JWK (RFC 7517) of a PEM key (private or public; EC P-256 or RSA), as a JSON object
// text with kid, kty, use "sig", alg and the public coordinates.
absl::StatusOr<std::string> PublicJwkFromPem(absl::string_view pem, absl::string_view kid);

// Base64url without padding (RFC 7515 section 2), used for JWK coordinates.
std::string Base64UrlEncode(absl::string_view bytes);
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

}  // namespace wse
