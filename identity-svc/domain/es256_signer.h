#pragma once
// ES256 (ECDSA P-256 with SHA-256) JWT signing over a private key parsed once.
//
// cpp-jwt takes the key as PEM and parses it at every signature; with OpenSSL 3's decoders that
// parse cost more than the signature itself and was a fifth of SelectActingContext's CPU. The key
// ring keeps one Es256Key per signing key instead; an EVP_PKEY may sign from many threads.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace wse::identity {

class Es256Key {
 public:
  // INVALID_ARGUMENT unless `pem` holds a P-256 private key.
  static absl::StatusOr<std::shared_ptr<const Es256Key>> FromPem(const std::string& pem);
  ~Es256Key();
  Es256Key(const Es256Key&) = delete;
  Es256Key& operator=(const Es256Key&) = delete;

  // header.claims.signature, the header being {"alg":"ES256","typ":"JWT","kid":kid}.
  absl::StatusOr<std::string> SignJwt(const std::string& kid, const nlohmann::json& claims) const;

 private:
  explicit Es256Key(EVP_PKEY* key) : key_(key) {}
  EVP_PKEY* key_;
};

}  // namespace wse::identity
