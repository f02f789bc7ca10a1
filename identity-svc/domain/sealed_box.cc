#include "identity-svc/domain/sealed_box.h"

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "openssl/evp.h"
#include "openssl/rand.h"

namespace wse::identity {
namespace {

constexpr absl::string_view kMagic = "wse2";        // Bound to associated data.
constexpr absl::string_view kLegacyMagic = "wse1";  // Without; opened for old rows only.
constexpr int kNonceSize = 12;
constexpr int kTagSize = 16;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<SealedBox> SealedBox::Create(absl::string_view key) {
  if (key.size() != 32) return absl::InvalidArgumentError("the sealing key must be 32 bytes");
  return SealedBox(std::string(key));
}

absl::StatusOr<SealedBox> SealedBox::FromHexKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::FailedPreconditionError("cannot read key file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  const std::string hex(absl::StripAsciiWhitespace(text.str()));
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return absl::FailedPreconditionError("key file '" + path + "' must hold 64 hex characters");
  }
  return Create(absl::HexStringToBytes(hex));
}

absl::StatusOr<std::string> SealedBox::Seal(absl::string_view plaintext,
                                            absl::string_view associated_data) const {
  std::string out(kMagic);
  unsigned char nonce[kNonceSize];
  if (RAND_bytes(nonce, kNonceSize) != 1) return absl::InternalError("no randomness");
  out.append(reinterpret_cast<const char*>(nonce), kNonceSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string cipher(plaintext.size(), '\0');
  int len = 0;
  unsigned char tag[kTagSize];
  int aad_len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &aad_len, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()), &len,
                        Bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), nullptr, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, tag) != 1) {
    return absl::InternalError("encryption failed");
  }
  out += cipher;
  out.append(reinterpret_cast<const char*>(tag), kTagSize);
  return out;
}

absl::StatusOr<std::string> SealedBox::Open(absl::string_view sealed,
                                            absl::string_view associated_data) const {
  const size_t overhead = kMagic.size() + kNonceSize + kTagSize;
  if (sealed.size() < overhead) return absl::DataLossError("not a sealed value");
  const absl::string_view magic = sealed.substr(0, kMagic.size());
  if (magic == kLegacyMagic) {
    associated_data = "";
  } else if (magic != kMagic) {
    return absl::DataLossError("not a sealed value");
  }
  const absl::string_view nonce = sealed.substr(kMagic.size(), kNonceSize);
  const absl::string_view cipher =
      sealed.substr(kMagic.size() + kNonceSize, sealed.size() - overhead);
  std::string tag(sealed.substr(sealed.size() - kTagSize));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string plain(cipher.size(), '\0');
  int len = 0;
  int aad_len = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), Bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &aad_len, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                        Bytes(cipher), static_cast<int>(cipher.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), nullptr, &len) != 1) {
    return absl::DataLossError("sealed value is corrupt or sealed with another key");
  }
  return plain;
}

}  // namespace wse::identity
