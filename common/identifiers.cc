#include "common/identifiers.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace wse {
namespace {

// Keeps digits, dropping the separators people type; anything else makes it invalid.
bool StripSeparators(absl::string_view text, std::string* digits) {
  digits->clear();
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits->push_back(c);
    } else if (c != '.' && c != '-' && c != ' ' && c != '/') {
      return false;
    }
  }
  return true;
}

int64_t ToNumber(absl::string_view digits) {
  int64_t value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

absl::Status Invalid(absl::string_view field, std::string description, std::string reason,
                     std::string dutch) {
  return ErrorBuilder(absl::StatusCode::kInvalidArgument, absl::StrCat(field, ": ", description))
      .Violation(std::string(field), std::move(description))
      .Reason(std::move(reason))
      .Dutch(std::move(dutch));
}

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool IsValidDate(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= kDays[month - 1] + ((month == 2 && IsLeap(year)) ? 1 : 0);
}

}  // namespace

absl::StatusOr<Insz> ParseInsz(absl::string_view text, absl::string_view field) {
  const auto invalid = [field](std::string description) {
    return Invalid(field, std::move(description), "INVALID_INSZ",
                   "Het rijksregisternummer of BIS-nummer is ongeldig.");
  };
  std::string digits;
  if (!StripSeparators(text, &digits) || digits.size() != 11) {
    return invalid("must be 11 digits (separators . - / and spaces are allowed)");
  }
  const int64_t base = ToNumber(absl::string_view(digits).substr(0, 9));
  const int64_t check = ToNumber(absl::string_view(digits).substr(9, 2));
  const bool before_2000 = 97 - base % 97 == check;
  const bool from_2000 = 97 - (2000000000 + base) % 97 == check;
  if (!before_2000 && !from_2000) return invalid("check digits do not match");

  const int yy = static_cast<int>(ToNumber(absl::string_view(digits).substr(0, 2)));
  int month = static_cast<int>(ToNumber(absl::string_view(digits).substr(2, 2)));
  const int day = static_cast<int>(ToNumber(absl::string_view(digits).substr(4, 2)));
  const int sequence = static_cast<int>(ToNumber(absl::string_view(digits).substr(6, 3)));
  if (sequence < 1 || sequence > 997) return invalid("the sequence number must be 001-997");

  Insz insz{digits, InszKind::kNationalRegister, 0, Sex::kUnknown};
  bool sex_known = true;
  if (month >= 40) {
    insz.kind = InszKind::kBis;
    month -= 40;
  } else if (month >= 20) {
    insz.kind = InszKind::kBis;
    sex_known = false;
    month -= 20;
  }
  // Month or day 00 means "unknown" for people whose birth date is not (fully) known.
  if (month > 12 || day > 31) return invalid("the birth date part is not a date");
  // Both centuries can match only when 2000000000 is a multiple of 97, which it is not, so the
  // check digits decide the century unambiguously.
  const int year = (from_2000 ? 2000 : 1900) + yy;
  if (month != 0 && day != 0 && !IsValidDate(year, month, day)) {
    return invalid("the birth date part is not a date");
  }
  insz.birth_year = year;
  if (sex_known) insz.sex = sequence % 2 == 1 ? Sex::kMale : Sex::kFemale;
  return insz;
}

std::string MaskInsz(absl::string_view digits) {
  if (digits.size() != 11) return "***********";
  return absl::StrCat(digits.substr(0, 2), ".", digits.substr(2, 2), ".", digits.substr(4, 2),
                      "-***.**");
}

absl::StatusOr<std::string> NormalizeKboNumber(absl::string_view text, absl::string_view field) {
  const auto invalid = [field](std::string description) {
    return Invalid(field, std::move(description), "INVALID_KBO_NUMBER",
                   "Het ondernemingsnummer is ongeldig.");
  };
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  if (absl::StartsWithIgnoreCase(rest, "BE")) rest.remove_prefix(2);
  std::string digits;
  if (!StripSeparators(rest, &digits) || (digits.size() != 9 && digits.size() != 10)) {
    return invalid("must be 10 digits (or an old 9-digit number), optionally prefixed with BE");
  }
  if (digits.size() == 9) digits = "0" + digits;
  if (digits[0] != '0' && digits[0] != '1') return invalid("must start with 0 or 1");
  const int64_t base = ToNumber(absl::string_view(digits).substr(0, 8));
  const int64_t check = ToNumber(absl::string_view(digits).substr(8, 2));
  if (97 - base % 97 != check) return invalid("check digits do not match");
  return digits;
}

absl::StatusOr<std::string> NormalizeInstitutionNumber(absl::string_view text,
                                                       absl::string_view field) {
  std::string digits;
  if (!StripSeparators(absl::StripAsciiWhitespace(text), &digits) || digits.size() != 6) {
    return Invalid(field, "must be 6 digits", "INVALID_INSTITUTION_NUMBER",
                   "Het instellingsnummer moet uit 6 cijfers bestaan.");
  }
  return digits;
}

}  // namespace wse
