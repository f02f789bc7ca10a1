#include "tests/unit/jwt_test_keys.h"

#include <memory>
#include <stdexcept>

#include "common/jwks.h"
#include "jwt/jwt.hpp"
#include "openssl/evp.h"
#include "openssl/pem.h"

namespace wse::testing {
namespace {

std::string Pem(EVP_PKEY* key, bool is_private) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (is_private) {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PUBKEY(bio, key);
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

TestKey FromKey(EVP_PKEY* key, const std::string& kid) {
  TestKey out{kid, Pem(key, true), Pem(key, false), ""};
  out.jwk = PublicJwkFromPem(out.public_pem, kid).value();
  EVP_PKEY_free(key);
  return out;
}

}  // namespace

TestKey MakeEcKey(const std::string& kid) { return FromKey(EVP_EC_gen("P-256"), kid); }

TestKey MakeRsaKey(const std::string& kid) { return FromKey(EVP_RSA_gen(2048), kid); }

std::string SignToken(const TestKey& key, const std::string& alg, const nlohmann::json& claims) {
  const std::string header = nlohmann::json{{"alg", alg}, {"kid", key.kid}, {"typ", "JWT"}}.dump();
  const std::string body = claims.dump();
  if (alg == "none") {
    return Base64UrlEncode(header) + "." + Base64UrlEncode(body) + ".";
  }
  using namespace jwt::params;  // NOLINT: the library's parameter DSL.
  const std::string secret_text = alg == "HS256" ? key.public_pem : key.private_pem;
  jwt::jwt_object obj{algorithm(alg), secret(secret_text)};
  obj.header().add_header("kid", key.kid);
  for (const auto& [name, value] : claims.items()) {
    if (value.is_string()) {
      obj.add_claim(name, value.get<std::string>());
    } else if (value.is_number_integer()) {
      obj.add_claim(name, value.get<int64_t>());
    } else {
      throw std::invalid_argument("test tokens carry only string and integer claims");
    }
  }
  return obj.signature();
}

std::string JwksOf(const std::vector<TestKey>& keys) {
  nlohmann::json doc = {{"keys", nlohmann::json::array()}};
  for (const auto& k : keys) doc["keys"].push_back(nlohmann::json::parse(k.jwk));
  return doc.dump();
}

}  // namespace wse::testing
