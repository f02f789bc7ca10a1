#include "registration-svc/domain/vov_rules.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wse::registration {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kOrg[] = "org-1";
const SchoolYear kYear = SchoolYear::StartingIn(2025);

// A valid INSZ (born 19YY) with the given birth date and sequence number.
std::string MakeInsz(int yy, int month, int day, int sequence) {
  const long long base = yy * 10000000LL + month * 100000LL + day * 1000LL + sequence;
  return absl::StrFormat("%09d%02d", base, 97 - base % 97);
}

TrainingFacts ClassroomTraining() {
  TrainingFacts training;
  training.odb_number = "ODB-12345";
  training.provider_organization_id = kOrg;
  training.type = TrainingType::kContactHours;
  training.planned_hours = 40;
  training.start_date = Date{2025, 9, 15};
  training.end_date = Date{2026, 6, 30};
  training.recognition_start_date = Date{2024, 9, 1};
  training.delivery_mode = DeliveryMode::kClassroom;
  return training;
}

TrainingFacts DistanceTraining() {
  TrainingFacts training = ClassroomTraining();
  training.delivery_mode = DeliveryMode::kDistance;
  training.module_codes = {"M1", "M2"};
  return training;
}

ParticipantInput Attending(std::string insz = "85073003328", double present = 36,
                           double contact = 40, double unjustified = 2) {
  ParticipantInput participant;
  participant.insz = std::move(insz);
  participant.measurement = AttendanceInput{present, contact, unjustified};
  participant.final_assessment = FinalAssessment::kParticipated;
  participant.route_completed = true;
  participant.exam_contract = false;
  return participant;
}

ParticipantInput Participating(std::string insz = "85073003328") {
  ParticipantInput participant = Attending(std::move(insz));
  participant.measurement = ParticipationInput{true, {"M1"}};
  return participant;
}

ValidationReport Validate(const TrainingFacts& training, std::vector<ParticipantInput> participants,
                          const VovRuleConfig& config = VovRuleConfig()) {
  return ValidateRegistration(training, kYear, kOrg, participants, config);
}

ValidationReport ValidateOne(const ParticipantInput& participant,
                             const TrainingFacts& training = ClassroomTraining()) {
  return Validate(training, {participant});
}

auto Finding(const std::string& field, const std::string& reason) {
  return testing::AllOf(Field(&Violation::field, field), Field(&Violation::reason, reason));
}

// ---- The happy paths ----

TEST(ValidateRegistrationTest, ValidAttendanceHasNoFindings) {
  const ValidationReport report = ValidateOne(Attending());
  EXPECT_TRUE(report.ok());
  EXPECT_THAT(report.violations, IsEmpty());
  EXPECT_THAT(report.warnings, IsEmpty());
}

TEST(ValidateRegistrationTest, ValidParticipationHasNoFindings) {
  const ValidationReport report = ValidateOne(Participating(), DistanceTraining());
  EXPECT_THAT(report.violations, IsEmpty());
  EXPECT_THAT(report.warnings, IsEmpty());
}

TEST(ValidateRegistrationTest, EmptyRegistrationOfAValidTrainingIsOk) {
  EXPECT_TRUE(Validate(ClassroomTraining(), {}).ok());
}

TEST(ValidateRegistrationTest, FindingsCarryDutchDescriptionAndIndex) {
  const ValidationReport report =
      Validate(ClassroomTraining(), {Attending(), Attending("85073003329")});
  ASSERT_EQ(report.violations.size(), 1u);
  EXPECT_EQ(report.violations[0].participant_index, 1);
  EXPECT_THAT(report.violations[0].description, HasSubstr("ongeldig"));
}

// ---- INSZ ----

TEST(ValidateRegistrationTest, InvalidInsz) {
  for (const char* bad : {"85073003329", "", "1234567890", "850730033280", "85.07.30-033.2x",
                          "85073099928" /* sequence 999 */}) {
    const ValidationReport report = ValidateOne(Attending(bad));
    EXPECT_THAT(report.violations, ElementsAre(Finding("participants[0].insz", "INVALID_INSZ")))
        << bad;
  }
}

TEST(ValidateRegistrationTest, InszWithSeparatorsAndBisNumbersAreValid) {
  for (const char* good :
       {"85.07.30-033.28", "85 07 30 033 28", "85473003416", "00022900244", "01020300467"}) {
    EXPECT_TRUE(ValidateOne(Attending(good)).ok()) << good;
  }
}

TEST(ValidateRegistrationTest, DuplicateParticipantMarksTheLaterOnes) {
  const ValidationReport report =
      Validate(ClassroomTraining(), {Attending("85073003328"), Attending("01020300467"),
                                     Attending("85.07.30-033.28"), Attending("85073003328")});
  EXPECT_THAT(report.violations,
              ElementsAre(Finding("participants[2].insz", "DUPLICATE_PARTICIPANT"),
                          Finding("participants[3].insz", "DUPLICATE_PARTICIPANT")));
}

TEST(ValidateRegistrationTest, InvalidInszIsNotADuplicate) {
  const ValidationReport report =
      Validate(ClassroomTraining(), {Attending("85073003329"), Attending("85073003329")});
  EXPECT_THAT(report.violations, ElementsAre(Finding("participants[0].insz", "INVALID_INSZ"),
                                             Finding("participants[1].insz", "INVALID_INSZ")));
}

// ---- Hours ----

