#pragma once
// Bad credentials for the security tests, derived from a real access token of the test stack:
// one with a flipped signature byte, one whose claims expired but that is correctly signed with
// the stack's current signing key (read from identity-svc's database and unsealed with the
// stack's key-encryption key, as only a test with root access can), and one signed by a key the
// JWKS does not know.

#include <string>

#include "absl/status/statusor.h"

namespace wse::testing {

// The same token with one byte of its signature flipped (still well-formed base64url).
std::string TamperSignature(const std::string& jwt);

// The token's claims with iat/nbf 20 minutes and exp 10 minutes in the past, signed with the
// key named by the token's kid (the stack's real key).
absl::StatusOr<std::string> ExpiredCopy(const std::string& jwt);

// The token's claims signed with a fresh P-256 key under a kid the JWKS does not hold.
absl::StatusOr<std::string> SignedByUnknownKey(const std::string& jwt);

// The `sid` claim of an access token ("" when absent).
std::string SessionIdOf(const std::string& jwt);

}  // namespace wse::testing
