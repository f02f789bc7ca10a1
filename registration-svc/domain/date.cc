#include "registration-svc/domain/date.h"

#include "absl/strings/str_format.h"

namespace wse::registration {

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool IsValidDate(const Date& date) {
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (date.year < 1 || date.year > 9999) return false;
  if (date.month < 1 || date.month > 12 || date.day < 1) return false;
  const int days =
      kDaysInMonth[date.month - 1] + (date.month == 2 && IsLeapYear(date.year) ? 1 : 0);
  return date.day <= days;
}

std::string FormatDate(const Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year, date.month, date.day);
}

}  // namespace wse::registration