TEST(ValidateRegistrationTest, HoursOutOfRange) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {-1.0, -0.01, nan, inf, -inf, 10000.01, 1e12}) {
    EXPECT_THAT(ValidateOne(Attending("85073003328", bad, 40, 0)).violations,
                ElementsAre(Finding("participants[0].attendance.hours_present", "INVALID_HOURS")))
        << bad;
    EXPECT_THAT(
        ValidateOne(Attending("85073003328", 10, bad, 0)).violations,
        ElementsAre(Finding("participants[0].attendance.contact_hours_to_follow", "INVALID_HOURS")))
        << bad;
    EXPECT_THAT(ValidateOne(Attending("85073003328", 10, 40, bad)).violations,
                ElementsAre(Finding("participants[0].attendance.unjustified_absence_hours",
                                    "INVALID_HOURS")))
        << bad;
  }
}

TEST(ValidateRegistrationTest, HoursAtTheLimitsAreValid) {
  EXPECT_TRUE(ValidateOne(Attending("85073003328", 10000, 10000, 0)).ok());
  EXPECT_TRUE(ValidateOne(Attending("85073003328", 0.01, 0.01, 0)).ok());
}

TEST(ValidateRegistrationTest, MaxHoursIsConfigurable) {
  VovRuleConfig config;
  config.max_hours = 100;
  EXPECT_THAT(
      Validate(ClassroomTraining(), {Attending("85073003328", 50, 150, 0)}, config).violations,
      ElementsAre(Finding("participants[0].attendance.contact_hours_to_follow", "INVALID_HOURS")));
}

TEST(ValidateRegistrationTest, HoursPresentAboveContactHours) {
  EXPECT_THAT(ValidateOne(Attending("85073003328", 40.5, 40, 0)).violations,
              ElementsAre(Finding("participants[0].attendance.hours_present",
                                  "HOURS_PRESENT_EXCEED_CONTACT_HOURS")));
  EXPECT_TRUE(ValidateOne(Attending("85073003328", 40, 40, 0)).ok());
}

TEST(ValidateRegistrationTest, UnjustifiedAbsenceAboveContactHours) {
  const ValidationReport report = ValidateOne(Attending("85073003328", 10, 40, 41));
  EXPECT_THAT(report.violations, ElementsAre(Finding("participants[0].attendance."
                                                     "unjustified_absence_hours",
                                                     "UNJUSTIFIED_ABSENCE_EXCEED_CONTACT_HOURS")));
  // Not also the 10 % warning: the blocking finding says it all.
  EXPECT_THAT(report.warnings, IsEmpty());
}

// Hours present and unjustified absence together may not exceed the contact hours to follow;
// both fields are named, as either may be the wrong one.
TEST(ValidateRegistrationTest, HoursPresentAndAbsenceTogetherWithinContactHours) {
  EXPECT_TRUE(ValidateOne(Attending("85073003328", 36, 40, 4)).ok()) << "exactly the contact hours";
  EXPECT_TRUE(ValidateOne(Attending("85073003328", 35.75, 40, 4.25)).ok());
  const ValidationReport report = ValidateOne(Attending("85073003328", 36, 40, 4.01));
  EXPECT_THAT(
      report.violations,
      ElementsAre(Finding("participants[0].attendance.hours_present", "HOURS_EXCEED_CONTACT_HOURS"),
                  Finding("participants[0].attendance.unjustified_absence_hours",
                          "HOURS_EXCEED_CONTACT_HOURS")));
  EXPECT_EQ(report.violations[0].description,
            "De aanwezige uren (36) en de ongewettigde afwezigheid (4,01) zijn samen meer dan de "
            "te volgen contacturen (40).");
  // Each over on its own: that finding alone, not also the sum.
  EXPECT_THAT(ValidateOne(Attending("85073003328", 41, 40, 1)).violations,
              ElementsAre(Finding("participants[0].attendance.hours_present",
                                  "HOURS_PRESENT_EXCEED_CONTACT_HOURS")));
}

TEST(ValidateRegistrationTest, InvalidHoursSkipTheComparisons) {
  const ValidationReport report = ValidateOne(Attending("85073003328", 50, -1, 60));
  EXPECT_THAT(
      report.violations,
      ElementsAre(Finding("participants[0].attendance.contact_hours_to_follow", "INVALID_HOURS")));
}

// ---- Unjustified absence over 10 % (warning) ----

TEST(ValidateRegistrationTest, UnjustifiedAbsenceOverTenPercentWarns) {
  const ValidationReport report = ValidateOne(Attending("85073003328", 30, 40, 4.01));
  EXPECT_TRUE(report.ok());
  ASSERT_THAT(report.warnings, ElementsAre(Finding("participants[0].attendance."
                                                   "unjustified_absence_hours",
                                                   "UNJUSTIFIED_ABSENCE_OVER_10_PERCENT")));
  EXPECT_THAT(report.warnings[0].description, HasSubstr("10 %"));
}

TEST(ValidateRegistrationTest, UnjustifiedAbsenceOfExactlyTenPercentIsFine) {
  EXPECT_THAT(ValidateOne(Attending("85073003328", 30, 40, 4)).warnings, IsEmpty());
  // 10 % of 0.3 is not exactly representable; it must not warn either.
  EXPECT_THAT(ValidateOne(Attending("85073003328", 0.27, 0.3, 0.03)).warnings, IsEmpty());
  EXPECT_THAT(ValidateOne(Attending("85073003328", 70, 77.7, 7.77)).warnings, IsEmpty());
}

