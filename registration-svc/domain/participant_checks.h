#pragma once
// What a draft refuses at the door (AddParticipant, UpdateParticipant, UploadParticipants):
// malformed values only. Drafts accept incomplete data; the business rules (vov_rules.h) are
// reported by ValidateDraft. Findings are relative to the participant ("insz",
// "attendance.hours_present", "participation.completed_module_codes[2]", ...).

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "registration-svc/domain/vov_rules.h"

namespace wse::registration {

inline constexpr size_t kMaxDisplayNameLength = 200;

struct MalformedCheck {
  const absl::flat_hash_set<std::string>* module_codes = nullptr;  // The training's modules.
  double max_hours = VovRuleConfig().max_hours;
};

// Checks the participant's values; on success normalises `participant->input.insz` to its 11
// digits. `display_name` is checked too (length, no control characters).
std::vector<Violation> CheckParticipantValues(ParticipantInput* participant,
                                              const std::string& display_name,
                                              const MalformedCheck& check);

// True for a number of hours with at most two decimals (what the forms allow).
bool HasAtMostTwoDecimals(double hours);

}  // namespace wse::registration
