#pragma once
// The VOV school year: 1 September of year Y to 31 August of Y+1, written "2025-2026".
// Registrations are per participant per training per school year, so this is the period every
// date rule is checked against.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "registration-svc/domain/date.h"

namespace wse::registration {

class SchoolYear {
 public:
  // Years accepted from users; wider values are typos, not real registrations.
  static constexpr int kMinYear = 2000;
  static constexpr int kMaxYear = 2100;

  // Parses "2025-2026". INVALID_ARGUMENT (reason INVALID_SCHOOL_YEAR) with a field violation on
  // `field` when the form is wrong, the second year is not the first + 1, or a year lies outside
  // kMinYear-kMaxYear.
  static absl::StatusOr<SchoolYear> Parse(absl::string_view text,
                                          absl::string_view field = "school_year");

  // The school year a (valid) date falls in: September-December belong to the year starting then.
  static SchoolYear Of(const Date& date);

  // The school year starting 1 September of `first_year` (no range check; for code, not users).
  static SchoolYear StartingIn(int first_year) { return SchoolYear(first_year); }

  int first_year() const { return first_year_; }
  Date start() const { return Date{first_year_, 9, 1}; }
  Date end() const { return Date{first_year_ + 1, 8, 31}; }
  bool contains(const Date& date) const { return start() <= date && date <= end(); }

  // "2025-2026".
  std::string ToString() const;

  friend bool operator==(const SchoolYear&, const SchoolYear&) = default;

 private:
  explicit SchoolYear(int first_year) : first_year_(first_year) {}

  int first_year_;
};

}  // namespace wse::registration