// The exemption is an attribute of the training in the catalogue, not a pattern of its number.
TEST(ValidateRegistrationTest, TenPercentRuleDoesNotApplyToRegularProgrammesNorPostgraduates) {
  TrainingFacts regular = ClassroomTraining();
  regular.regular_programme = true;
  EXPECT_THAT(ValidateOne(Attending("85073003328", 20, 40, 20), regular).warnings, IsEmpty());
  TrainingFacts postgraduate = ClassroomTraining();
  postgraduate.postgraduate = true;
  EXPECT_THAT(ValidateOne(Attending("85073003328", 20, 40, 20), postgraduate).warnings, IsEmpty());
  // The number says nothing: "ODB-X..." without the attribute is held to the rule.
  for (const char* odb : {"ODB-X12345", "odb-y1", "ODB-Z1"}) {
    TrainingFacts training = ClassroomTraining();
    training.odb_number = odb;
    EXPECT_THAT(ValidateOne(Attending("85073003328", 20, 40, 20), training).warnings,
                ElementsAre(Finding("participants[0].attendance.unjustified_absence_hours",
                                    "UNJUSTIFIED_ABSENCE_OVER_10_PERCENT")))
        << odb;
  }
}

TEST(ValidateRegistrationTest, TenPercentRuleIsConfigurable) {
  VovRuleConfig config;
  config.max_unjustified_absence_fraction = 0.2;
  EXPECT_THAT(Validate(ClassroomTraining(), {Attending("85073003328", 30, 40, 8)}, config).warnings,
              IsEmpty());
  EXPECT_THAT(Validate(ClassroomTraining(), {Attending("85073003328", 30, 40, 9)}, config).warnings,
              ElementsAre(Finding("participants[0].attendance.unjustified_absence_hours",
                                  "UNJUSTIFIED_ABSENCE_OVER_10_PERCENT")));
}

TEST(ValidateRegistrationTest, NoAbsenceWarningWithoutContactHours) {
  const ValidationReport report = ValidateOne(Attending("85073003328", 0, 0, 0));
  EXPECT_TRUE(report.ok());
  EXPECT_THAT(report.warnings,
              ElementsAre(Finding("participants[0].attendance.hours_present", "NO_HOURS_PRESENT")));
}

// ---- Refused for payment (warnings) ----

TEST(ValidateRegistrationTest, ZeroHoursPresentWarns) {
  const ValidationReport report = ValidateOne(Attending("85073003328", 0, 40, 0));
  EXPECT_TRUE(report.ok());
  ASSERT_THAT(report.warnings,
              ElementsAre(Finding("participants[0].attendance.hours_present", "NO_HOURS_PRESENT")));
  EXPECT_THAT(report.warnings[0].description, HasSubstr("geweigerd voor betaling"));
}

TEST(ValidateRegistrationTest, NoFinalAssessmentParticipationWarns) {
  ParticipantInput participant = Attending();
  participant.final_assessment = FinalAssessment::kNotParticipated;
  const ValidationReport report = ValidateOne(participant);
  EXPECT_TRUE(report.ok());
  ASSERT_THAT(report.warnings, ElementsAre(Finding("participants[0].final_assessment",
                                                   "NO_FINAL_ASSESSMENT_PARTICIPATION")));
  EXPECT_THAT(report.warnings[0].description, HasSubstr("geweigerd voor betaling"));
}

TEST(ValidateRegistrationTest, JustifiedAbsenceFromFinalAssessmentIsFine) {
  ParticipantInput participant = Attending();
  participant.final_assessment = FinalAssessment::kJustifiedAbsence;
  const ValidationReport report = ValidateOne(participant);
  EXPECT_TRUE(report.ok());
  EXPECT_THAT(report.warnings, IsEmpty());
}

TEST(ValidateRegistrationTest, RouteNotCompletedWarns) {
  ParticipantInput participant = Attending();
  participant.route_completed = false;
  const ValidationReport report = ValidateOne(participant);
  EXPECT_TRUE(report.ok());
  ASSERT_THAT(report.warnings,
              ElementsAre(Finding("participants[0].route_completed", "ROUTE_NOT_COMPLETED")));
  EXPECT_THAT(report.warnings[0].description, HasSubstr("geweigerd voor betaling"));
}

TEST(ValidateRegistrationTest, ExamContractWarns) {
  ParticipantInput participant = Attending();
  participant.exam_contract = true;
  const ValidationReport report = ValidateOne(participant);
  EXPECT_TRUE(report.ok());
  ASSERT_THAT(report.warnings,
              ElementsAre(Finding("participants[0].exam_contract", "EXAM_CONTRACT")));
  EXPECT_THAT(report.warnings[0].description, HasSubstr("geweigerd voor betaling"));
}

TEST(ValidateRegistrationTest, NotParticipatingWarns) {
  ParticipantInput participant = Participating();
  participant.measurement = ParticipationInput{false, {}};
  const ValidationReport report = ValidateOne(participant, DistanceTraining());
  EXPECT_TRUE(report.ok());
  EXPECT_THAT(report.warnings, ElementsAre(Finding("participants[0].participation.participated",
                                                   "NO_PARTICIPATION")));
}

TEST(ValidateRegistrationTest, AllWarningsTogether) {
  ParticipantInput participant = Attending("85073003328", 0, 40, 5);
  participant.final_assessment = FinalAssessment::kNotParticipated;
  participant.route_completed = false;
  participant.exam_contract = true;
  const ValidationReport report = ValidateOne(participant);
  EXPECT_TRUE(report.ok());
  EXPECT_THAT(report.warnings,
              UnorderedElementsAre(
                  Finding("participants[0].attendance.unjustified_absence_hours",
                          "UNJUSTIFIED_ABSENCE_OVER_10_PERCENT"),
                  Finding("participants[0].attendance.hours_present", "NO_HOURS_PRESENT"),
                  Finding("participants[0].final_assessment", "NO_FINAL_ASSESSMENT_PARTICIPATION"),
                  Finding("participants[0].route_completed", "ROUTE_NOT_COMPLETED"),
                  Finding("participants[0].exam_contract", "EXAM_CONTRACT")));
}

// ---- Missing answers ----

