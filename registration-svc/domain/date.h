#pragma once
// A calendar date without time zone (Belgian local date), the domain twin of
// wse.registration.v1.Date. Kept as a plain value so the rules need no protobuf or time zone.

#include <compare>
#include <string>

namespace wse::registration {

struct Date {
  int year = 0;
  int month = 0;  // 1-12.
  int day = 0;    // 1-31, valid for the month.

  // Member order is year, month, day, so the defaulted comparison is chronological.
  friend auto operator<=>(const Date&, const Date&) = default;
};

bool IsLeapYear(int year);

// True for a real Gregorian date (29 February only in leap years), years 1-9999.
bool IsValidDate(const Date& date);

// ISO 8601, "2025-09-01"; for logs and messages.
std::string FormatDate(const Date& date);

}  // namespace wse::registration
