#include "common/token_verifier.h"

#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "common/metrics.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "openssl/bn.h"
#include "openssl/ecdsa.h"
#include "openssl/err.h"
#include "openssl/evp.h"

namespace wse {
namespace {

void CacheHit(bool hit) {
  static auto* cache = new CacheMetrics("access_tokens");
  cache->Count(hit);
}

absl::Status Refused(std::string reason, std::string message) {
  return ErrorBuilder(absl::StatusCode::kUnauthenticated, std::move(message))
      .Reason(std::move(reason))
      .Dutch("U bent niet (meer) aangemeld. Meld u opnieuw aan met uw digitale sleutel.");
}

bool AudienceMatches(const nlohmann::json& aud, const std::string& expected) {
  if (aud.is_string()) return aud.get<std::string>() == expected;
  if (aud.is_array()) {
    for (const auto& a : aud) {
      if (a.is_string() && a.get<std::string>() == expected) return true;
    }
  }
  return false;
}

// The payload of a compact JWS of base64url and dots, with integer time claims only (anything
// else is refused before any signature work; the checks date from cpp-jwt, which the fuzzer
// found reading out of bounds and converting unchecked on such input).
absl::StatusOr<nlohmann::json> CompactJwsPayload(absl::string_view token,
                                                 const std::vector<absl::string_view>& parts) {
  if (token.size() > 8192 || parts.size() != 3 || parts[2].empty()) {
    return Refused("TOKEN_MALFORMED", "the token is not a signed JWT");
  }
  // A compact JWS is base64url and dots only.
  for (char c : token) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return Refused("TOKEN_MALFORMED", "the token is not a signed JWT");
    }
  }
  auto payload_text = Base64UrlDecode(parts[1]);
  if (!payload_text.ok()) return Refused("TOKEN_MALFORMED", "the token payload is not base64url");
  nlohmann::json payload = nlohmann::json::parse(*payload_text, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) {
    return Refused("TOKEN_MALFORMED", "the token payload is not a JSON object");
  }
  for (const char* name : {"exp", "nbf", "iat"}) {
    if (payload.contains(name) && !payload[name].is_number_integer()) {
      return Refused("TOKEN_MALFORMED", "the token's time claims must be integers");
    }
  }
  return payload;
}

// The JWS signature (RFC 7515) over `signing_input` ("header.payload") with the key parsed when
// the key set was read, as RFC 7518 defines the two algorithms accepted, both over SHA-256:
// ES256 is r || s (32 bytes each; OpenSSL wants DER), RS256 is RSASSA-PKCS1-v1_5.
bool SignatureValid(const PublicKey& key, absl::string_view signing_input,
                    const std::string& signature) {
  if (key.key == nullptr) return false;
  std::string der;
  absl::string_view checked = signature;
  if (key.alg == "ES256") {
    if (signature.size() != 64) return false;
    const auto* raw = reinterpret_cast<const unsigned char*>(signature.data());
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), &ECDSA_SIG_free);
    BIGNUM* r = BN_bin2bn(raw, 32, nullptr);
    BIGNUM* s = BN_bin2bn(raw + 32, 32, nullptr);
    if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
      BN_free(r);
      BN_free(s);
      return false;
    }
    unsigned char* out = nullptr;
    const int size = i2d_ECDSA_SIG(sig.get(), &out);
    if (size <= 0) return false;
    der.assign(reinterpret_cast<const char*>(out), static_cast<size_t>(size));
    OPENSSL_free(out);
    checked = der;
  } else if (key.alg != "RS256") {
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return ctx != nullptr &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(checked.data()),
                          checked.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()),
                          signing_input.size()) == 1;
}

