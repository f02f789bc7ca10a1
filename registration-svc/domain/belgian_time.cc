#include "registration-svc/domain/belgian_time.h"

namespace wse::registration {

const absl::TimeZone& BelgianZone() {
  static const absl::TimeZone zone = [] {
    absl::TimeZone tz;
    return absl::LoadTimeZone("Europe/Brussels", &tz) ? tz : absl::UTCTimeZone();
  }();
  return zone;
}

std::string BelgianTime(absl::Time time) {
  return absl::FormatTime("%d-%m-%Y om %H:%M", time, BelgianZone());
}

Date BelgianDate(absl::Time time) {
  const absl::CivilDay day = absl::ToCivilDay(time, BelgianZone());
  return Date{static_cast<int>(day.year()), day.month(), day.day()};
}

int BelgianYear(absl::Time time) {
  return static_cast<int>(absl::ToCivilYear(time, BelgianZone()).year());
}

}  // namespace wse::registration
