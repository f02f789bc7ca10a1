#pragma once
// Encryption at rest for private signing keys: AES-256-GCM with a 32-byte key from configuration.
// Sealed format: "wse1" | 12-byte random nonce | ciphertext | 16-byte tag. Tampering or a wrong
// key makes Open() fail instead of returning garbage.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wse::identity {

class SealedBox {
 public:
  // `key` must be exactly 32 bytes.
  static absl::StatusOr<SealedBox> Create(absl::string_view key);
  // Reads a key file holding 64 hex characters (e.g. `openssl rand -hex 32`).
  static absl::StatusOr<SealedBox> FromHexKeyFile(const std::string& path);

  absl::StatusOr<std::string> Seal(absl::string_view plaintext) const;
  absl::StatusOr<std::string> Open(absl::string_view sealed) const;

 private:
  explicit SealedBox(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace wse::identity
