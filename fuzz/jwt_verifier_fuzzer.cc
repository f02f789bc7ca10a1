// The token verifier over arbitrary bytes (common/token_verifier, common/jwks): whole tokens,
// JWKS documents, base64url, and tokens correctly signed with the trusted key whose header and
// claims are fuzzed (so the claim checks behind the signature are reached too).
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "common/jwks.h"
#include "common/token_verifier.h"
#include "fuzz/fuzz_check.h"
#include "nlohmann/json.hpp"

namespace {

constexpr char kKid[] = "fuzz-key-1";
constexpr char kIssuer[] = "https://identity.wse-loket.invalid";
constexpr char kAudience[] = "wse-loket";
const absl::Time kNow = absl::FromUnixSeconds(1800000000);

struct Keys {
  EVP_PKEY* key = nullptr;
  std::shared_ptr<wse::StaticKeySource> source;
};

const Keys& TheKeys() {
  static const Keys* const keys = [] {
    auto* k = new Keys;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr);
    FUZZ_CHECK(ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1);
    FUZZ_CHECK(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) == 1);
    FUZZ_CHECK(EVP_PKEY_keygen(ctx, &k->key) == 1);
    EVP_PKEY_CTX_free(ctx);
    BIO* bio = BIO_new(BIO_s_mem());
    FUZZ_CHECK(PEM_write_bio_PrivateKey(bio, k->key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    const std::string pem(data, static_cast<size_t>(len));
    BIO_free(bio);
    auto jwk = wse::PublicJwkFromPem(pem, kKid);
    FUZZ_CHECK(jwk.ok());
    auto set = wse::ParseJwks("{\"keys\":[" + *jwk + "]}");
    FUZZ_CHECK(set.ok() && set->size() == 1);
    k->source = std::make_shared<wse::StaticKeySource>(*set);
    return k;
  }();
  return *keys;
}

// ES256 over `input` as JWS wants it: r || s, 32 bytes each.
std::string SignEs256(EVP_PKEY* key, const std::string& input) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  size_t len = 0;
  FUZZ_CHECK(EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key) == 1);
  FUZZ_CHECK(EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                            input.size()) == 1);
  std::string der(len, '\0');
  FUZZ_CHECK(EVP_DigestSign(md, reinterpret_cast<unsigned char*>(der.data()), &len,
                            reinterpret_cast<const unsigned char*>(input.data()),
                            input.size()) == 1);
  EVP_MD_CTX_free(md);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  FUZZ_CHECK(sig != nullptr);
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return raw;
}

wse::JwtVerifierOptions Options() {
  wse::JwtVerifierOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  options.max_lifetime = absl::Minutes(16);
  return options;
}

void CheckAccepted(const absl::StatusOr<wse::Caller>& caller) {
  if (!caller.ok()) {
    FUZZ_CHECK(caller.status().code() == absl::StatusCode::kUnauthenticated ||
               caller.status().code() == absl::StatusCode::kUnavailable);
    return;
  }
  FUZZ_CHECK(!caller->person_id.empty() && !caller->session_id.empty());
  FUZZ_CHECK(caller->expires + absl::Seconds(30) >= kNow);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Keys& keys = TheKeys();
  const int mode = data[0] % 4;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  wse::AccessTokenVerifier verifier(Options(), keys.source, [] { return kNow; });

  switch (mode) {
    case 0: {  // Any bytes as a bearer token.
      CheckAccepted(verifier.Verify(text));
      break;
    }
    case 1: {  // Any bytes as a JWKS document.
      auto set = wse::ParseJwks(text);
      if (set.ok()) {
        for (const auto& [kid, key] : *set) {
          FUZZ_CHECK(key.kid == kid && (key.alg == "ES256" || key.alg == "RS256"));
          FUZZ_CHECK(key.pem.find("BEGIN PUBLIC KEY") != std::string::npos);
        }
      }
      break;
    }
    case 2: {  // base64url both ways.
      auto decoded = wse::Base64UrlDecode(text);
      if (decoded.ok()) (void)wse::Base64UrlEncode(*decoded);
      auto round = wse::Base64UrlDecode(wse::Base64UrlEncode(text));
      FUZZ_CHECK(round.ok() && *round == text);
      break;
    }
    default: {  // Signed with the trusted key: fuzzed header fields and claims text.
      const size_t cut = text.find('\n');
      const std::string header_extra = cut == std::string::npos ? "" : text.substr(0, cut);
      const std::string claims = cut == std::string::npos ? text : text.substr(cut + 1);
      nlohmann::json header = {{"alg", "ES256"}, {"kid", kKid}, {"typ", "JWT"}};
      nlohmann::json extra = nlohmann::json::parse(header_extra, nullptr, false);
      if (!extra.is_discarded() && extra.is_object()) header.update(extra);
      const std::string input = wse::Base64UrlEncode(header.dump()) + "." +
                                wse::Base64UrlEncode(claims);
      const std::string token = input + "." + wse::Base64UrlEncode(SignEs256(keys.key, input));
      auto caller = verifier.Verify(token);
      CheckAccepted(caller);
      if (caller.ok()) {  // Accepted means the claims really say so.
        nlohmann::json parsed = nlohmann::json::parse(claims, nullptr, false);
        FUZZ_CHECK(!parsed.is_discarded() && parsed.is_object());
        FUZZ_CHECK(parsed.value("iss", nlohmann::json()) == kIssuer);
        FUZZ_CHECK(header.value("alg", nlohmann::json()) == "ES256");
      }
      break;
    }
  }
  return 0;
}
