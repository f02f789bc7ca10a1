#include "registration-svc/domain/school_year.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace wse::registration {
namespace {

// Exactly four ASCII digits; absl::SimpleAtoi would also take signs and spaces.
bool ParseFourDigits(absl::string_view text, int* value) {
  if (text.size() != 4) return false;
  int result = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    result = result * 10 + (c - '0');
  }
  *value = result;
  return true;
}

absl::Status Invalid(absl::string_view field, std::string description) {
  return ErrorBuilder(absl::StatusCode::kInvalidArgument, absl::StrCat(field, ": ", description))
      .Violation(std::string(field), std::move(description))
      .Reason("INVALID_SCHOOL_YEAR")
      .Dutch("Het schooljaar is ongeldig; gebruik de vorm 2025-2026.");
}

}  // namespace

absl::StatusOr<SchoolYear> SchoolYear::Parse(absl::string_view text, absl::string_view field) {
  int first = 0;
  int second = 0;
  if (text.size() != 9 || text[4] != '-' || !ParseFourDigits(text.substr(0, 4), &first) ||
      !ParseFourDigits(text.substr(5, 4), &second)) {
    return Invalid(field, "must have the form YYYY-YYYY, e.g. 2025-2026");
  }
  if (second != first + 1) return Invalid(field, "the second year must follow the first");
  if (first < kMinYear || second > kMaxYear) {
    return Invalid(field, absl::StrCat("years must lie in ", kMinYear, "-", kMaxYear));
  }
  return SchoolYear(first);
}

SchoolYear SchoolYear::Of(const Date& date) {
  return SchoolYear(date.month >= 9 ? date.year : date.year - 1);
}

std::string SchoolYear::ToString() const { return absl::StrCat(first_year_, "-", first_year_ + 1); }

}  // namespace wse::registration
