#pragma once
// Service identities. Each service calls the others with a bearer token of its own, never with
// the human operators' token, and each callee lets a calling service use only the methods on
// its allow-list for that caller: a stolen notify-svc token reads person records from
// identity-svc (GetPerson) and nothing else; it cannot create a grant.
//
// A callee knows its callers by the SHA-256 of their tokens (--service_identities_file, lines
// "<service name> <sha256 hex>"), public values: a callee that is broken into does not hold any
// other service's credential (keep the file where only deployers may change it, though: whoever
// edits it decides who gets in). The allow-lists are code,
// next to each service's wiring, reviewed like the RPCs they name.

#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wse {

// Calling service name -> the methods (short names, of one gRPC service) it may call.
using ServiceAllowList = std::map<std::string, std::set<std::string>>;

class ServiceIdentities {
 public:
  ServiceIdentities() = default;  // Knows no service.

  // Parses "<name> <64 hex characters>" lines; blank lines and lines starting with # are
  // skipped. INVALID_ARGUMENT (with the line number) for anything else or a repeated name or
  // hash.
  static absl::StatusOr<ServiceIdentities> Parse(absl::string_view text);

  // The name of the service this bearer token belongs to; nullopt when it is no service's.
  std::optional<std::string> Identify(absl::string_view bearer_token) const;
  // The same, from the token's SHA-256 hex.
  std::optional<std::string> IdentifyHash(const std::string& token_hash) const;

  bool empty() const { return by_hash_.empty(); }

 private:
  std::map<std::string, std::string> by_hash_;  // SHA-256 hex -> service name.
};

// SHA-256 hex of a token: what --service_identities_file lists.
std::string ServiceTokenHash(absl::string_view token);

}  // namespace wse
