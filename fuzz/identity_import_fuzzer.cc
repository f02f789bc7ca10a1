// identity-svc's import validation (BatchImportPersons / BatchImportOrganizations items) over
// arbitrary bytes parsed as the items, and its field checks over arbitrary text: whatever passes
// must be a record the database and the mails can take as is.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/identifiers.h"
#include "fuzz/fuzz_check.h"
#include "identity-svc/adapters/directory_input.h"

namespace {

using namespace wse;            // NOLINT
using namespace wse::identity;  // NOLINT

bool NoControlCharacters(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int mode = data[0] % 3;
  const uint8_t* body = data + 1;
  const int body_size = static_cast<int>(size - 1);
  std::vector<ItemViolation> violations;
  switch (mode) {
    case 0: {
      v1::Person in;
      if (!in.ParseFromArray(body, body_size)) return 0;
      PersonRecord p = PersonFromImport(in, "persons[0]", &violations);
      for (const auto& v : violations) FUZZ_CHECK(v.field.rfind("persons[0]", 0) == 0);
      if (!violations.empty()) return 0;
      FUZZ_CHECK(ParseInsz(p.insz).ok() && p.insz.size() == 11);
      FUZZ_CHECK(IsValidUtf8(p.given_name) && IsValidUtf8(p.family_name));
      FUZZ_CHECK(p.email_address.empty() || IsPlausibleEmail(p.email_address));
      FUZZ_CHECK(NoControlCharacters(p.email_address));  // No header injection into mails.
      FUZZ_CHECK(p.phone_number.empty() || IsE164Phone(p.phone_number));
      break;
    }
    case 1: {
      v1::Organization in;
      if (!in.ParseFromArray(body, body_size)) return 0;
      OrganizationRecord o = OrganizationFromImport(in, "organizations[0]", &violations);
      for (const auto& v : violations) FUZZ_CHECK(v.field.rfind("organizations[0]", 0) == 0);
      if (!violations.empty()) return 0;
      FUZZ_CHECK(o.kbo_number.empty() != o.institution_number.empty());
      if (!o.kbo_number.empty()) FUZZ_CHECK(NormalizeKboNumber(o.kbo_number).ok());
      for (const std::string& insz : o.legal_representative_insz) {
        FUZZ_CHECK(ParseInsz(insz).ok() && insz.size() == 11);
      }
      FUZZ_CHECK(IsValidUtf8(o.display_name));
      FUZZ_CHECK(o.email_address.empty() || IsPlausibleEmail(o.email_address));
      FUZZ_CHECK(NoControlCharacters(o.email_address));
      break;
    }
    default: {
      const std::string text(reinterpret_cast<const char*>(body), static_cast<size_t>(body_size));
      // (Invalid UTF-8 never arrives here: proto3 parsing refuses it before the service runs.)
      if (IsPlausibleEmail(text)) FUZZ_CHECK(NoControlCharacters(text));
      if (IsE164Phone(text)) FUZZ_CHECK(text.size() >= 2 && text[0] == '+');
      (void)IsValidUtf8(text);
      break;
    }
  }
  return 0;
}
