#pragma once
// JSON Web Key Sets (RFC 7517) for token verification: parses the public keys (EC P-256 for
// ES256, RSA for RS256) once, into OpenSSL keys the verifier uses for every token, and PEM.

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY.

namespace wse {

struct PublicKey {
  std::string kid;
  std::string alg;  // "ES256" or "RS256"; a token must name exactly this algorithm.
  std::string pem;  // SubjectPublicKeyInfo PEM.
  // The same key, parsed (an EVP_PKEY, read-only: safe to verify with from many threads).
  std::shared_ptr<evp_pkey_st> key;
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
