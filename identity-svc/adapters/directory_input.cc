#include "identity-svc/adapters/directory_input.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/identifiers.h"
#include "common/status.h"

namespace wse::identity {
namespace {

constexpr size_t kMaxNameLength = 200;

// Adds the violation carried by an identifier parser's status.
void AddFrom(const absl::Status& status, std::vector<ItemViolation>* violations) {
  for (const auto& v : FieldViolationsOf(status)) {
    violations->push_back({v.field, ReasonOf(status), DutchMessageOf(status)});
  }
}

std::string CheckedName(const std::string& value, const std::string& field, const char* label,
                        std::vector<ItemViolation>* violations) {
  std::string trimmed(absl::StripAsciiWhitespace(value));
  if (trimmed.empty()) {
    violations->push_back({field, "REQUIRED", absl::StrCat(label, " is verplicht.")});
  } else if (trimmed.size() > kMaxNameLength || !IsValidUtf8(trimmed)) {
    violations->push_back(
        {field, "INVALID_NAME", absl::StrCat(label, " is te lang of bevat ongeldige tekens.")});
  }
  return trimmed;
}

std::string KindName(v1::OrganizationKind kind) {
  std::string name = v1::OrganizationKind_Name(kind);
  constexpr absl::string_view kPrefix = "ORGANIZATION_KIND_";
  return name.substr(std::min(name.size(), kPrefix.size()));
}

}  // namespace

bool IsValidUtf8(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
    }
    if (c < 0x20 && c != '\t') return false;  // No control characters in names.
    i += length;
  }
  return true;
}

bool IsE164Phone(const std::string& phone) {
  if (phone.size() < 8 || phone.size() > 16 || phone[0] != '+' || phone[1] == '0') return false;
  return std::all_of(phone.begin() + 1, phone.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

PersonRecord PersonFromImport(const v1::Person& item, const std::string& path,
                              std::vector<ItemViolation>* violations) {
  PersonRecord person;
  person.source = "IMPORT";
  auto insz = ParseInsz(item.insz(), path + ".insz");
  if (insz.ok()) {
    person.insz = insz->digits;
  } else {
    AddFrom(insz.status(), violations);
  }
  person.given_name =
      CheckedName(item.given_name(), path + ".given_name", "De voornaam", violations);
  person.family_name =
      CheckedName(item.family_name(), path + ".family_name", "De naam", violations);
  person.email_address = std::string(absl::StripAsciiWhitespace(item.email_address()));
  person.email_source = kEmailFromImport;
  if (!person.email_address.empty() && !IsPlausibleEmail(person.email_address)) {
    violations->push_back(
        {path + ".email_address", "INVALID_EMAIL_ADDRESS", "Het e-mailadres is ongeldig."});
  }
  person.phone_number = std::string(absl::StripAsciiWhitespace(item.phone_number()));
  if (!person.phone_number.empty() && !IsE164Phone(person.phone_number)) {
    violations->push_back({path + ".phone_number", "INVALID_PHONE_NUMBER",
                           "Het telefoonnummer moet in de vorm +32470123456 staan."});
  }
  person.preferred_locale = item.preferred_locale().empty() ? "nl" : item.preferred_locale();
  if (person.preferred_locale != "nl" && person.preferred_locale != "fr" &&
      person.preferred_locale != "de" && person.preferred_locale != "en") {
    violations->push_back(
        {path + ".preferred_locale", "UNSUPPORTED_LOCALE", "De taal moet nl, fr, de of en zijn."});
  }
  return person;
}

OrganizationRecord OrganizationFromImport(const v1::Organization& item, const std::string& path,
                                          std::vector<ItemViolation>* violations) {
  OrganizationRecord org;
  const auto& id = item.identifier();
  if (id.has_kbo_number()) {
    auto kbo = NormalizeKboNumber(id.kbo_number(), path + ".identifier.kbo_number");
    if (kbo.ok()) {
      org.kbo_number = *kbo;
    } else {
      AddFrom(kbo.status(), violations);
    }
  } else if (id.has_institution_number()) {
    auto number = NormalizeInstitutionNumber(id.institution_number(),
                                             path + ".identifier.institution_number");
    if (number.ok()) {
      org.institution_number = *number;
    } else {
      AddFrom(number.status(), violations);
    }
  } else {
    violations->push_back({path + ".identifier", "REQUIRED",
                           "Een ondernemingsnummer of instellingsnummer is verplicht."});
  }
  org.display_name =
      CheckedName(item.display_name(), path + ".display_name", "De naam", violations);
  if (item.kind() == v1::ORGANIZATION_KIND_UNSPECIFIED) {
    violations->push_back({path + ".kind", "REQUIRED", "Het soort organisatie is verplicht."});
  }
  org.kind = KindName(item.kind());
  org.email_address = std::string(absl::StripAsciiWhitespace(item.email_address()));
  if (!org.email_address.empty() && !IsPlausibleEmail(org.email_address)) {
    violations->push_back(
        {path + ".email_address", "INVALID_EMAIL_ADDRESS", "Het e-mailadres is ongeldig."});
  }
  for (int i = 0; i < item.legal_representatives_size(); ++i) {
    auto insz = ParseInsz(item.legal_representatives(i).insz(),
                          absl::StrCat(path, ".legal_representatives[", i, "].insz"));
    if (insz.ok()) {
      org.legal_representative_insz.push_back(insz->digits);
    } else {
      AddFrom(insz.status(), violations);
    }
  }
  std::sort(org.legal_representative_insz.begin(), org.legal_representative_insz.end());
  org.legal_representative_insz.erase(
      std::unique(org.legal_representative_insz.begin(), org.legal_representative_insz.end()),
      org.legal_representative_insz.end());
  return org;
}

}  // namespace wse::identity
