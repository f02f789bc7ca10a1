#pragma once
// The VOV (Vlaams opleidingsverlof) rules for a registration, as pure functions over plain
// structs: no I/O, no protobuf, so the service, the bulk upload and the tests all apply the same
// rules. Findings are blocking violations or non-blocking warnings with a field path, an
// UPPER_SNAKE reason and a Dutch message for the user (see ../shared/DOMAIN.md).

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "registration-svc/domain/date.h"
#include "registration-svc/domain/school_year.h"

namespace wse::registration {

// Mirrors wse.registration.v1.TrainingType (same numbering).
enum class TrainingType {
  kUnspecified = 0,
  kContactHours = 1,
  kStudyPoints = 2,
  kLestijden = 3,
  kExamBoard = 4,
  kEvc = 5,
};

// Mirrors wse.registration.v1.DeliveryMode (same numbering).
enum class DeliveryMode {
  kUnspecified = 0,
  kClassroom = 1,
  kDistance = 2,
  kBlended = 3,
};

// Mirrors wse.registration.v1.FinalAssessment (same numbering).
enum class FinalAssessment {
  kUnspecified = 0,
  kParticipated = 1,
  kNotParticipated = 2,
  kJustifiedAbsence = 3,
  kNotYetHeld = 4,  // Only for a training that continues after the school year (ContinuesAfter).
};

// What the rules need to know about a training of the opleidingsdatabank.
struct TrainingFacts {
  std::string odb_number;
  std::string provider_organization_id;  // The organization_id, not the resource name.
  TrainingType type = TrainingType::kUnspecified;
  double planned_hours = 0;  // CONTACT_HOURS.
  int study_points = 0;      // STUDY_POINTS.
  int lestijden = 0;         // LESTIJDEN.
  int exam_count = 0;        // EXAM_BOARD.
  int competence_count = 0;  // EVC.
  std::optional<Date> start_date;
  std::optional<Date> end_date;
  std::optional<Date> recognition_start_date;  // Required for a recognised training.
  std::optional<Date> recognition_end_date;    // Unset = open-ended.
  bool postgraduate = false;
  // A regular programme of a university college or CVO (the catalogue says so): like a
  // post-graduate training, exempt from the 10 % unjustified-absence rule.
  bool regular_programme = false;
  DeliveryMode delivery_mode = DeliveryMode::kUnspecified;
  std::vector<std::string> module_codes;  // Empty = the training has no modules.
  std::vector<double> module_hours;       // Per module_codes entry (0: not given).

  // A module's contact hours (0 for an unknown code or none given).
  double HoursOfModule(const std::string& code) const;
};

struct AttendanceInput {
  double hours_present = 0;
  double contact_hours_to_follow = 0;
  double unjustified_absence_hours = 0;
};

struct ParticipationInput {
  bool participated = false;
  std::vector<std::string> completed_module_codes;
};

// One participant's certificate as entered in a draft.
struct ParticipantInput {
  std::string insz;  // As typed; separators allowed.
  // monostate = neither attendance nor participation given yet.
  std::variant<std::monostate, AttendanceInput, ParticipationInput> measurement;
  FinalAssessment final_assessment = FinalAssessment::kUnspecified;
  std::optional<bool> route_completed;  // Unset = not answered.
  std::optional<bool> exam_contract;    // Unset = not answered.
  std::optional<Date> actual_end_date;  // Unset = the training's end date.
};

// The numbers of the rules. Defaults are the stated DOMAIN.md values; those marked "ours" are
// sanity limits of this service, not VOV rules.
struct VovRuleConfig {
  // Not for regular programmes nor post-graduate trainings (TrainingFacts says which).
  double max_unjustified_absence_fraction = 0.10;
  double max_hours = 10000;  // Ours: any hours value above this is a typo.
  double hours_per_study_point = 4;
  double hours_per_exam = 8;
  double hours_per_competence = 16;
  double min_training_contact_hours = 32;
  int min_training_lestijden = 32;
  int min_training_study_points = 3;
  // Ours: the proto says final assessment, route completed and exam contract are required before
  // confirm; when true their absence blocks.
  bool require_answers = true;
};

// A finding. For participant findings `field` is the full path ("participants[3].insz") and
// `participant_index` the index into the input; -1 for training-level findings.
struct Violation {
  std::string field;
  std::string reason;
  std::string description;  // Dutch, for the user.
  int participant_index = -1;

