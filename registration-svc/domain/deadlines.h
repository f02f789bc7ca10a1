#pragma once
// Until when a school year's registrations may be made and corrected, when the windows after
// 31 August are configured (--registration_window, --correction_window), and how the screen and
// the receipt say so.

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace wse::registration {

struct Deadlines {
  std::optional<absl::Time> registration;  // Registering and confirming end at this instant.
  std::optional<absl::Time> correction;    // Correcting and withdrawing end at this instant.
};

Deadlines DeadlinesFor(int school_year, const std::optional<absl::Duration>& registration_window,
                       const std::optional<absl::Duration>& correction_window);

struct OpenSchoolYear {
  int school_year = 0;  // First calendar year, e.g. 2025 for 2025-2026.
  absl::Time deadline;
};

// The school years a registration can be made for at `now` under a window, oldest first: the
// previous one while its window runs, and the current one. Empty without a window.
std::vector<OpenSchoolYear> OpenForRegistration(absl::Time now,
                                                const std::optional<absl::Duration>& window);

// The last day before `deadline` in Belgium, in Dutch: "31 oktober 2026".
std::string LastDayInDutch(absl::Time deadline);

}  // namespace wse::registration
