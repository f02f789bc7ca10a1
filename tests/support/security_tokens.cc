#include "tests/support/security_tokens.h"

#include <memory>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "common/jwks.h"
#include "common/mysql_pool.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "identity-svc/domain/key_ring.h"
#include "identity-svc/domain/sealed_box.h"
#include "jwt/jwt.hpp"
#include "nlohmann/json.hpp"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

struct Parts {
  nlohmann::json header, claims;
};

absl::StatusOr<Parts> Split(const std::string& jwt) {
  std::vector<std::string> parts = absl::StrSplit(jwt, '.');
  if (parts.size() != 3) return absl::InvalidArgumentError("not a compact JWS");
  auto header = Base64UrlDecode(parts[0]);
  auto claims = Base64UrlDecode(parts[1]);
  if (!header.ok() || !claims.ok()) return absl::InvalidArgumentError("not base64url");
  Parts out;
  out.header = nlohmann::json::parse(*header, nullptr, false);
  out.claims = nlohmann::json::parse(*claims, nullptr, false);
  if (out.header.is_discarded() || out.claims.is_discarded()) {
    return absl::InvalidArgumentError("not JSON");
  }
  return out;
}

absl::StatusOr<std::string> Sign(const nlohmann::json& claims, const std::string& kid,
                                 const std::string& pem) {
  try {
    using namespace jwt::params;  // NOLINT: the library's parameter DSL.
    jwt::jwt_object token{algorithm("ES256"), secret(pem)};
    token.header().add_header("kid", kid);
    for (const auto& [name, value] : claims.items()) token.add_claim(name, value);
    return token.signature();
  } catch (const std::exception& e) {
    return absl::InternalError(std::string("signing failed: ") + e.what());
  }
}

// The stack's private key `kid`, unsealed.
absl::StatusOr<std::string> StackKey(const std::string& kid) {
  const StackEnv& env = StackEnv::Get();
  ASSIGN_OR_RETURN(
      auto box, identity::SealedBox::FromHexKeyFile(env.run_dir + "/secrets/key-encryption.key"));
  MysqlPool pool(env.RootDb("wse_identity"));
  ASSIGN_OR_RETURN(auto lease, pool.Acquire());
  std::unique_ptr<sql::PreparedStatement> query(
      lease->prepareStatement("SELECT HEX(private_key_sealed) FROM signing_keys WHERE kid = ?"));
  query->setString(1, kid);
  std::unique_ptr<sql::ResultSet> rows(query->executeQuery());
  if (!rows->next()) return absl::NotFoundError("no signing key " + kid);
  const std::string hex(rows->getString(1));
  return box.Open(absl::HexStringToBytes(hex), kid);
}

}  // namespace

std::string TamperSignature(const std::string& jwt) {
  const size_t dot = jwt.rfind('.');
  if (dot == std::string::npos) return jwt + "x";
  auto signature = Base64UrlDecode(absl::string_view(jwt).substr(dot + 1));
  if (!signature.ok() || signature->empty()) return jwt + "x";
  std::string flipped = *signature;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
  return jwt.substr(0, dot + 1) + Base64UrlEncode(flipped);
}

absl::StatusOr<std::string> ExpiredCopy(const std::string& jwt) {
  ASSIGN_OR_RETURN(auto parts, Split(jwt));
  const std::string kid = parts.header.value("kid", std::string());
  ASSIGN_OR_RETURN(auto pem, StackKey(kid));
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  nlohmann::json claims = parts.claims;
  claims["iat"] = now - 20 * 60;
  if (claims.contains("nbf")) claims["nbf"] = now - 20 * 60;
  claims["exp"] = now - 10 * 60;
  return Sign(claims, kid, pem);
}

absl::StatusOr<std::string> SignedByUnknownKey(const std::string& jwt) {
  ASSIGN_OR_RETURN(auto parts, Split(jwt));
  ASSIGN_OR_RETURN(auto pem, identity::GenerateEcPrivateKeyPem());
  return Sign(parts.claims, "security-test-" + identity::RandomId(), pem);
}

std::string SessionIdOf(const std::string& jwt) {
  auto parts = Split(jwt);
  if (!parts.ok()) return "";
  return parts->claims.value("sid", std::string());
}

}  // namespace wse::testing