TEST(ValidateRegistrationTest, MissingMeasurement) {
  ParticipantInput participant = Attending();
  participant.measurement = std::monostate();
  EXPECT_THAT(ValidateOne(participant).violations,
              ElementsAre(Finding("participants[0].measurement", "MEASUREMENT_MISSING")));
}

// A training whose run goes on after 31 August: the outcomes may not be known yet, which is
// neither missing nor refused for payment; the next school year's registration records them.
TEST(ValidateRegistrationTest, ATrainingThatContinuesMayNotKnowItsOutcomesYet) {
  TrainingFacts training = ClassroomTraining();
  training.end_date = Date{2026, 12, 20};  // Into 2026-2027.
  ParticipantInput participant = Attending();
  participant.final_assessment = FinalAssessment::kNotYetHeld;
  participant.route_completed.reset();
  participant.exam_contract.reset();
  ValidationReport report = ValidateOne(participant, training);
  EXPECT_THAT(report.violations, IsEmpty());
  EXPECT_THAT(report.warnings, IsEmpty());
  participant.route_completed = false;  // Not completed *yet*: no refusal.
  EXPECT_THAT(ValidateOne(participant, training).warnings, IsEmpty());
  participant.exam_contract = true;  // An exam contract is refused whenever the year.
  EXPECT_THAT(ValidateOne(participant, training).warnings,
              ElementsAre(Finding("participants[0].exam_contract", "EXAM_CONTRACT")));
  participant.final_assessment = FinalAssessment::kUnspecified;  // Still has to be said.
  EXPECT_THAT(ValidateOne(participant, training).violations,
              ElementsAre(Finding("participants[0].final_assessment", "FINAL_ASSESSMENT_MISSING")));
}

// A participant who ended within the school year (dropped out in March) does not continue with
// the training: the outcomes are known and must be given.
TEST(ValidateRegistrationTest, AParticipantWhoEndedThisYearDoesNotContinue) {
  TrainingFacts training = ClassroomTraining();
  training.end_date = Date{2026, 12, 20};
  ParticipantInput participant = Attending();
  participant.final_assessment = FinalAssessment::kNotYetHeld;
  participant.route_completed = false;
  participant.actual_end_date = Date{2026, 3, 15};
  const ValidationReport report = ValidateOne(participant, training);
  EXPECT_THAT(report.violations, ElementsAre(Finding("participants[0].final_assessment",
                                                     "FINAL_ASSESSMENT_NOT_YET_HELD_NOT_ALLOWED")));
  EXPECT_THAT(report.warnings,
              ElementsAre(Finding("participants[0].route_completed", "ROUTE_NOT_COMPLETED")));
}

TEST(ValidateRegistrationTest, NotYetHeldOnlyForATrainingThatContinues) {
  TrainingFacts training = ClassroomTraining();
  ParticipantInput participant = Attending();
  participant.final_assessment = FinalAssessment::kNotYetHeld;
  for (const Date& end : {Date{2026, 8, 31}, Date{2026, 6, 30}}) {  // Ends in 2025-2026.
    training.end_date = end;
    EXPECT_THAT(ValidateOne(participant, training).violations,
                ElementsAre(Finding("participants[0].final_assessment",
                                    "FINAL_ASSESSMENT_NOT_YET_HELD_NOT_ALLOWED")))
        << FormatDate(end);
  }
  training.end_date = Date{2026, 9, 1};  // One day into the next school year.
  EXPECT_TRUE(ValidateOne(participant, training).ok());
  training.end_date.reset();  // No end date: it does not go on, as far as anyone knows.
  EXPECT_FALSE(ValidateOne(participant, training).ok());
  // The same training in its second school year ends there: the outcome must be given.
  training.start_date = Date{2025, 9, 15};
  training.end_date = Date{2026, 12, 20};
  EXPECT_TRUE(ContinuesAfter(training, SchoolYear::StartingIn(2025)));
  EXPECT_FALSE(ContinuesAfter(training, SchoolYear::StartingIn(2026)));
}

TEST(ValidateRegistrationTest, MissingAnswersBlockByDefault) {
  ParticipantInput participant = Attending();
  participant.final_assessment = FinalAssessment::kUnspecified;
  participant.route_completed.reset();
  participant.exam_contract.reset();
  EXPECT_THAT(ValidateOne(participant).violations,
              ElementsAre(Finding("participants[0].final_assessment", "FINAL_ASSESSMENT_MISSING"),
                          Finding("participants[0].route_completed", "ROUTE_COMPLETED_MISSING"),
                          Finding("participants[0].exam_contract", "EXAM_CONTRACT_MISSING")));

  VovRuleConfig lenient;
  lenient.require_answers = false;
  const ValidationReport report = Validate(ClassroomTraining(), {participant}, lenient);
  EXPECT_TRUE(report.ok());
  EXPECT_THAT(report.warnings, IsEmpty());
}

// ---- Delivery mode ----

TEST(ValidateRegistrationTest, AttendanceForDistanceLearningIsRefused) {
  EXPECT_THAT(ValidateOne(Attending(), DistanceTraining()).violations,
              ElementsAre(Finding("participants[0].attendance", "ATTENDANCE_NOT_ALLOWED")));
}

TEST(ValidateRegistrationTest, ParticipationForClassroomIsRefused) {
  TrainingFacts training = ClassroomTraining();
  training.module_codes = {"M1"};
  EXPECT_THAT(ValidateOne(Participating(), training).violations,
              ElementsAre(Finding("participants[0].participation", "PARTICIPATION_NOT_ALLOWED")));
}

