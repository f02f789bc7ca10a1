// The identifier parsers over arbitrary text: INSZ (national register and BIS numbers), KBO
// enterprise numbers, school institution numbers, and the INSZ mask shown to users.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "common/identifiers.h"
#include "fuzz/fuzz_check.h"

namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wse;  // NOLINT
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  auto insz = ParseInsz(text, "insz");
  if (insz.ok()) {
    FUZZ_CHECK(insz->digits.size() == 11 && AllDigits(insz->digits));
    auto again = ParseInsz(insz->digits, "insz");  // Normalised form parses to itself.
    FUZZ_CHECK(again.ok() && again->digits == insz->digits && again->kind == insz->kind &&
               again->birth_year == insz->birth_year && again->sex == insz->sex);
    const std::string masked = MaskInsz(insz->digits);
    FUZZ_CHECK(masked.find(insz->digits.substr(6)) == std::string::npos);  // Serial hidden.
  } else {
    FUZZ_CHECK(insz.status().code() == absl::StatusCode::kInvalidArgument);
  }
  (void)MaskInsz(text);  // Whatever it is given.

  auto kbo = NormalizeKboNumber(text, "kbo_number");
  if (kbo.ok()) {
    FUZZ_CHECK(kbo->size() == 10 && AllDigits(*kbo));
    auto again = NormalizeKboNumber(*kbo, "kbo_number");
    FUZZ_CHECK(again.ok() && *again == *kbo);
  } else {
    FUZZ_CHECK(kbo.status().code() == absl::StatusCode::kInvalidArgument);
  }

  auto institution = NormalizeInstitutionNumber(text, "institution_number");
  if (institution.ok()) {
    FUZZ_CHECK(AllDigits(*institution) && !institution->empty());
    auto again = NormalizeInstitutionNumber(*institution, "institution_number");
    FUZZ_CHECK(again.ok() && *again == *institution);
  } else {
    FUZZ_CHECK(institution.status().code() == absl::StatusCode::kInvalidArgument);
  }
  return 0;
}
