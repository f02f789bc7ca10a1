#pragma once
// Verifies signed JWTs (RS256 / ES256 only) against a JWKS: the header's kid selects the key, the
// header's alg must equal that key's algorithm (so "none" and HS256-with-a-public-key fail), then
// the signature, issuer, audience, expiry and not-before (with a small clock skew) are checked.
//
// Used for identity-svc's own access tokens in every service (defence in depth) and, with other
// settings, for the external identity provider's ID tokens. Results for access tokens are cached
// per token until the token expires, so the signature of one token is checked once.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/jwks.h"
#include "nlohmann/json.hpp"

namespace wse {

struct JwtVerifierOptions {
  std::string issuer;
  std::string audience;
  absl::Duration clock_skew = absl::Seconds(30);
  // Tokens living longer than this are refused even when validly signed.
  absl::Duration max_lifetime = absl::Hours(24);
};

// Where the current keys come from (a file Envoy also reads, an RPC, or a fixed set in tests).
class KeySource {
 public:
  virtual ~KeySource() = default;
  virtual absl::StatusOr<std::shared_ptr<const KeySet>> Keys() = 0;
};

class StaticKeySource final : public KeySource {
 public:
  explicit StaticKeySource(KeySet keys) : keys_(std::make_shared<const KeySet>(std::move(keys))) {}
  absl::StatusOr<std::shared_ptr<const KeySet>> Keys() override { return keys_; }

 private:
  std::shared_ptr<const KeySet> keys_;
};

// Re-reads a JWKS file when its modification time changes (checked at most once a second), so
// rotated keys are picked up without a restart.
class JwksFileKeySource final : public KeySource {
 public:
  explicit JwksFileKeySource(std::string path) : path_(std::move(path)) {}
  absl::StatusOr<std::shared_ptr<const KeySet>> Keys() override;

 private:
  const std::string path_;
  absl::Mutex mu_;
  std::shared_ptr<const KeySet> keys_ ABSL_GUARDED_BY(mu_);
  int64_t mtime_ns_ ABSL_GUARDED_BY(mu_) = -1;
  absl::Time checked_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

struct VerifiedJwt {
  std::string kid;
  nlohmann::json claims;
  absl::Time expires;
};

class JwtVerifier {
 public:
  JwtVerifier(JwtVerifierOptions options, std::shared_ptr<KeySource> keys,
              std::function<absl::Time()> clock = absl::Now);

  // UNAUTHENTICATED with an ErrorInfo reason (TOKEN_MALFORMED, TOKEN_ALGORITHM_REFUSED,
  // TOKEN_KEY_UNKNOWN, TOKEN_SIGNATURE_INVALID, TOKEN_EXPIRED, TOKEN_NOT_YET_VALID,
  // TOKEN_ISSUER_MISMATCH, TOKEN_AUDIENCE_MISMATCH) on failure.
  absl::StatusOr<VerifiedJwt> Verify(absl::string_view token) const;

 private:
  // Expiry (required), lifetime, not-before, issuer and audience of verified claims.
  absl::StatusOr<VerifiedJwt> CheckClaims(const std::string& kid, nlohmann::json claims) const;

  JwtVerifierOptions options_;
  std::shared_ptr<KeySource> keys_;
  std::function<absl::Time()> clock_;
};

// The caller of a request as identity-svc's access token states it.
struct Caller {
  std::string person_id;                    // sub: opaque, never the INSZ.
  std::string session_id;                   // sid
  std::optional<std::string> organization;  // org: absent in the personal context.
  std::string key_type;                     // acr: how the person logged in (eid, itsme, ...).
  std::string token_id;                     // jti
  absl::Time expires;
};

class AccessTokenVerifier {
 public:
  AccessTokenVerifier(JwtVerifierOptions options, std::shared_ptr<KeySource> keys,
                      std::function<absl::Time()> clock = absl::Now);

  // A missing token is UNAUTHENTICATED with reason TOKEN_MISSING. A cached verification counts
  // only while the key that signed the token is still published: a key removed from the JWKS
  // (compromised, retired early) ends the tokens it signed at once, cached or not.
  // Counted in wse_token_verifications_total{result="ok"|<the refusal's reason>} and
  // wse_cache_requests_total{cache="access_tokens",result="hit"|"miss"}.
  absl::StatusOr<Caller> Verify(const std::optional<std::string>& bearer_token);

 private:
  absl::StatusOr<Caller> VerifyOnce(const std::optional<std::string>& bearer_token);

  struct Cached {
    Caller caller;
    std::string kid;
  };
  JwtVerifier verifier_;
  std::shared_ptr<KeySource> keys_;
  std::function<absl::Time()> clock_;
  absl::Mutex mu_;
  static constexpr size_t kMaxCachedTokens = 100000;
  std::unordered_map<std::string, Cached> cache_ ABSL_GUARDED_BY(mu_);
  absl::Time next_sweep_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace wse
