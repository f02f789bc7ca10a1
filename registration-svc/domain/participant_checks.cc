#include "registration-svc/domain/participant_checks.h"

#include <cmath>
#include <variant>

#include "absl/strings/str_cat.h"
#include "common/identifiers.h"
#include "common/status.h"

namespace wse::registration {
namespace {

void Add(std::vector<Violation>* out, std::string field, std::string reason,
         std::string description) {
  Violation v;
  v.field = std::move(field);
  v.reason = std::move(reason);
  v.description = std::move(description);
  out->push_back(std::move(v));
}

void CheckHours(std::vector<Violation>* out, absl::string_view field, double hours,
                const MalformedCheck& check) {
  // NaN fails every comparison, so it lands here too.
  if (!(hours >= 0 && hours <= check.max_hours)) {
    Add(out, std::string(field), "INVALID_HOURS",
        absl::StrCat("Het aantal uren moet een getal tussen 0 en ", check.max_hours, " zijn."));
  } else if (!HasAtMostTwoDecimals(hours)) {
    Add(out, std::string(field), "INVALID_HOURS",
        "Het aantal uren heeft hoogstens twee cijfers na de komma.");
  }
}

// Printable text only: control characters in a name are a client bug or an attack on the
// receipt and the mails that show it.
bool PrintableText(absl::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return true;
}

}  // namespace

bool HasAtMostTwoDecimals(double hours) {
  const double cents = hours * 100;
  return std::fabs(cents - std::round(cents)) < 1e-6;
}

std::vector<Violation> CheckParticipantValues(ParticipantInput* participant,
                                              const std::string& display_name,
                                              const MalformedCheck& check) {
  std::vector<Violation> out;
  auto insz = ParseInsz(participant->insz, "insz");
  if (!insz.ok()) {
    std::string dutch = DutchMessageOf(insz.status());
    Add(&out, "insz", "INVALID_INSZ", dutch.empty() ? "Het INSZ-nummer is ongeldig." : dutch);
  } else {
    participant->insz = insz->digits;
  }
  if (display_name.size() > kMaxDisplayNameLength || !PrintableText(display_name)) {
    Add(&out, "display_name", "INVALID_TEXT",
        absl::StrCat("De naam heeft hoogstens ", kMaxDisplayNameLength,
                     " tekens, zonder regeleinden of stuurtekens."));
  }
  if (const auto* attendance = std::get_if<AttendanceInput>(&participant->measurement)) {
    CheckHours(&out, "attendance.hours_present", attendance->hours_present, check);
    CheckHours(&out, "attendance.contact_hours_to_follow", attendance->contact_hours_to_follow,
               check);
    CheckHours(&out, "attendance.unjustified_absence_hours", attendance->unjustified_absence_hours,
               check);
  } else if (const auto* participation =
                 std::get_if<ParticipationInput>(&participant->measurement)) {
    const auto& codes = participation->completed_module_codes;
    for (size_t i = 0; i < codes.size(); ++i) {
      if (check.module_codes == nullptr || !check.module_codes->contains(codes[i])) {
        Add(&out, absl::StrCat("participation.completed_module_codes[", i, "]"), "UNKNOWN_MODULE",
            absl::StrCat("De module '", codes[i].substr(0, 40),
                         "' hoort niet bij deze opleiding."));
      }
    }
  }
  if (participant->actual_end_date && !IsValidDate(*participant->actual_end_date)) {
    Add(&out, "actual_end_date", "INVALID_DATE", "De werkelijke einddatum is geen geldige datum.");
  }
  return out;
}

}  // namespace wse::registration
