#pragma once
// identity-svc's access-token signing keys (ES256, P-256).
//
// Keys live in the database, private halves sealed with the configured key (SealedBox), so every
// replica signs with the same current key and publishes the same JWKS. A key signs for
// `rotation_period`; a new one is made when the newest is that old (serialised across replicas
// by the repository). Public keys stay in the JWKS until every token they signed has expired.
// The JWKS is also written to a file (atomically, only when it changes) for Envoy's jwt_authn
// `local_jwks` and the other services' verifiers. A new key is published `publish_ahead` before it
// starts signing, so that verifiers caching the JWKS know it before they meet its first token.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/periodic_task.h"
#include "common/token_verifier.h"
#include "identity-svc/domain/es256_signer.h"
#include "identity-svc/domain/sealed_box.h"
#include "identity-svc/domain/store.h"
#include "nlohmann/json.hpp"

namespace wse::identity {

struct KeyRingOptions {
  absl::Duration rotation_period = absl::Hours(24);
  // Longest lifetime of a token signed with these keys (plus clock skew).
  absl::Duration token_lifetime = absl::Minutes(16);
  std::string jwks_path;  // Empty: no file.
  absl::Duration publish_ahead = absl::Minutes(5);
};

// Signs access tokens (KeyRing in the service; tests may use another).
class TokenSigner {
 public:
  virtual ~TokenSigner() = default;
  // A compact JWS of `claims` with the signing key's kid in the header.
  virtual absl::StatusOr<std::string> Sign(const nlohmann::json& claims) const = 0;
};

class KeyRing final : public TokenSigner {
 public:
  KeyRing(SigningKeyRepository& repository, SealedBox box, KeyRingOptions options,
          std::function<absl::Time()> clock = absl::Now);
  ~KeyRing();

  // Loads the keys, rotating first if due, and republishes the JWKS. Call once at start-up
  // (an error there stops the service), then Start() repeats it in the background.
  absl::Status Refresh();
  void Start(absl::Duration interval);

  // A compact JWS (ES256) of `claims` with the current key's kid in the header.
  absl::StatusOr<std::string> Sign(const nlohmann::json& claims) const override;

  // {"keys":[...]} of every unexpired public key.
  std::string JwksJson() const;

 private:
  absl::Status RotateIfDue(absl::Time now);
  absl::Status WriteJwksFile(const std::string& json) const;

  SigningKeyRepository& repository_;
  const SealedBox box_;
  const KeyRingOptions options_;
  std::function<absl::Time()> clock_;

  mutable absl::Mutex mu_;
  std::string current_kid_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const Es256Key> current_key_ ABSL_GUARDED_BY(mu_);
  std::string jwks_json_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> private_pems_ ABSL_GUARDED_BY(mu_);  // kid -> PEM

  std::unique_ptr<PeriodicTask> refresher_;
};

// Lets identity-svc verify its own access tokens straight from the key ring.
class KeyRingKeySource final : public KeySource {
 public:
  explicit KeyRingKeySource(const KeyRing& ring) : ring_(ring) {}
  absl::StatusOr<std::shared_ptr<const KeySet>> Keys() override;

 private:
  const KeyRing& ring_;
  absl::Mutex mu_;
  std::string parsed_json_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const KeySet> keys_ ABSL_GUARDED_BY(mu_);
};

// A fresh P-256 private key as PEM (PKCS#8).
absl::StatusOr<std::string> GenerateEcPrivateKeyPem();
// 32 lowercase hex characters from a CSPRNG (ids, key ids).
std::string RandomId();

}  // namespace wse::identity
