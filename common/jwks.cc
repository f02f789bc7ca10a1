#include "common/jwks.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "openssl/bio.h"
#include "openssl/core_names.h"
#include "openssl/err.h"
#include "openssl/evp.h"
#include "openssl/param_build.h"
#include "openssl/pem.h"

namespace wse {
namespace {

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Deleter>;

absl::StatusOr<std::string> ToPem(EVP_PKEY* key) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return absl::InternalError("cannot encode public key");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<Owned<EVP_PKEY>> FromParams(const char* type, OSSL_PARAM_BLD* builder) {
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder));
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    // Parsed on handler threads (a reloaded key set): leave nothing on their error queue.
    ERR_clear_error();
    return absl::InvalidArgumentError("invalid key material");
  }
  return Owned<EVP_PKEY>(raw);
}

absl::StatusOr<Owned<EVP_PKEY>> EcKey(const nlohmann::json& jwk) {
  if (jwk.value("crv", "") != "P-256") return absl::InvalidArgumentError("unsupported curve");
  auto x = Base64UrlDecode(jwk.value("x", ""));
  auto y = Base64UrlDecode(jwk.value("y", ""));
  if (!x.ok() || !y.ok() || x->size() != 32 || y->size() != 32) {
    return absl::InvalidArgumentError("invalid EC coordinates");
  }
  std::string point = absl::StrCat("\x04", *x, *y);  // Uncompressed SEC1 point.
  Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                   point.size());
  return FromParams("EC", builder.get());
}

absl::StatusOr<Owned<EVP_PKEY>> RsaKey(const nlohmann::json& jwk) {
  auto n = Base64UrlDecode(jwk.value("n", ""));
  auto e = Base64UrlDecode(jwk.value("e", ""));
  if (!n.ok() || !e.ok() || n->size() < 256 || e->empty()) {
    return absl::InvalidArgumentError("invalid or too short RSA key");
  }
  auto bn = [](const std::string& bytes) {
    return Owned<BIGNUM>(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                   static_cast<int>(bytes.size()), nullptr));
  };
  Owned<BIGNUM> bn_n = bn(*n), bn_e = bn(*e);
  Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get());
  OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get());
  return FromParams("RSA", builder.get());
}

absl::StatusOr<std::string> BigNumParam(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return absl::InternalError("no RSA parameter");
  Owned<BIGNUM> bn(raw);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

}  // namespace

absl::StatusOr<std::string> PublicJwkFromPem(absl::string_view pem, absl::string_view kid) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  // The first reader's failure on a public key is expected: its errors are dropped.
  ERR_set_mark();
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ERR_pop_to_mark();
  if (!key) {
    Owned<BIO> again(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    key.reset(PEM_read_bio_PUBKEY(again.get(), nullptr, nullptr, nullptr));
  }
  if (!key) {
    ERR_clear_error();
    return absl::InvalidArgumentError("not a PEM key");
  }
  nlohmann::json jwk = {{"kid", std::string(kid)}, {"use", "sig"}};
  if (EVP_PKEY_is_a(key.get(), "EC")) {
    unsigned char point[65];
    size_t size = 0;
    if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point),
                                        &size) != 1 ||
        size != 65) {
      return absl::InvalidArgumentError("only P-256 EC keys are supported");
    }
    const absl::string_view raw(reinterpret_cast<const char*>(point), size);
    jwk.update({{"kty", "EC"},
                {"crv", "P-256"},
                {"alg", "ES256"},
                {"x", Base64UrlEncode(raw.substr(1, 32))},
                {"y", Base64UrlEncode(raw.substr(33, 32))}});
  } else if (EVP_PKEY_is_a(key.get(), "RSA")) {
    auto n = BigNumParam(key.get(), OSSL_PKEY_PARAM_RSA_N);
    auto e = BigNumParam(key.get(), OSSL_PKEY_PARAM_RSA_E);
    if (!n.ok() || !e.ok()) return absl::InvalidArgumentError("invalid RSA key");
    jwk.update(
        {{"kty", "RSA"}, {"alg", "RS256"}, {"n", Base64UrlEncode(*n)}, {"e", Base64UrlEncode(*e)}});
  } else {
    return absl::InvalidArgumentError("unsupported key type");
  }
  return jwk.dump();
}

std::string Base64UrlEncode(absl::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);
  return out;
}

absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text) {
  std::string out;
  if (!absl::WebSafeBase64Unescape(text, &out)) {
    return absl::InvalidArgumentError("invalid base64url");
  }
  return out;
}

absl::StatusOr<KeySet> ParseJwks(absl::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return absl::InvalidArgumentError("JWKS must be a JSON object with a 'keys' array");
  }
  KeySet keys;
  for (const auto& jwk : doc["keys"]) {
    if (!jwk.is_object() || !jwk.contains("kid") || !jwk["kid"].is_string()) continue;
    bool all_strings = true;
    for (const auto& [name, value] : jwk.items()) all_strings = all_strings && value.is_string();
    if (!all_strings) continue;  // value() below would throw on a non-string member.
    if (jwk.value("use", "sig") != "sig") continue;
    const std::string kty = jwk.value("kty", "");
    absl::StatusOr<Owned<EVP_PKEY>> key = absl::InvalidArgumentError("unsupported key type");
    std::string alg;
    if (kty == "EC") {
      alg = "ES256";
      key = EcKey(jwk);
    } else if (kty == "RSA") {
      alg = "RS256";
      key = RsaKey(jwk);
    }
    if (!key.ok() || jwk.value("alg", alg) != alg) continue;
    absl::StatusOr<std::string> pem = ToPem(key->get());
    if (!pem.ok()) continue;
    const std::string kid = jwk["kid"];
    keys[kid] = PublicKey{kid, alg, *std::move(pem),
                          std::shared_ptr<EVP_PKEY>(key->release(), EVP_PKEY_free)};
  }
  if (keys.empty()) return absl::InvalidArgumentError("JWKS holds no usable signing key");
  return keys;
}

}  // namespace wse