TEST(ValidateRegistrationTest, BlendedAndUnspecifiedAcceptBoth) {
  for (DeliveryMode mode : {DeliveryMode::kBlended, DeliveryMode::kUnspecified}) {
    TrainingFacts training = DistanceTraining();
    training.delivery_mode = mode;
    EXPECT_TRUE(Validate(training, {Attending(), Participating("01020300467")}).ok());
  }
}

TEST(ValidateRegistrationTest, UnknownCompletedModule) {
  ParticipantInput participant = Participating();
  participant.measurement = ParticipationInput{true, {"M1", "M9", "M2", "m1"}};
  EXPECT_THAT(
      ValidateOne(participant, DistanceTraining()).violations,
      ElementsAre(
          Finding("participants[0].participation.completed_module_codes[1]", "UNKNOWN_MODULE"),
          Finding("participants[0].participation.completed_module_codes[3]", "UNKNOWN_MODULE")));
  TrainingFacts no_modules = DistanceTraining();
  no_modules.module_codes.clear();
  EXPECT_THAT(ValidateOne(Participating(), no_modules).violations,
              ElementsAre(Finding("participants[0].participation.completed_module_codes[0]",
                                  "UNKNOWN_MODULE")));
}

// ---- Actual end date ----

TEST(ValidateRegistrationTest, ActualEndDateInsideTheSchoolYear) {
  for (const Date date : {Date{2025, 9, 15}, Date{2026, 1, 1}, Date{2026, 8, 31}}) {
    ParticipantInput participant = Attending();
    participant.actual_end_date = date;
    EXPECT_TRUE(ValidateOne(participant).ok()) << FormatDate(date);
  }
}

TEST(ValidateRegistrationTest, ActualEndDateOutsideTheSchoolYear) {
  TrainingFacts training = ClassroomTraining();
  training.start_date.reset();  // Only the school year rule.
  for (const Date date : {Date{2025, 8, 31}, Date{2026, 9, 1}, Date{2030, 1, 1}}) {
    ParticipantInput participant = Attending();
    participant.actual_end_date = date;
    const ValidationReport report = ValidateOne(participant, training);
    ASSERT_THAT(report.violations, ElementsAre(Finding("participants[0].actual_end_date",
                                                       "END_DATE_OUTSIDE_SCHOOL_YEAR")))
        << FormatDate(date);
    EXPECT_THAT(report.violations[0].description, HasSubstr("2025-2026"));
  }
}

TEST(ValidateRegistrationTest, ActualEndDateBeforeTrainingStart) {
  ParticipantInput participant = Attending();
  participant.actual_end_date = Date{2025, 9, 14};  // In the school year, before the start.
  EXPECT_THAT(
      ValidateOne(participant).violations,
      ElementsAre(Finding("participants[0].actual_end_date", "END_DATE_BEFORE_TRAINING_START")));
  participant.actual_end_date = Date{2025, 8, 1};  // Both.
  EXPECT_THAT(
      ValidateOne(participant).violations,
      ElementsAre(Finding("participants[0].actual_end_date", "END_DATE_OUTSIDE_SCHOOL_YEAR"),
                  Finding("participants[0].actual_end_date", "END_DATE_BEFORE_TRAINING_START")));
}

TEST(ValidateRegistrationTest, ActualEndDateInvalid) {
  ParticipantInput participant = Attending();
  participant.actual_end_date = Date{2026, 2, 29};
  EXPECT_THAT(ValidateOne(participant).violations,
              ElementsAre(Finding("participants[0].actual_end_date", "INVALID_DATE")));
}

// ---- Training-level rules ----

TEST(ValidateRegistrationTest, TrainingOfAnotherOrganisation) {
  TrainingFacts training = ClassroomTraining();
  training.provider_organization_id = "org-2";
  const ValidationReport report = ValidateOne(Attending(), training);
  ASSERT_THAT(report.violations, ElementsAre(Finding("training", "TRAINING_NOT_OF_ORGANIZATION")));
  EXPECT_EQ(report.violations[0].participant_index, -1);
}

// The recognition must cover the whole part of the training's run in the school year (the run
// here: 15 September 2025 to 30 June 2026).
TEST(ValidateRegistrationTest, RecognitionCoversTheRunInTheSchoolYear) {
  struct Case {
    std::optional<Date> start;
    std::optional<Date> end;
    bool recognized;
  };
  const Case cases[] = {
      {Date{2024, 9, 1}, std::nullopt, true},        // Open-ended.
      {Date{2025, 9, 15}, std::nullopt, true},       // From the run's first day.
      {Date{2025, 9, 16}, std::nullopt, false},      // From its second day.
      {Date{2020, 1, 1}, Date{2026, 6, 30}, true},   // To the run's last day.
      {Date{2020, 1, 1}, Date{2026, 6, 29}, false},  // One day short.
      {Date{2020, 1, 1}, Date{2025, 10, 1}, false},  // Ends on 1 October.
      {Date{2025, 10, 1}, Date{2026, 3, 1}, false},  // Inside the run only.
      {Date{2026, 9, 1}, std::nullopt, false},       // Starts after the school year.
      {Date{2020, 1, 1}, Date{2025, 8, 31}, false},  // Ended before it.
      {std::nullopt, std::nullopt, false},           // Never recognised.
  };
  for (const Case& c : cases) {
    TrainingFacts training = ClassroomTraining();
    training.recognition_start_date = c.start;
    training.recognition_end_date = c.end;
    const ValidationReport report = Validate(training, {});
    if (c.recognized) {
      EXPECT_TRUE(report.ok()) << FormatDate(c.start.value_or(Date{}));
    } else {
      EXPECT_THAT(report.violations, ElementsAre(Finding("training", "TRAINING_NOT_RECOGNIZED")))
          << FormatDate(c.start.value_or(Date{}));
    }
  }
}

