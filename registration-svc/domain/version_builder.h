#pragma once
// Assembles an immutable registration version (what the receipt records) from a validated
// draft: participant lines with the warnings shown at confirmation, totals, content hash.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "registration-svc/domain/model.h"
#include "registration-svc/domain/vov_rules.h"

namespace wse::registration {

struct VersionHeader {
  std::string organization_id;
  std::string registration_id;
  int version = 0;
  ReceiptKind kind = ReceiptKind::kSubmission;
  std::string odb_number;
  int school_year = 0;
  std::string submitted_by;
  std::string submitted_by_name;
  std::string organization_name;
  std::string training_title;
  absl::Time submit_time;
  std::string withdraw_reason;
};

// `report` is the validation of `participants` (warnings' participant_index into it); each
// line's counted hours follow `training`'s type under `rules` (CountedHours).
RegistrationVersionRecord BuildVersion(const VersionHeader& header,
                                       const std::vector<ParticipantRecord>& participants,
                                       const ValidationReport& report,
                                       const TrainingFacts& training, const VovRuleConfig& rules);

// The receipt reference of a stored version (year of submission in Belgium + receipt number).
std::string ReferenceOf(const RegistrationVersionRecord& version);

}  // namespace wse::registration
