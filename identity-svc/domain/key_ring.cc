#include "identity-svc/domain/key_ring.h"

#include <cstdio>
#include <fstream>
#include <memory>

#include "absl/strings/escaping.h"
#include "common/jwks.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/status_macros.h"
#include "openssl/evp.h"
#include "openssl/pem.h"
#include "openssl/rand.h"

namespace wse::identity {

std::string RandomId() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof(bytes));
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(bytes), 16));
}

absl::StatusOr<std::string> GenerateEcPrivateKeyPem() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!key || !bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return absl::InternalError("cannot generate a signing key");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

KeyRing::KeyRing(SigningKeyRepository& repository, SealedBox box, KeyRingOptions options,
                 std::function<absl::Time()> clock)
    : repository_(repository),
      box_(std::move(box)),
      options_(std::move(options)),
      clock_(std::move(clock)) {}

KeyRing::~KeyRing() = default;  // refresher_ stops first: it is the last member.

void KeyRing::Start(absl::Duration interval) {
  refresher_ = std::make_unique<PeriodicTask>(interval, [this] {
    if (absl::Status s = Refresh(); !s.ok()) {
      LogWarn("signing keys not refreshed; keeping the current ones", {{"error", s.message()}});
    }
  });
  refresher_->Start();
}

absl::Status KeyRing::RotateIfDue(absl::Time now) {
  ASSIGN_OR_RETURN(auto keys, repository_.ListUnexpired(now));
  const absl::Time due_before = now - options_.rotation_period;
  if (!keys.empty() && keys.front().create_time > due_before) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto pem, GenerateEcPrivateKeyPem());
  SigningKeyRecord candidate;
  candidate.kid = RandomId();
  candidate.alg = "ES256";
  auto sealed = box_.Seal(pem, candidate.kid);  // Bound to its key id.
  if (!sealed.ok()) return sealed.status();
  candidate.private_key_sealed = *std::move(sealed);
  ASSIGN_OR_RETURN(auto jwk, PublicJwkFromPem(pem, candidate.kid));
  candidate.public_jwk = std::move(jwk);
  candidate.create_time = now;
  // Signs from now + publish_ahead (the very first key at once) for one rotation period.
  candidate.retire_time = now + options_.publish_ahead + options_.rotation_period;
  candidate.expire_time = candidate.retire_time + options_.token_lifetime;
  ASSIGN_OR_RETURN(auto inserted, repository_.InsertIfRotationDue(candidate, due_before));
  if (inserted) LogInfo("signing key rotated", {{"kid", candidate.kid}});
  return absl::OkStatus();
}

absl::Status KeyRing::Refresh() {
  const absl::Time now = clock_();
  RETURN_IF_ERROR(RotateIfDue(now));
  ASSIGN_OR_RETURN(auto keys, repository_.ListUnexpired(now));

  nlohmann::json jwks = {{"keys", nlohmann::json::array()}};
  std::string signing_kid;
  std::map<std::string, std::string> pems;
  {
    absl::MutexLock lock(&mu_);
    pems = private_pems_;
  }
  // The newest key already published long enough signs; right after the first start, when
  // there is no such key, the newest one does.
  for (const SigningKeyRecord& key : keys) {  // Newest first.
    if (key.retire_time > now && key.create_time + options_.publish_ahead <= now) {
      signing_kid = key.kid;
      break;
    }
  }
  if (signing_kid.empty() && !keys.empty()) signing_kid = keys.front().kid;
  for (const SigningKeyRecord& key : keys) {
    jwks["keys"].push_back(nlohmann::json::parse(key.public_jwk));
    if (!pems.contains(key.kid) && key.retire_time > now) {
      ASSIGN_OR_RETURN(auto pem, box_.Open(key.private_key_sealed, key.kid));
      pems[key.kid] = std::move(pem);
    }
  }
  if (signing_kid.empty()) return absl::FailedPreconditionError("no signing key is usable");
  for (const SigningKeyRecord& key : keys) {
    if (key.kid != signing_kid) continue;
    // In the past: tokens are signed with a retired key, so rotation has stalled (alerted on).
    GaugeOf("wse_signing_key_retire_timestamp_seconds",
            "When the access-token signing key in use is due to be replaced.", {})
        .Set(absl::ToDoubleSeconds(key.retire_time - absl::UnixEpoch()));
  }
  const std::string json = jwks.dump();
  ASSIGN_OR_RETURN(auto signing_key, Es256Key::FromPem(pems[signing_kid]));
  bool changed = false;
  {
    absl::MutexLock lock(&mu_);
    changed = json != jwks_json_;
    current_kid_ = signing_kid;
    current_key_ = std::move(signing_key);
    jwks_json_ = json;
    std::erase_if(pems, [&keys](const auto& entry) {
      for (const auto& k : keys) {
        if (k.kid == entry.first) return false;
      }
      return true;
    });
    private_pems_ = std::move(pems);
  }
  return changed ? WriteJwksFile(json) : absl::OkStatus();
}

absl::Status KeyRing::WriteJwksFile(const std::string& json) const {
  if (options_.jwks_path.empty()) return absl::OkStatus();
  const std::string tmp = options_.jwks_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json << "\n";
    if (!out) return absl::UnavailableError("cannot write " + tmp);
  }
  // rename() replaces atomically: readers see the old or the new file, never half of one.
  if (std::rename(tmp.c_str(), options_.jwks_path.c_str()) != 0) {
    return absl::UnavailableError("cannot replace " + options_.jwks_path);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> KeyRing::Sign(const nlohmann::json& claims) const {
  std::string kid;
  std::shared_ptr<const Es256Key> key;
  {
    absl::MutexLock lock(&mu_);
    kid = current_kid_;
    key = current_key_;
  }
  if (key == nullptr) return absl::UnavailableError("no signing key loaded yet");
  return key->SignJwt(kid, claims);
}

std::string KeyRing::JwksJson() const {
  absl::MutexLock lock(&mu_);
  return jwks_json_;
}

}  // namespace wse::identity

namespace wse::identity {

absl::StatusOr<std::shared_ptr<const KeySet>> KeyRingKeySource::Keys() {
  const std::string json = ring_.JwksJson();
  absl::MutexLock lock(&mu_);
  if (keys_ == nullptr || json != parsed_json_) {
    auto parsed = ParseJwks(json);
    if (!parsed.ok()) return absl::UnavailableError("no token signing keys loaded yet");
    keys_ = std::make_shared<const KeySet>(*std::move(parsed));
    parsed_json_ = json;
  }
  return keys_;
}

}  // namespace wse::identity