TEST(ValidateRegistrationTest, APartialRecognitionSaysWhichPartItCovers) {
  TrainingFacts training = ClassroomTraining();
  training.recognition_start_date = Date{2020, 1, 1};
  training.recognition_end_date = Date{2025, 10, 1};
  const ValidationReport report = Validate(training, {});
  ASSERT_EQ(report.violations.size(), 1u);
  EXPECT_EQ(report.violations[0].description,
            "De erkenning van de opleiding (van 2020-01-01 tot 2025-10-01) dekt niet de hele "
            "looptijd van de opleiding in het schooljaar 2025-2026 (van 2025-09-15 tot "
            "2026-06-30).");
}

// Without dates the run fills the school year: the recognition must cover all of it.
TEST(ValidateRegistrationTest, ARunWithoutDatesFillsTheSchoolYear) {
  TrainingFacts training = ClassroomTraining();
  training.start_date.reset();
  training.end_date.reset();
  training.recognition_start_date = Date{2025, 9, 1};
  training.recognition_end_date = Date{2026, 8, 31};
  EXPECT_TRUE(Validate(training, {}).ok());
  training.recognition_end_date = Date{2026, 8, 30};
  EXPECT_THAT(Validate(training, {}).violations,
              ElementsAre(Finding("training", "TRAINING_NOT_RECOGNIZED")));
}

TEST(ValidateRegistrationTest, TheRunMustReachIntoTheSchoolYear) {
  struct Case {
    Date start;
    Date end;
    bool runs;
  };
  const Case cases[] = {
      {Date{2024, 9, 1}, Date{2025, 8, 31}, false},  // The year before.
      {Date{2024, 9, 1}, Date{2025, 9, 1}, true},    // Its last day is the first of this year.
      {Date{2026, 8, 31}, Date{2027, 6, 30}, true},  // Its first day is the last of this year.
      {Date{2026, 9, 1}, Date{2027, 6, 30}, false},  // The year after.
  };
  for (const Case& c : cases) {
    TrainingFacts training = ClassroomTraining();
    training.start_date = c.start;
    training.end_date = c.end;
    training.recognition_start_date = Date{2020, 1, 1};
    const ValidationReport report = Validate(training, {});
    if (c.runs) {
      EXPECT_TRUE(report.ok()) << FormatDate(c.start);
    } else {
      EXPECT_THAT(report.violations,
                  ElementsAre(Finding("training", "TRAINING_NOT_RUNNING_IN_SCHOOL_YEAR")))
          << FormatDate(c.start);
    }
  }
}

// A training from February 2025 to January 2026 is registered in both school years it touches.
TEST(ValidateRegistrationTest, ATrainingAcrossTwoSchoolYearsCountsInBoth) {
  TrainingFacts training = ClassroomTraining();
  training.start_date = Date{2025, 2, 1};
  training.end_date = Date{2026, 1, 31};
  training.recognition_start_date = Date{2025, 1, 1};
  training.recognition_end_date = Date{2026, 1, 31};
  for (int first_year : {2024, 2025}) {
    EXPECT_FALSE(SchoolYearFinding(training, SchoolYear::StartingIn(first_year)).has_value())
        << first_year;
  }
  EXPECT_EQ(SchoolYearFinding(training, SchoolYear::StartingIn(2026))->reason,
            "TRAINING_NOT_RUNNING_IN_SCHOOL_YEAR");
  EXPECT_EQ(SchoolYearFinding(training, SchoolYear::StartingIn(2023))->reason,
            "TRAINING_NOT_RUNNING_IN_SCHOOL_YEAR");
}

// A recognition for one school year (to 31 August) covers that year's part of a run that
// continues, not the next year's: the outcome waits for the recognition to be extended
// (docs/vov-rules.md).
TEST(ValidateRegistrationTest, ARecognitionEndingOn31AugustDoesNotReachTheNextYear) {
  TrainingFacts training = ClassroomTraining();
  training.start_date = Date{2025, 9, 15};
  training.end_date = Date{2026, 10, 31};
  training.recognition_start_date = Date{2025, 9, 1};
  training.recognition_end_date = Date{2026, 8, 31};
  EXPECT_FALSE(SchoolYearFinding(training, SchoolYear::StartingIn(2025)).has_value());
  EXPECT_TRUE(ContinuesAfter(training, SchoolYear::StartingIn(2025)));
  EXPECT_EQ(SchoolYearFinding(training, SchoolYear::StartingIn(2026))->reason,
            "TRAINING_NOT_RECOGNIZED");
  training.recognition_end_date = Date{2026, 10, 31};  // Extended to the run's end.
  EXPECT_FALSE(SchoolYearFinding(training, SchoolYear::StartingIn(2026)).has_value());
}

TEST(SchoolYearReachableTest, UpToTheNextSchoolYear) {
  struct Case {
    Date today;
    int first_year;
    bool reachable;
  };
  const Case cases[] = {
      {Date{2026, 12, 5}, 2020, true},  // Past years: the registration window decides.
      {Date{2026, 12, 5}, 2026, true},  // The current one.
      {Date{2026, 12, 5}, 2027, true},  // The next one.
      {Date{2026, 12, 5}, 2028, false},
      {Date{2026, 8, 31}, 2026, true},  // The last day of 2025-2026: 2026-2027 is next.
      {Date{2026, 8, 31}, 2027, false},
      {Date{2026, 9, 1}, 2027, true},  // A day later it is the next one.
  };
  for (const Case& c : cases) {
    const std::optional<Violation> finding =
        SchoolYearReachableFinding(SchoolYear::StartingIn(c.first_year), c.today);
    EXPECT_EQ(!finding.has_value(), c.reachable) << FormatDate(c.today) << " " << c.first_year;
    if (finding) {
      EXPECT_EQ(finding->reason, "SCHOOL_YEAR_TOO_FAR_AHEAD");
      EXPECT_EQ(finding->field, "school_year");
    }
  }
}

