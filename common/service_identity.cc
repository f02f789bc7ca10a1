#include "common/service_identity.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "openssl/evp.h"
#include "openssl/sha.h"

namespace wse {

std::string ServiceTokenHash(absl::string_view token) {
  // Fetched once: OpenSSL 3's one-shot SHA256() looks the algorithm up again on every call, a
  // visible cost when every call of every service hashes its bearer token.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (sha256 == nullptr ||
      EVP_Digest(token.data(), token.size(), digest, &length, sha256, nullptr) != 1) {
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
    length = SHA256_DIGEST_LENGTH;
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

absl::StatusOr<ServiceIdentities> ServiceIdentities::Parse(absl::string_view text) {
  ServiceIdentities identities;
  std::set<std::string> names;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> fields = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    const auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("line ", number, ": ", why));
    };
    if (fields.size() != 2) return bad("expected '<service name> <sha256 hex>'");
    std::string hash = absl::AsciiStrToLower(fields[1]);
    if (hash.size() != 64 || !std::all_of(hash.begin(), hash.end(), absl::ascii_isxdigit)) {
      return bad("the hash must be 64 hex characters (sha256sum of the token)");
    }
    if (!names.insert(fields[0]).second) return bad("service " + fields[0] + " listed twice");
    if (!identities.by_hash_.emplace(std::move(hash), fields[0]).second) {
      return bad("two services with one token");
    }
  }
  return identities;
}

std::optional<std::string> ServiceIdentities::IdentifyHash(const std::string& token_hash) const {
  auto it = by_hash_.find(absl::AsciiStrToLower(token_hash));
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> ServiceIdentities::Identify(absl::string_view bearer_token) const {
  if (by_hash_.empty() || bearer_token.empty()) return std::nullopt;
  // Looked up by hash: what a timing difference could reveal is the hash, not the token.
  auto it = by_hash_.find(ServiceTokenHash(bearer_token));
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

}  // namespace wse
