#pragma once
// Belgian local time for what people read: receipt years and times in mails. Falls back to UTC
// when the zone data (tzdata) is missing, rather than failing a confirmation over a label.

#include <string>

#include "absl/time/time.h"
#include "registration-svc/domain/date.h"

namespace wse::registration {

const absl::TimeZone& BelgianZone();

// "28-11-2026 om 23:41".
std::string BelgianTime(absl::Time time);

// The calendar date in Belgium at `time` (which school year it is).
Date BelgianDate(absl::Time time);
// The calendar year in Belgium at `time` (the year of a receipt reference).
int BelgianYear(absl::Time time);

}  // namespace wse::registration
