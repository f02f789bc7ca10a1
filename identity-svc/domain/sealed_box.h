#pragma once
// Encryption at rest for private signing keys: AES-256-GCM with a 32-byte key from configuration.
// Sealed format: "wse2" | 12-byte random nonce | ciphertext | 16-byte tag, with the caller's
// associated data (the key id) authenticated but not stored: a sealed key copied to another key
// id's row does not open. Tampering or a wrong key makes Open() fail instead of returning garbage.
// "wse1" values (sealed before associated data was bound, no associated data) still open, so
// keys sealed by an earlier release keep working until they expire.

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

  absl::StatusOr<std::string> Seal(absl::string_view plaintext,
                                   absl::string_view associated_data) const;
  absl::StatusOr<std::string> Open(absl::string_view sealed,
                                   absl::string_view associated_data) const;

 private:
  explicit SealedBox(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace wse::identity
