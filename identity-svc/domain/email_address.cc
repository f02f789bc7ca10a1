#include "identity-svc/domain/email_address.h"

#include <algorithm>

#include "absl/strings/ascii.h"

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
  // An import (or a caller that names no source).
  if (GivenByPerson(stored)) return stored;
  return given;
}

bool IsPlausibleEmail(const std::string& address) {
  const auto at = address.find('@');
  if (address.size() > 320 || at == std::string::npos || at == 0 ||
      address.find('@', at + 1) != std::string::npos) {
    return false;
  }
  const std::string domain = address.substr(at + 1);
  if (domain.find('.') == std::string::npos || domain.front() == '.' || domain.back() == '.') {
    return false;
  }
  return std::none_of(address.begin(), address.end(), [](char c) {
    return absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == ',' ||
           c == ';' || c == '"' || static_cast<unsigned char>(c) < 0x20 || c == '\x7f';
  });
}

}  // namespace wse::identity