// The header's algorithm (ES256 or RS256 only) and key id.
absl::StatusOr<std::pair<std::string, std::string>> AlgorithmAndKeyId(absl::string_view header64) {
  auto header_text = Base64UrlDecode(header64);
  if (!header_text.ok()) return Refused("TOKEN_MALFORMED", "the token header is not base64url");
  nlohmann::json header = nlohmann::json::parse(*header_text, nullptr, false);
  if (header.is_discarded() || !header.is_object() || !header.contains("alg") ||
      !header["alg"].is_string()) {
    return Refused("TOKEN_MALFORMED", "the token header is not valid JSON");
  }
  const std::string alg = header["alg"];
  if (alg != "ES256" && alg != "RS256") {
    return Refused("TOKEN_ALGORITHM_REFUSED", "token algorithm '" + alg + "' is not accepted");
  }
  if (!header.contains("kid") || !header["kid"].is_string()) {
    return Refused("TOKEN_KEY_UNKNOWN", "the token names no key id");
  }
  return std::make_pair(alg, header["kid"].get<std::string>());
}

}  // namespace

absl::StatusOr<std::shared_ptr<const KeySet>> JwksFileKeySource::Keys() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  if (keys_ != nullptr && now - checked_ < absl::Seconds(1)) return keys_;
  checked_ = now;
  struct stat info {};
  if (stat(path_.c_str(), &info) != 0) {
    if (keys_ != nullptr) return keys_;  // Keep serving with the last good keys.
    return absl::UnavailableError("the token signing keys are not available yet");
  }
  const int64_t mtime =
      static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  if (keys_ != nullptr && mtime == mtime_ns_) return keys_;
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = ParseJwks(text.str());
  if (!parsed.ok()) {
    if (keys_ != nullptr) return keys_;
    return absl::UnavailableError("the token signing keys cannot be read");
  }
  keys_ = std::make_shared<const KeySet>(*std::move(parsed));
  mtime_ns_ = mtime;
  return keys_;
}

JwtVerifier::JwtVerifier(JwtVerifierOptions options, std::shared_ptr<KeySource> keys,
                         std::function<absl::Time()> clock)
    : options_(std::move(options)), keys_(std::move(keys)), clock_(std::move(clock)) {}

absl::StatusOr<VerifiedJwt> JwtVerifier::Verify(absl::string_view token) const {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  ASSIGN_OR_RETURN(nlohmann::json claims, CompactJwsPayload(token, parts));
  ASSIGN_OR_RETURN(auto alg_kid, AlgorithmAndKeyId(parts[0]));
  const auto& [alg, kid] = alg_kid;
  ASSIGN_OR_RETURN(auto keys, keys_->Keys());
  auto key = keys->find(kid);
  if (key == keys->end()) return Refused("TOKEN_KEY_UNKNOWN", "unknown signing key " + kid);
  if (key->second.alg != alg) {
    return Refused("TOKEN_ALGORITHM_REFUSED", "the token's algorithm does not match its key");
  }
  auto signature = Base64UrlDecode(parts[2]);
  if (!signature.ok()) return Refused("TOKEN_MALFORMED", "the token signature is not base64url");
  const absl::string_view signing_input = token.substr(0, parts[0].size() + 1 + parts[1].size());
  if (!SignatureValid(key->second, signing_input, *signature)) {
    // A refused signature leaves OpenSSL's reasons on this thread's error queue: cleared, so
    // they neither pile up on a long-lived handler thread nor show up under a later call.
    ERR_clear_error();
    return Refused("TOKEN_SIGNATURE_INVALID", "the token signature is invalid");
  }
  return CheckClaims(kid, std::move(claims));
}