// ---- Many participants ----

TEST(ValidateRegistrationTest, TenThousandParticipants) {
  std::vector<ParticipantInput> participants;
  participants.reserve(10000);
  for (int n = 0; n < 10000; ++n) {
    participants.push_back(
        Attending(MakeInsz(85, 1 + n / (997 * 28), 1 + (n / 997) % 28, 1 + n % 997)));
  }
  // A few planted problems among them.
  participants[17].insz = "85073003329";
  participants[4242].insz = participants[42].insz;
  participants[9999].insz = participants[0].insz;
  participants[5000].measurement = AttendanceInput{50, 40, 0};
  participants[7777].measurement = AttendanceInput{0, 40, 0};

  const ValidationReport report = Validate(ClassroomTraining(), participants);
  EXPECT_THAT(report.violations,
              ElementsAre(Finding("participants[17].insz", "INVALID_INSZ"),
                          Finding("participants[4242].insz", "DUPLICATE_PARTICIPANT"),
                          Finding("participants[5000].attendance.hours_present",
                                  "HOURS_PRESENT_EXCEED_CONTACT_HOURS"),
                          Finding("participants[9999].insz", "DUPLICATE_PARTICIPANT")));
  EXPECT_THAT(report.warnings, ElementsAre(Finding("participants[7777].attendance.hours_present",
                                                   "NO_HOURS_PRESENT")));
}

// ---- CountedHours ----

TEST(CountedHoursTest, ByTrainingType) {
  TrainingFacts training = ClassroomTraining();
  training.study_points = 6;
  training.lestijden = 120;
  training.exam_count = 3;
  training.competence_count = 2;
  const ParticipantInput attending = Attending("85073003328", 36.5, 40, 0);

  training.type = TrainingType::kContactHours;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, attending), 36.5);
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, Participating()), 40)
      << "no modules: the planned hours";
  training.type = TrainingType::kStudyPoints;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, attending), 24);
  training.type = TrainingType::kLestijden;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, attending), 120);
  training.type = TrainingType::kExamBoard;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, attending), 24);
  training.type = TrainingType::kEvc;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, attending), 32);
  training.type = TrainingType::kUnspecified;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, attending), 0);
}

// A contact-hours training followed at a distance counts the hours of the modules completed.
TEST(CountedHoursTest, ParticipationCountsTheCompletedModulesHours) {
  TrainingFacts training = DistanceTraining();
  training.module_hours = {12.5, 20};
  ParticipantInput participant = Participating();
  auto& participation = std::get<ParticipationInput>(participant.measurement);
  participation.completed_module_codes = {"M1"};
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, participant), 12.5);
  participation.completed_module_codes = {"M1", "M2", "M1"};
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, participant), 32.5) << "each module once";
  participation.completed_module_codes = {"M9"};
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, participant), 0)
      << "an unknown module counts nothing";
  participation.completed_module_codes = {};
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, participant), 0);
  participation.completed_module_codes = {"M1", "M2"};
  participation.participated = false;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, participant), 0) << "did not take part";
  ParticipantInput nothing_yet;
  nothing_yet.insz = "85073003328";
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, nothing_yet), 0);
}

// The volume counts only for a participant who took part.
TEST(CountedHoursTest, NothingForAParticipantWhoDidNotTakePart) {
  TrainingFacts training = ClassroomTraining();
  training.type = TrainingType::kLestijden;
  training.lestijden = 120;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, Attending("85073003328", 0, 40, 0)), 0);
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, Attending("85073003328", 0.5, 40, 0)), 120);
  ParticipantInput absent = Participating();
  std::get<ParticipationInput>(absent.measurement).participated = false;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, absent), 0);
}

// A training registered in the two school years its run touches counts its volume once in all:
// each year the share of the run's days that fall in it, to two decimals.
TEST(CountedHoursTest, AVolumeIsSharedOverTheSchoolYearsOfTheRun) {
  TrainingFacts training = ClassroomTraining();
  training.type = TrainingType::kLestijden;
  training.lestijden = 120;
  training.start_date = Date{2026, 2, 1};  // 212 days in 2025-2026 (1 Feb - 31 Aug 2026),
  training.end_date = Date{2027, 1, 31};   // 153 in 2026-2027 (1 Sep 2026 - 31 Jan 2027).
  const ParticipantInput attending = Attending("85073003328", 10, 40, 0);
  const double first = CountedHours(training, SchoolYear::StartingIn(2025), attending);
  const double second = CountedHours(training, SchoolYear::StartingIn(2026), attending);
  EXPECT_DOUBLE_EQ(first, 69.7);   // 120 * 212 / 365 = 69.698...
  EXPECT_DOUBLE_EQ(second, 50.3);  // 120 * 153 / 365 = 50.301...
  EXPECT_NEAR(first + second, 120, 0.01);
  EXPECT_DOUBLE_EQ(CountedHours(training, SchoolYear::StartingIn(2027), attending), 0);
  // Hours present are this year's own: never shared.
  training.type = TrainingType::kContactHours;
  EXPECT_DOUBLE_EQ(CountedHours(training, SchoolYear::StartingIn(2025), attending), 10);
}

TEST(CountedHoursTest, FactorsAreConfigurable) {
  VovRuleConfig config;
  config.hours_per_study_point = 5;
  config.hours_per_exam = 10;
  config.hours_per_competence = 20;
  TrainingFacts training = ClassroomTraining();
  training.study_points = 6;
  training.exam_count = 3;
  training.competence_count = 2;
  training.type = TrainingType::kStudyPoints;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, Attending(), config), 30);
  training.type = TrainingType::kExamBoard;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, Attending(), config), 30);
  training.type = TrainingType::kEvc;
  EXPECT_DOUBLE_EQ(CountedHours(training, kYear, Attending(), config), 40);
}