  friend bool operator==(const Violation&, const Violation&) = default;
};

struct ValidationReport {
  std::vector<Violation> violations;  // Blocking: the registration cannot be confirmed.
  std::vector<Violation> warnings;    // Shown, not blocking (e.g. refused for payment).

  bool ok() const { return violations.empty(); }
};

// Whether the training's run goes on after 31 August of `school_year`: its final assessment,
// route and exam contract may then not be known yet (the next school year's registration records
// them), which is neither missing nor refused for payment.
bool ContinuesAfter(const TrainingFacts& training, const SchoolYear& school_year);

// Whether hours of `training` can count in `school_year` (the training-level rule, applied when a
// draft is made and again at every validation): its run (start to end date) must reach into the
// school year (TRAINING_NOT_RUNNING_IN_SCHOOL_YEAR), and its recognition must cover the whole part
// of the run in that year (TRAINING_NOT_RECOGNIZED): a recognition that ends on 1 October does
// not cover a run to June. Without a start or end date the run is taken to fill the year. The
// finding's field is `field`.
std::optional<Violation> SchoolYearFinding(const TrainingFacts& training,
                                           const SchoolYear& school_year,
                                           const std::string& field = "training");

// School years can be registered up to the one after the current one (`today`'s): a later one is
// a typo (SCHOOL_YEAR_TOO_FAR_AHEAD).
std::optional<Violation> SchoolYearReachableFinding(const SchoolYear& school_year,
                                                    const Date& today,
                                                    const std::string& field = "school_year");

// Checks a registration of `participants` for `training` in `school_year` by the organisation
// `organization_id`. Linear in the number of participants.
ValidationReport ValidateRegistration(const TrainingFacts& training, const SchoolYear& school_year,
                                      const std::string& organization_id,
                                      const std::vector<ParticipantInput>& participants,
                                      const VovRuleConfig& config = VovRuleConfig());

// The volume of the whole training in hours, by type: contact hours = the planned hours; study
// points = 4 h per point; lestijden = the planned lestijden; exam board = 8 h per exam; EVC = 16 h
// per competence; unspecified = 0 (Training.recognized_hours).
double VolumeHours(const TrainingFacts& training, const VovRuleConfig& config = VovRuleConfig());

// The hours one certificate counts for in `school_year`, what an employer holds against the
// 125-hour yearly maximum (docs/vov-rules.md), to two decimals:
//   - nothing without a measurement, with 0 hours present, or when the participant did not take
//     part;
//   - contact hours with attendance: the hours present;
//   - contact hours with participation (distance, blended): the contact hours of the modules
//     completed, each once (a training without modules: its planned hours, as below);
//   - otherwise the training's volume (VolumeHours), shared over the school years its run touches
//     in proportion to its days in each, so a training registered in two years counts its volume
//     once in all.
double CountedHours(const TrainingFacts& training, const SchoolYear& school_year,
                    const ParticipantInput& participant,
                    const VovRuleConfig& config = VovRuleConfig());

// Whether an import that does not say so means a regular programme: what the ODB number's prefix
// meant before the attribute existed (ODB-X / ODB-Y, compared in capitals), so a re-import
// written for the earlier contract keeps the training's exemption.
bool LegacyRegularProgramme(const std::string& odb_number);

// Hours as a Dutch reader writes them, to two decimals at most: "12,5", "8", "0,25".
std::string DutchHours(double hours);

// Checks a training for the catalogue import: required facts present, dates valid and ordered,
// and the minimum volume of a recognised training (32 contact hours, 32 lestijden or 3 study
// points; at least one exam or competence). Paths are `path` + "." + field, e.g.
// "trainings[2].planned_hours".
std::vector<Violation> ValidateTraining(const TrainingFacts& training, const std::string& path,
                                        const VovRuleConfig& config = VovRuleConfig());

}  // namespace wse::registration
