#pragma once
// The audit trail's hash chain: each event's hash covers the previous event's hash and every
// field of the event, so an edited, removed or inserted event breaks the chain from there on.
//   hash = SHA-256 hex of the canonical JSON array
//     [prev_hash, organization_id, sequence, event_time (unix micros), actor, actor_key_type,
//      action, subject, target, reason, details (object, keys sorted)]

#include <cstdint>
#include <vector>

#include "rights-svc/domain/model.h"

namespace wse::rights {

std::string AuditHash(const AuditRecord& event);

struct ChainVerdict {
  bool ok = true;
  int64_t verified = 0;
  int64_t first_broken_sequence = 0;  // 0 when ok.
};

// Checks events given in ascending sequence, continuing from `prev` (sequence 0, "" at start).
class ChainVerifier {
 public:
  void Add(const AuditRecord& event);
  const ChainVerdict& verdict() const { return verdict_; }
  const std::string& head_hash() const { return head_hash_; }
  int64_t head_sequence() const { return head_sequence_; }

 private:
  ChainVerdict verdict_;
  std::string head_hash_;
  int64_t head_sequence_ = 0;
};

}  // namespace wse::rights
