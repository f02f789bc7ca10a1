#pragma once
// Keys and tokens for tests, generated fresh in each run (no key material is committed).

#include <string>

#include "nlohmann/json.hpp"

namespace wse::testing {

struct TestKey {
  std::string kid;
  std::string private_pem;
  std::string public_pem;
  std::string jwk;  // Public JWK JSON object text.
};

TestKey MakeEcKey(const std::string& kid);
TestKey MakeRsaKey(const std::string& kid);

// Signs `claims` with `key` using `alg` ("ES256", "RS256"; "HS256" uses public_pem as the HMAC
// secret, the classic key-confusion attack; "none" produces an unsigned token).
std::string SignToken(const TestKey& key, const std::string& alg, const nlohmann::json& claims);

// "{"keys":[...]}" for the given keys.
std::string JwksOf(const std::vector<TestKey>& keys);

}  // namespace wse::testing
