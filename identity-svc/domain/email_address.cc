#include "identity-svc/domain/email_address.h"

#include "common/email_syntax.h"

namespace wse::identity {
namespace {

bool GivenByPerson(const EmailAddress& email) {
  return !email.address.empty() &&
         (email.source == kEmailFromIdp || email.source == kEmailVerified);
}

EmailAddress Normalised(const EmailAddress& email) {
  if (email.address.empty()) return {};
  // Rows from before sources were recorded: an address came from an import.
  return {email.address, email.source.empty() ? kEmailFromImport : email.source};
}

}  // namespace

EmailAddress MergeEmail(const EmailAddress& stored_in, const EmailAddress& given_in) {
  const EmailAddress stored = Normalised(stored_in);
  const EmailAddress given = Normalised({given_in.address, given_in.source});
  if (given_in.source == kEmailVerified) return given.address.empty() ? stored : given;
  if (given_in.source == kEmailFromIdp) {
    if (given.address.empty() || stored.source == kEmailVerified) return stored;
    return given;
  }
  // No address and no source: the caller knows nothing of it (a login creating the row).
  if (given_in.address.empty() && given_in.source.empty()) return stored;
  // An import (or a caller that names no source for an address).
  if (GivenByPerson(stored)) return stored;
  return given;
}

bool IsPlausibleEmail(const std::string& address) {
  // notify-svc's own check: an address stored here is never refused when its mail leaves.
  return IsDeliverableEmailAddress(address);
}

}  // namespace wse::identity
