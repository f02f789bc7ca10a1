#pragma once
// The ontvangstbevestiging's computed parts: the human-readable reference and the content hash
// a provider can recompute from what they submitted.
//
// Reference: "VOV-{year}-{number, at least 6 digits}-{check letter}". The check letter is the
// weighted sum of the digits of year and number (weight = position from the right, 1-based)
// modulo 23, as a letter of kCheckLetters: distinct weights below the prime 23 catch every
// single mistyped digit and every swap of two neighbouring digits.
//
// Content hash (format kReceiptContentFormat): lowercase hex SHA-256 of the RFC 8785 (JCS)
// canonical JSON of
//   {"content_format", "kind", "organization", "participants", "school_year", "training",
//    "version", "withdraw_reason" (withdrawals only)}
// with participants sorted by INSZ, each
//   {"actual_end_date": "YYYY-MM-DD"?, "attendance": {"contact_hours_to_follow",
//    "hours_present", "unjustified_absence_hours"}? | "participation": {"completed_module_codes",
//    "participated"}?, "exam_contract"?, "final_assessment": "PARTICIPATED" | "NOT_PARTICIPATED"
//    | "JUSTIFIED_ABSENCE" | "NOT_YET_HELD" | "UNSPECIFIED", "insz": 11 digits,
//    "route_completed"?}
// ("?" = omitted when not given). Hours are numbers with at most two decimals, printed in the
// shortest form (40, 12.5, 0.25), as JCS prescribes for numbers in this range. Format v2 adds
// "counted_hours" (a number) to each participant; the document's "content_format" is the
// version's own.

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "registration-svc/domain/model.h"

namespace wse::registration {

// Versions confirmed now carry v2 (each participant also has "counted_hours"); versions stored
// with v1 keep their v1 content and hash.
inline constexpr char kReceiptContentFormatV1[] = "wse.vov.receipt.v1";
inline constexpr char kReceiptContentFormat[] = "wse.vov.receipt.v2";
inline constexpr char kCheckLetters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";  // 23: no I, O, Q.

std::string ReceiptReference(int year, int64_t number);

// True when `reference` is well formed and its check letter matches.
bool ValidReceiptReference(absl::string_view reference);

// The canonical JSON described above (exposed so tests and docs can show it).
std::string ReceiptCanonicalContent(const RegistrationVersionRecord& version);

// Lowercase hex SHA-256 of ReceiptCanonicalContent(version).
std::string ReceiptContentSha256(const RegistrationVersionRecord& version);

}  // namespace wse::registration
