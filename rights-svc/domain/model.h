#pragma once
// rights-svc's domain records (gebruikersbeheer). Ids are opaque 32-hex strings; resource names
// are "organizations/{org}/workRelations/{id}", ".../grants/{id}", ".../accessRequests/{id}",
// "persons/{id}". `version` is the optimistic-concurrency counter behind each etag.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/time/time.h"
#include "common/request_checks.h"

namespace wse::rights {

// werkrelatie: AMBTENAAR, VASTE_MEDEWERKER, EXTERNE_MEDEWERKER, OCCASIONELE_MEDEWERKER,
// GEDELEGEERDE_MEDEWERKER (WorkRelationType names without prefix).
struct WorkRelationRecord {
  std::string id;
  std::string organization_id;
  std::string person_id;
  std::string type;
  absl::Time valid_from;
  std::optional<absl::Time> valid_until;  // nullopt: open-ended.
  std::string end_reason;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 1;

  bool ActiveAt(absl::Time t) const {
    return valid_from <= t && (!valid_until || t < *valid_until);
  }
};

// A right: role x context x validity of a person in an organisation.
struct GrantRecord {
  std::string id;
  std::string organization_id;
  std::string person_id;
  std::string role;     // e.g. DWSE_ORGANISATIEVERANTWOORDELIJKE, LOKALE_BEHEERDER
  std::string context;  // e.g. opleidingsverlof; empty for roles without contexts
  absl::Time valid_from;
  std::optional<absl::Time> valid_until;
  std::string granted_by;         // person id
  std::string access_request_id;  // empty when granted directly
  std::string revoked_by;
  std::string revoke_reason;
  std::optional<absl::Time> revoke_time;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 1;

  bool ActiveAt(absl::Time t) const {
    return !revoke_time && valid_from <= t && (!valid_until || t < *valid_until);
  }
};

// Grants by role, context, id (byte-wise): the order a decision picks its matched grant in, so
// that every replica names the same one.
inline void SortGrants(std::vector<GrantRecord>& grants) {
  std::sort(grants.begin(), grants.end(), [](const GrantRecord& a, const GrantRecord& b) {
    return std::tie(a.role, a.context, a.id) < std::tie(b.role, b.context, b.id);
  });
}

// PENDING, APPROVED, REJECTED, WITHDRAWN, EXPIRED (AccessRequestState names without prefix).
struct AccessRequestRecord {
  std::string id;
  std::string organization_id;
  std::string requester_id;
  std::string role;
  std::string context;
  std::string reason;
  std::string state = "PENDING";
  int notified_count = 0;
  std::string decided_by;
  std::optional<absl::Time> decide_time;
  std::string rejection_reason;
  std::string grant_id;
  absl::Time create_time;
  absl::Time expire_time;
  int64_t version = 1;
};

// One event of an organisation's append-only, hash-chained audit trail.
struct AuditRecord {
  std::string organization_id;
  int64_t sequence = 0;  // 1, 2, ... per organisation, no gaps.
  absl::Time event_time;
  std::string actor;           // persons/{id}, or "operator", or "system"
  std::string actor_key_type;  // KeyType name without prefix, e.g. EID; empty if none
  std::string action;          // e.g. GRANT_CREATED
  std::string subject;         // persons/{id} the event is about
  std::string target;          // resource name acted on
  std::string reason;
  std::map<std::string, std::string> details;
  std::string prev_hash;  // hash of sequence - 1 ("" for the first)
  std::string hash;       // SHA-256 hex over prev_hash and the fields (audit_chain.h)
};

// A keyset page of a list (common/request_checks.h).
using PageRequest = KeysetPage;

}  // namespace wse::rights
