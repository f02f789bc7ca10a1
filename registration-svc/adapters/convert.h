#pragma once
// Protobuf <-> domain conversion for the registration API. Conversions from requests never
// fail: what cannot be represented (an unknown enum value, an invalid date) is reported as a
// Violation with a path relative to the converted message, for the caller to prefix.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "registration-svc/domain/registration_manager.h"
#include "wse/registration/v1/registration_service.pb.h"

namespace wse::registration {

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out);

v1::Date DateToProto(const Date& date);

// `path` prefixes the problems' fields, e.g. "trainings[3]".
TrainingImportItem TrainingFromProto(const v1::Training& in, const std::string& path);
v1::Training TrainingToProto(const TrainingRecord& training, const VovRuleConfig& rules);
// The hours a training is recognised for (Training.recognized_hours).
double RecognizedHours(const TrainingFacts& training, const VovRuleConfig& rules);

// Problems' fields are relative to the participant ("insz", "final_assessment", ...).
ParticipantRecord ParticipantFromProto(const v1::Participant& in, std::vector<Violation>* problems);
// `draft_name` empty: a participant inside a registration (no resource name).
v1::Participant ParticipantToProto(const ParticipantRecord& p, const std::string& draft_name);

v1::Draft DraftToProto(const DraftRecord& draft,
                       const std::vector<ParticipantRecord>* participants);

v1::Registration RegistrationToProto(const RegistrationView& view, bool with_participants);
// With the school year's deadlines when they are configured (not part of the hashed content).
v1::Receipt ReceiptToProto(const RegistrationVersionRecord& version,
                           const Deadlines& deadlines = {});

// Report findings as API violations: a finding on participants[i] names that participant (its
// resource name in `draft_name`) and gets a path relative to it.
v1::Violation ViolationToProto(const Violation& v,
                               const std::vector<ParticipantRecord>& participants,
                               const std::string& draft_name);

}  // namespace wse::registration
