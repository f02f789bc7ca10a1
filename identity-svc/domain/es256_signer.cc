#include "identity-svc/domain/es256_signer.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>

#include "absl/strings/str_cat.h"
#include "common/jwks.h"

namespace wse::identity {

absl::StatusOr<std::shared_ptr<const Es256Key>> Es256Key::FromPem(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (bio == nullptr) return absl::InternalError("out of memory reading a signing key");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return absl::InvalidArgumentError("the signing key is not a PEM private key");
  if (!EVP_PKEY_is_a(key, "EC") || EVP_PKEY_get_bits(key) != 256) {
    EVP_PKEY_free(key);
    return absl::InvalidArgumentError("the signing key is not a P-256 key");
  }
  return std::shared_ptr<const Es256Key>(new Es256Key(key));
}

Es256Key::~Es256Key() { EVP_PKEY_free(key_); }

absl::StatusOr<std::string> Es256Key::SignJwt(const std::string& kid,
                                              const nlohmann::json& claims) const {
  const nlohmann::json header = {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", kid}};
  const std::string signing_input =
      absl::StrCat(Base64UrlEncode(header.dump()), ".", Base64UrlEncode(claims.dump()));

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::array<unsigned char, 80> der{};  // An ECDSA P-256 signature in DER is at most 72 bytes.
  size_t der_size = der.size();
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_) != 1 ||
      EVP_DigestSign(ctx.get(), der.data(), &der_size,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    return absl::InternalError("ES256 signing failed");
  }
  // JWS wants r || s, each 32 bytes big-endian (RFC 7518 section 3.4), not DER.
  const unsigned char* p = der.data();
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_size)), &ECDSA_SIG_free);
  std::array<unsigned char, 64> raw{};
  if (sig == nullptr || BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + 32, 32) != 32) {
    return absl::InternalError("ES256 signature conversion failed");
  }
  return absl::StrCat(
      signing_input, ".",
      Base64UrlEncode(absl::string_view(reinterpret_cast<const char*>(raw.data()), raw.size())));
}

}  // namespace wse::identity