// ---- ValidateTraining ----

TEST(ValidateTrainingTest, ValidTrainingsOfEveryType) {
  TrainingFacts training = ClassroomTraining();
  EXPECT_THAT(ValidateTraining(training, "training"), IsEmpty());
  training.planned_hours = 32;
  EXPECT_THAT(ValidateTraining(training, "training"), IsEmpty());

  TrainingFacts points = ClassroomTraining();
  points.type = TrainingType::kStudyPoints;
  points.study_points = 3;
  EXPECT_THAT(ValidateTraining(points, "training"), IsEmpty());

  TrainingFacts lestijden = ClassroomTraining();
  lestijden.type = TrainingType::kLestijden;
  lestijden.lestijden = 32;
  EXPECT_THAT(ValidateTraining(lestijden, "training"), IsEmpty());

  TrainingFacts exams = ClassroomTraining();
  exams.type = TrainingType::kExamBoard;
  exams.exam_count = 1;
  EXPECT_THAT(ValidateTraining(exams, "training"), IsEmpty());

  TrainingFacts evc = ClassroomTraining();
  evc.type = TrainingType::kEvc;
  evc.competence_count = 1;
  EXPECT_THAT(ValidateTraining(evc, "training"), IsEmpty());
}

TEST(ValidateTrainingTest, VolumeBelowTheMinimum) {
  TrainingFacts hours = ClassroomTraining();
  hours.planned_hours = 31.99;
  EXPECT_THAT(ValidateTraining(hours, "trainings[2]"),
              ElementsAre(Finding("trainings[2].planned_hours", "TRAINING_VOLUME_TOO_SMALL")));

  TrainingFacts points = ClassroomTraining();
  points.type = TrainingType::kStudyPoints;
  points.study_points = 2;
  EXPECT_THAT(ValidateTraining(points, "t"),
              ElementsAre(Finding("t.study_points", "TRAINING_VOLUME_TOO_SMALL")));

  TrainingFacts lestijden = ClassroomTraining();
  lestijden.type = TrainingType::kLestijden;
  lestijden.lestijden = 31;
  EXPECT_THAT(ValidateTraining(lestijden, "t"),
              ElementsAre(Finding("t.lestijden", "TRAINING_VOLUME_TOO_SMALL")));

  TrainingFacts exams = ClassroomTraining();
  exams.type = TrainingType::kExamBoard;
  EXPECT_THAT(ValidateTraining(exams, "t"),
              ElementsAre(Finding("t.exam_count", "TRAINING_VOLUME_TOO_SMALL")));

  TrainingFacts evc = ClassroomTraining();
  evc.type = TrainingType::kEvc;
  EXPECT_THAT(ValidateTraining(evc, "t"),
              ElementsAre(Finding("t.competence_count", "TRAINING_VOLUME_TOO_SMALL")));
}

TEST(ValidateTrainingTest, AbsurdPlannedHours) {
  for (double bad : {-1.0, std::nan(""), 20000.0}) {
    TrainingFacts training = ClassroomTraining();
    training.planned_hours = bad;
    EXPECT_THAT(ValidateTraining(training, "t"),
                ElementsAre(Finding("t.planned_hours", "INVALID_HOURS")))
        << bad;
  }
}

TEST(ValidateTrainingTest, MinimaAreConfigurable) {
  VovRuleConfig config;
  config.min_training_contact_hours = 20;
  TrainingFacts training = ClassroomTraining();
  training.planned_hours = 20;
  EXPECT_THAT(ValidateTraining(training, "t", config), IsEmpty());
}

TEST(ValidateTrainingTest, RequiredFacts) {
  TrainingFacts training;
  EXPECT_THAT(ValidateTraining(training, "t"),
              UnorderedElementsAre(Finding("t.odb_number", "FIELD_REQUIRED"),
                                   Finding("t.provider_organization", "FIELD_REQUIRED"),
                                   Finding("t.delivery_mode", "FIELD_REQUIRED"),
                                   Finding("t.recognition_start_date", "FIELD_REQUIRED"),
                                   Finding("t.type", "FIELD_REQUIRED")));
}

TEST(ValidateTrainingTest, EmptyPathGivesBareFields) {
  TrainingFacts training = ClassroomTraining();
  training.odb_number.clear();
  EXPECT_THAT(ValidateTraining(training, ""), ElementsAre(Finding("odb_number", "FIELD_REQUIRED")));
}

TEST(ValidateTrainingTest, Dates) {
  TrainingFacts training = ClassroomTraining();
  training.end_date = Date{2025, 9, 14};
  training.recognition_end_date = Date{2024, 8, 31};
  EXPECT_THAT(ValidateTraining(training, "t"),
              ElementsAre(Finding("t.end_date", "END_BEFORE_START"),
                          Finding("t.recognition_end_date", "END_BEFORE_START")));

  TrainingFacts invalid = ClassroomTraining();
  invalid.start_date = Date{2025, 2, 30};
  invalid.recognition_end_date = Date{2025, 13, 1};
  EXPECT_THAT(ValidateTraining(invalid, "t"),
              ElementsAre(Finding("t.start_date", "INVALID_DATE"),
                          Finding("t.recognition_end_date", "INVALID_DATE")));

  TrainingFacts same_day = ClassroomTraining();
  same_day.end_date = same_day.start_date;
  EXPECT_THAT(ValidateTraining(same_day, "t"), IsEmpty());
}

}  // namespace
}  // namespace wse::registration
