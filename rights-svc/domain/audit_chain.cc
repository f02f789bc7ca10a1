#include "rights-svc/domain/audit_chain.h"

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "openssl/sha.h"

namespace wse::rights {

std::string AuditHash(const AuditRecord& e) {
  nlohmann::json details = nlohmann::json::object();
  for (const auto& [key, value] : e.details) details[key] = value;  // std::map: sorted keys.
  const nlohmann::json canonical = {
      e.prev_hash, e.organization_id, e.sequence, absl::ToUnixMicros(e.event_time),
      e.actor,     e.actor_key_type,  e.action,   e.subject,
      e.target,    e.reason,          details};
  const std::string text = canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), SHA256_DIGEST_LENGTH));
}

void ChainVerifier::Add(const AuditRecord& event) {
  if (!verdict_.ok) return;
  const bool linked = event.sequence == head_sequence_ + 1 && event.prev_hash == head_hash_;
  if (!linked || AuditHash(event) != event.hash) {
    verdict_.ok = false;
    verdict_.first_broken_sequence = linked ? event.sequence : head_sequence_ + 1;
    return;
  }
  ++verdict_.verified;
  head_hash_ = event.hash;
  head_sequence_ = event.sequence;
}

}  // namespace wse::rights
