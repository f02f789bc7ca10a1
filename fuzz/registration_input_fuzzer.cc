// registration-svc's request validation over arbitrary bytes parsed as protos: participants
// (AddParticipant / UpdateParticipant / upload rows) through ParticipantFromProto, the door checks
// (participant_checks.h) and the VOV rules (ValidateRegistration) against trainings of every type;
// and trainings (BatchImportTrainings) through TrainingFromProto and ValidateTraining.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "common/identifiers.h"
#include "fuzz/fuzz_check.h"
#include "registration-svc/adapters/convert.h"
#include "registration-svc/domain/participant_checks.h"
#include "registration-svc/domain/vov_rules.h"

namespace {

using namespace wse::registration;  // NOLINT
namespace v1 = wse::registration::v1;

TrainingFacts TrainingOfType(int type) {
  TrainingFacts t;
  t.odb_number = type % 2 == 0 ? "ODB-Y000123" : "ODB-T000001";
  t.provider_organization_id = "org1";
  t.type = static_cast<TrainingType>(type % 6);
  t.planned_hours = 120;
  t.study_points = 6;
  t.lestijden = 120;
  t.exam_count = 2;
  t.competence_count = 3;
  t.start_date = Date{2025, 9, 15};
  t.end_date = Date{2026, 6, 30};
  t.recognition_start_date = Date{2020, 9, 1};
  t.delivery_mode = DeliveryMode::kClassroom;
  if (type % 3 == 0) t.module_codes = {"M1", "M2"};
  return t;
}

// Converts and checks one participant as AddParticipant does; true when it would be stored.
bool Admit(const v1::Participant& in, const MalformedCheck& check, ParticipantRecord* out) {
  std::vector<Violation> problems;
  *out = ParticipantFromProto(in, &problems);
  for (const Violation& v : problems) FUZZ_CHECK(!v.field.empty() && !v.reason.empty());
  if (!problems.empty()) return false;
  std::vector<Violation> malformed = CheckParticipantValues(&out->input, out->display_name, check);
  for (const Violation& v : malformed) FUZZ_CHECK(!v.field.empty() && !v.reason.empty());
  if (!malformed.empty()) return false;
  // Admitted: a normalised INSZ (if any) and hours that are real numbers.
  if (!out->input.insz.empty()) {
    FUZZ_CHECK(out->input.insz.size() == 11 && wse::ParseInsz(out->input.insz).ok());
  }
  if (const auto* a = std::get_if<AttendanceInput>(&out->input.measurement)) {
    for (double h : {a->hours_present, a->contact_hours_to_follow, a->unjustified_absence_hours}) {
      FUZZ_CHECK(std::isfinite(h) && h >= 0 && h <= check.max_hours);
    }
  }
  FUZZ_CHECK(out->display_name.size() <= kMaxDisplayNameLength * 4);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int mode = data[0] % 3;
  const int training_type = data[1];
  const uint8_t* body = data + 2;
  const int body_size = static_cast<int>(size - 2);
  const absl::flat_hash_set<std::string> modules = {"M1", "M2"};
  MalformedCheck check;
  check.module_codes = &modules;
  const TrainingFacts training = TrainingOfType(training_type);
  const SchoolYear year = SchoolYear::StartingIn(2025);

  switch (mode) {
    case 0: {  // One participant.
      v1::Participant in;
      if (!in.ParseFromArray(body, body_size)) return 0;
      ParticipantRecord record;
      if (!Admit(in, check, &record)) return 0;
      const ValidationReport report = ValidateRegistration(training, year, "org1", {record.input});
      for (const Violation& v : report.violations) FUZZ_CHECK(v.participant_index <= 0);
      const double hours = CountedHours(training, year, record.input);
      FUZZ_CHECK(std::isfinite(hours) && hours >= 0);
      const v1::Participant shown = ParticipantToProto(record, "organizations/o/drafts/d");
      FUZZ_CHECK(shown.insz().empty());  // Input only: never shown back.
      break;
    }
    case 1: {  // A batch of upload rows, validated together (duplicates, totals).
      v1::ParticipantRowBatch batch;
      if (!batch.ParseFromArray(body, body_size) || batch.rows_size() > 200) return 0;
      std::vector<ParticipantInput> admitted;
      for (const auto& row : batch.rows()) {
        ParticipantRecord record;
        if (Admit(row.participant(), check, &record)) admitted.push_back(record.input);
      }
      const ValidationReport report = ValidateRegistration(training, year, "org1", admitted);
      for (const Violation& v : report.violations) {
        FUZZ_CHECK(v.participant_index < static_cast<int>(admitted.size()));
      }
      break;
    }
    default: {  // A training of the catalogue import.
      v1::Training in;
      if (!in.ParseFromArray(body, body_size)) return 0;
      TrainingImportItem item = TrainingFromProto(in, "trainings[0]");
      std::vector<Violation> found = ValidateTraining(item.training.facts, "trainings[0]");
      for (const Violation& v : found) FUZZ_CHECK(v.field.rfind("trainings[0]", 0) == 0);
      if (item.problems.empty() && found.empty()) {
        const v1::Training shown = TrainingToProto(item.training, VovRuleConfig());
        FUZZ_CHECK(std::isfinite(shown.recognized_hours()) && shown.recognized_hours() >= 0);
      }
      break;
    }
  }
  return 0;
}
