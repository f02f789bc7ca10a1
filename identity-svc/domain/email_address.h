#pragma once
// Where a person's e-mail address came from, and which one a new one replaces. The address is
// what approval and receipt mails go to, so the person's own word outranks an operator's import:
// - IMPORT: an operator's BatchImportPersons (the organisation's records);
// - IDP: the identity provider's `email` claim at login (the person keeps it at the provider);
// - VERIFIED: given by the person in the WSE-loket and confirmed with a mailed code.
// An import never replaces nor clears an address the person gave (IDP, VERIFIED); a login's claim
// never replaces one the person confirmed here (VERIFIED), whose code proved they read it.

#include <string>

namespace wse::identity {

inline constexpr char kEmailFromImport[] = "IMPORT";
inline constexpr char kEmailFromIdp[] = "IDP";
inline constexpr char kEmailVerified[] = "VERIFIED";

struct EmailAddress {
  std::string address;  // Empty: none known.
  std::string source;   // One of the above; empty with an empty address.

  bool operator==(const EmailAddress& other) const {
    return address == other.address && source == other.source;
  }
};

// The address a person record holds after `given` arrives for it. An empty address from an
// import means "the organisation's records hold none"; an empty address without a source means
// nothing (the stored one stays).
EmailAddress MergeEmail(const EmailAddress& stored, const EmailAddress& given);

// Whether an address can be mailed: notify-svc's check (common/email_syntax.h), so what is
// stored is never refused when the mail leaves.
bool IsPlausibleEmail(const std::string& address);

}  // namespace wse::identity
