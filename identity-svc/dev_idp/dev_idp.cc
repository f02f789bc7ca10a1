#include "identity-svc/dev_idp/dev_idp.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "common/jwks.h"
#include "common/status_macros.h"
#include "identity-svc/domain/key_ring.h"
#include "jwt/jwt.hpp"
#include "nlohmann/json.hpp"

namespace wse::identity {
namespace {

bool ReadWhole(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

absl::Status WriteWhole(const std::string& path, const std::string& content, mode_t mode) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << content;
    if (!out) return absl::UnavailableError("cannot write " + tmp);
  }
  chmod(tmp.c_str(), mode);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError("cannot write " + path);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DevIdpKey> LoadOrCreateDevIdpKey(const std::string& dir) {
  mkdir(dir.c_str(), 0700);
  DevIdpKey key{"dev-idp-1", "", dir + "/dev-idp-jwks.json"};
  const std::string pem_path = dir + "/dev-idp-key.pem";
  if (!ReadWhole(pem_path, &key.private_pem)) {
    ASSIGN_OR_RETURN(auto pem, GenerateEcPrivateKeyPem());
    key.private_pem = std::move(pem);
    RETURN_IF_ERROR(WriteWhole(pem_path, key.private_pem, 0600));
  }
  ASSIGN_OR_RETURN(auto jwk, PublicJwkFromPem(key.private_pem, key.kid));
  const std::string jwks =
      nlohmann::json{{"keys", nlohmann::json::array({nlohmann::json::parse(jwk)})}}.dump();
  RETURN_IF_ERROR(WriteWhole(key.jwks_path, jwks + "\n", 0644));
  return key;
}

absl::StatusOr<std::string> MintDevIdToken(const DevIdpKey& key, const DevLogin& login,
                                           absl::Time now) {
  try {
    using namespace jwt::params;  // NOLINT: the library's parameter DSL.
    jwt::jwt_object token{algorithm("ES256"), secret(key.private_pem)};
    token.header().add_header("kid", key.kid);
    const int64_t iat = absl::ToUnixSeconds(now);
    const nlohmann::json claims = {
        {"iss", kDevIdpIssuer},
        {"aud", login.audience},
        {"sub", "dev-" + login.insz},
        {"rrn", login.insz},
        {"given_name", login.given_name},
        {"family_name", login.family_name},
        {"acr", login.acr},
        {"amr", nlohmann::json::array({login.amr})},
        {"iat", iat},
        {"nbf", iat},
        {"exp", iat + absl::ToInt64Seconds(login.ttl)},
        // Two logins of one person in one second are two tokens, as at a real provider.
        {"jti", RandomId()},
    };
    for (const auto& [name, value] : claims.items()) token.add_claim(name, value);
    if (!login.nonce.empty()) token.add_claim("nonce", login.nonce);
    if (!login.email.empty()) {
      token.add_claim("email", login.email);
      token.add_claim("email_verified", true);
    }
    return token.signature();
  } catch (const std::exception& e) {
    return absl::InternalError(std::string("cannot sign the ID token: ") + e.what());
  }
}

}  // namespace wse::identity
