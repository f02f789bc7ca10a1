#pragma once
// identity-svc's domain records. Ids are opaque 32-hex-character strings; resource names are
// "persons/{id}", "organizations/{id}", "sessions/{id}".

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace wse::identity {

struct PersonRecord {
  std::string id;
  std::string insz;  // 11 digits; never logged or returned unmasked.
  std::string given_name;
  std::string family_name;
  std::string email_address;  // May be empty.
  std::string email_source;   // IMPORT, IDP or VERIFIED (email_address.h); empty without address.
  std::string phone_number;   // May be empty.
  std::string preferred_locale = "nl";
  std::string source = "IMPORT";  // IMPORT, or LOGIN for persons first seen at login.
  absl::Time create_time;
  absl::Time update_time;

  std::string DisplayName() const { return given_name + " " + family_name; }
};

struct OrganizationRecord {
  std::string id;
  std::string kbo_number;          // Exactly one of kbo_number and institution_number is set.
  std::string institution_number;  //
  std::string display_name;
  std::string kind;  // OrganizationKind enum name without prefix, e.g. "SCHOOL".
  std::string email_address;
  std::vector<std::string> legal_representative_insz;  // Sorted, unique.
  absl::Time create_time;
  absl::Time update_time;
};

enum class UpsertOutcome { kCreated, kUpdated, kUnchanged };

struct SessionRecord {
  std::string id;
  std::string person_id;
  std::string key_type;         // KeyType enum name without prefix, e.g. "EID".
  std::string assurance_level;  // AssuranceLevel name without prefix, e.g. "HIGH".
  std::string acr;
  std::optional<std::string> current_organization_id;
  std::string refresh_token_hash;
  absl::Time refresh_expire_time;
  absl::Time create_time;
  absl::Time expire_time;
  std::optional<absl::Time> revoke_time;
};

// A login started on the server (StartLogin). The login id itself is a secret of the front end;
// only its hash is stored.
struct LoginAttempt {
  std::string id_hash;
  std::string nonce;
  absl::Time expire_time;
};

// An ID token that opened a session, remembered until it expires so it opens only one.
struct UsedIdToken {
  std::string hash;  // SHA-256 of its signed part (header.payload; signatures are malleable).
  absl::Time expire_time;
};

struct SigningKeyRecord {
  std::string kid;
  std::string alg;  // "ES256"
  std::string private_key_sealed;
  std::string public_jwk;  // JSON object text.
  absl::Time create_time;
  absl::Time retire_time;  // Not used for signing after this.
  absl::Time expire_time;  // Not in the JWKS after this.
};

// Who did what, for identity-svc's audit trail (written in the transaction of the change).
struct AuditEntry {
  std::string actor;  // "persons/{id}" or "operator".
  std::string session_id;
  std::string key_type;
  std::string action;  // e.g. LOGIN, SELECT_ORGANIZATION, LOGOUT, IMPORT_ORGANIZATION.
  std::string target;  // Resource name acted on.
  std::string details;
};

struct Page {
  int size = 50;
  std::string after_id;  // Keyset pagination: ids greater than this.
};

}  // namespace wse::identity
