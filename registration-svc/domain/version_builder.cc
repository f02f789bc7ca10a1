#include "registration-svc/domain/version_builder.h"

#include <variant>

#include "registration-svc/domain/belgian_time.h"
#include "registration-svc/domain/receipt.h"

namespace wse::registration {

RegistrationVersionRecord BuildVersion(const VersionHeader& header,
                                       const std::vector<ParticipantRecord>& participants,
                                       const ValidationReport& report,
                                       const TrainingFacts& training, const VovRuleConfig& rules) {
  RegistrationVersionRecord v;
  v.registration_id = header.registration_id;
  v.organization_id = header.organization_id;
  v.version = header.version;
  v.kind = header.kind;
  v.odb_number = header.odb_number;
  v.school_year = header.school_year;
  v.submitted_by = header.submitted_by;
  v.submitted_by_name = header.submitted_by_name;
  v.organization_name = header.organization_name;
  v.training_title = header.training_title;
  v.submit_time = absl::FromUnixMicros(absl::ToUnixMicros(header.submit_time));  // As stored.
  v.withdraw_reason = header.withdraw_reason;
  v.content_format = kReceiptContentFormat;

  v.participants.resize(participants.size());
  for (size_t i = 0; i < participants.size(); ++i) {
    v.participants[i].display_name = participants[i].display_name;
    v.participants[i].input = participants[i].input;
    v.participants[i].counted_hours = CountedHours(
        training, SchoolYear::StartingIn(header.school_year), participants[i].input, rules);
  }
  for (const Violation& w : report.warnings) {
    if (w.participant_index >= 0 &&
        static_cast<size_t>(w.participant_index) < participants.size()) {
      v.participants[static_cast<size_t>(w.participant_index)].warning_reasons.push_back(w.reason);
    }
  }
  ParticipantsSummary& s = v.summary;
  for (const RegisteredParticipant& p : v.participants) {
    s.participant_count += 1;
    if (const auto* a = std::get_if<AttendanceInput>(&p.input.measurement)) {
      s.attendance_count += 1;
      s.total_hours_present += a->hours_present;
    } else if (std::holds_alternative<ParticipationInput>(p.input.measurement)) {
      s.participation_count += 1;
    }
    if (!p.warning_reasons.empty()) s.warning_count += 1;
  }
  v.content_sha256 = ReceiptContentSha256(v);
  return v;
}

std::string ReferenceOf(const RegistrationVersionRecord& version) {
  return ReceiptReference(BelgianYear(version.submit_time), version.receipt_number);
}

}  // namespace wse::registration
