#include "registration-svc/domain/deadlines.h"

#include "absl/strings/str_cat.h"
#include "registration-svc/domain/belgian_time.h"
#include "registration-svc/domain/school_year.h"

namespace wse::registration {

namespace {

// A window counts on Belgian wall-clock time: 61 days after 1 September 00:00 is 1 November
// 00:00, whichever side of the end of summer time it falls.
absl::Time AfterSchoolYear(int school_year, absl::Duration window) {
  const absl::CivilSecond end(school_year + 1, 9, 1, 0, 0, 0);
  return absl::FromCivil(end + absl::ToInt64Seconds(window), BelgianZone());
}

}  // namespace

Deadlines DeadlinesFor(int school_year, const std::optional<absl::Duration>& registration_window,
                       const std::optional<absl::Duration>& correction_window) {
  Deadlines deadlines;
  if (registration_window) {
    deadlines.registration = AfterSchoolYear(school_year, *registration_window);
  }
  if (correction_window) deadlines.correction = AfterSchoolYear(school_year, *correction_window);
  return deadlines;
}

std::vector<OpenSchoolYear> OpenForRegistration(absl::Time now,
                                                const std::optional<absl::Duration>& window) {
  std::vector<OpenSchoolYear> open;
  if (!window) return open;
  const int current = SchoolYear::Of(BelgianDate(now)).first_year();
  for (int year : {current - 1, current}) {
    const absl::Time deadline = AfterSchoolYear(year, *window);
    if (now < deadline) open.push_back({year, deadline});
  }
  return open;
}

std::string LastDayInDutch(absl::Time deadline) {
  static constexpr const char* kMonths[] = {"januari",   "februari", "maart",    "april",
                                            "mei",       "juni",     "juli",     "augustus",
                                            "september", "oktober",  "november", "december"};
  const Date day = BelgianDate(deadline - absl::Microseconds(1));
  return absl::StrCat(day.day, " ", kMonths[day.month - 1], " ", day.year);
}

}  // namespace wse::registration
