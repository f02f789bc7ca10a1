#pragma once
// The identifiers of persons and organisations, validated exactly and normalised:
// - INSZ (rijksregisternummer or BIS-nummer): 11 digits YYMMDD XXX CC; CC = 97 - (first 9 digits
//   mod 97), for births from 2000 on computed on 2 followed by the 9 digits. BIS numbers add 20
//   (sex unknown) or 40 (sex known) to the month.
// - KBO enterprise number (ondernemingsnummer): 10 digits starting with 0 or 1; the last two are
//   97 - (first 8 digits mod 97). Old 9-digit numbers get a leading 0; "BE", dots and spaces go.
// - Instellingsnummer of a school: 6 digits (no checksum is known).
// Errors are INVALID_ARGUMENT with a field violation on the given field path.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wse {

enum class InszKind { kNationalRegister, kBis };
enum class Sex { kUnknown, kMale, kFemale };

struct Insz {
  std::string digits;  // 11 digits, no separators.
  InszKind kind;
  int birth_year;  // Four digits (century from the check digits); 0 if unknown.
  Sex sex;
};

absl::StatusOr<Insz> ParseInsz(absl::string_view text, absl::string_view field = "insz");

// "85.07.30-033.28" style masking for display: only the birth date part stays visible.
std::string MaskInsz(absl::string_view digits);

absl::StatusOr<std::string> NormalizeKboNumber(absl::string_view text,
                                               absl::string_view field = "kbo_number");

absl::StatusOr<std::string> NormalizeInstitutionNumber(
    absl::string_view text, absl::string_view field = "institution_number");

}  // namespace wse