absl::StatusOr<VerifiedJwt> JwtVerifier::CheckClaims(const std::string& kid,
                                                     nlohmann::json claims) const {
  const absl::Time now = clock_();
  if (!claims.contains("exp") || !claims["exp"].is_number_integer()) {
    return Refused("TOKEN_MALFORMED", "the token has no expiry");
  }
  const absl::Time exp = absl::FromUnixSeconds(claims["exp"].get<int64_t>());
  if (exp + options_.clock_skew < now) return Refused("TOKEN_EXPIRED", "the token has expired");
  // The lifetime bound holds with or without iat: what is left of the token's life may not
  // exceed it either (a token without iat expiring in ten years is refused too).
  if (exp - now > options_.max_lifetime + options_.clock_skew ||
      (claims.contains("iat") && claims["iat"].is_number_integer() &&
       exp - absl::FromUnixSeconds(claims["iat"].get<int64_t>()) > options_.max_lifetime)) {
    return Refused("TOKEN_MALFORMED", "the token lives longer than allowed");
  }
  if (claims.contains("nbf") && claims["nbf"].is_number_integer() &&
      absl::FromUnixSeconds(claims["nbf"].get<int64_t>()) - options_.clock_skew > now) {
    return Refused("TOKEN_NOT_YET_VALID", "the token is not valid yet");
  }
  if (!claims.contains("iss") || !claims["iss"].is_string() ||
      claims["iss"].get<std::string>() != options_.issuer) {
    return Refused("TOKEN_ISSUER_MISMATCH", "the token was issued by someone else");
  }
  if (!claims.contains("aud") || !AudienceMatches(claims["aud"], options_.audience)) {
    return Refused("TOKEN_AUDIENCE_MISMATCH", "the token is meant for another audience");
  }
  return VerifiedJwt{kid, std::move(claims), exp};
}

AccessTokenVerifier::AccessTokenVerifier(JwtVerifierOptions options,
                                         std::shared_ptr<KeySource> keys,
                                         std::function<absl::Time()> clock)
    : verifier_(std::move(options), keys, clock),
      keys_(std::move(keys)),
      clock_(std::move(clock)) {}

absl::StatusOr<Caller> AccessTokenVerifier::Verify(const std::optional<std::string>& bearer_token) {
  absl::StatusOr<Caller> caller = VerifyOnce(bearer_token);
  // The reasons are this file's own (a fixed set), never text from the token.
  const std::string result = caller.ok() ? "ok" : ReasonOf(caller.status());
  static auto* verifications =
      new CountersByLabel("wse_token_verifications_total",
                          "Access-token checks by result (ok or the reason).", "result", {"ok"});
  (*verifications)[result.empty() ? "refused" : result].Increment();
  return caller;
}

absl::StatusOr<Caller> AccessTokenVerifier::VerifyOnce(
    const std::optional<std::string>& bearer_token) {
  if (!bearer_token.has_value() || bearer_token->empty()) {
    return Refused("TOKEN_MISSING", "this call needs a bearer token");
  }
  const absl::Time now = clock_();
  std::optional<Cached> cached;
  {
    absl::MutexLock lock(&mu_);
    if (auto it = cache_.find(*bearer_token);
        it != cache_.end() && it->second.caller.expires > now) {
      cached = it->second;
    }
  }
  if (cached) {
    // The key set is the source's current one (a JWKS file is re-read when it changes).
    absl::StatusOr<std::shared_ptr<const KeySet>> keys = keys_->Keys();
    if (keys.ok() && (*keys)->contains(cached->kid)) {
      CacheHit(true);
      return cached->caller;
    }
    absl::MutexLock lock(&mu_);
    cache_.erase(*bearer_token);  // Verified again below, against the keys published now.
  }
  CacheHit(false);
  ASSIGN_OR_RETURN(auto jwt, verifier_.Verify(*bearer_token));
  const auto& claims = jwt.claims;
  auto text = [&claims](const char* name) {
    return claims.contains(name) && claims[name].is_string() ? claims[name].get<std::string>()
                                                             : std::string();
  };
  Caller caller{text("sub"), text("sid"), std::nullopt, text("acr"), text("jti"), jwt.expires};
  if (caller.person_id.empty() || caller.session_id.empty()) {
    return Refused("TOKEN_MALFORMED", "the token names no person or session");
  }
  if (std::string org = text("org"); !org.empty()) caller.organization = org;

  absl::MutexLock lock(&mu_);
  if (now >= next_sweep_) {  // Bounded memory: expired entries go once a minute.
    std::erase_if(cache_, [now](const auto& entry) { return entry.second.caller.expires <= now; });
    next_sweep_ = now + absl::Minutes(1);
  }
  // And a hard bound for a burst of fresh tokens within one lifetime: start over (a miss only
  // costs one signature check).
  if (cache_.size() >= kMaxCachedTokens) cache_.clear();
  cache_.emplace(*bearer_token, Cached{caller, jwt.kid});
  return caller;
}

}  // namespace wse
