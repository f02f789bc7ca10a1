#include "registration-svc/domain/vov_rules.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/identifiers.h"
#include "common/status.h"

namespace wse::registration {
namespace {

constexpr absl::string_view kRefusedForPayment = "; dit attest wordt geweigerd voor betaling.";

// Hours are entered with at most two decimals; a percentage limit is compared with this slack so
// that exactly 10 % is never reported because of binary rounding.
constexpr double kHoursEpsilon = 1e-9;

// Findings of one call. Paths are built only when something is found, so a clean row of a
// 10,000-row registration allocates nothing here.
class Findings {
 public:
  explicit Findings(ValidationReport* report) : report_(report) {}

  void Violation(int index, absl::string_view suffix, std::string reason, std::string description) {
    report_->violations.push_back(
        {Path(index, suffix), std::move(reason), std::move(description), index});
  }
  void Warning(int index, absl::string_view suffix, std::string reason, std::string description) {
    report_->warnings.push_back(
        {Path(index, suffix), std::move(reason), std::move(description), index});
  }

 private:
  static std::string Path(int index, absl::string_view suffix) {
    if (index < 0) return std::string(suffix);
    return absl::StrCat("participants[", index, "].", suffix);
  }

  ValidationReport* report_;
};

// NaN fails both comparisons, so it is rejected with the negative and absurd values.
bool HoursInRange(double hours, const VovRuleConfig& config) {
  return hours >= 0 && hours <= config.max_hours;
}

// An attribute of the training in the catalogue, not a pattern of its number.
bool AbsenceRuleApplies(const TrainingFacts& training) {
  return !training.postgraduate && !training.regular_programme;
}

bool AcceptsAttendance(DeliveryMode mode) { return mode != DeliveryMode::kDistance; }
bool AcceptsParticipation(DeliveryMode mode) { return mode != DeliveryMode::kClassroom; }

// What does not change from one participant to the next, computed once per call.
struct Context {
  const TrainingFacts& training;
  const SchoolYear& school_year;
  const VovRuleConfig& config;
  bool absence_rule_applies;
  bool continues;  // ContinuesAfter: outcomes may not be known yet.
  absl::flat_hash_set<absl::string_view> module_codes;
};

void CheckAttendance(const Context& context, int index, const AttendanceInput& attendance,
                     Findings& findings) {
  const VovRuleConfig& config = context.config;
  if (!AcceptsAttendance(context.training.delivery_mode)) {
    findings.Violation(index, "attendance", "ATTENDANCE_NOT_ALLOWED",
                       "Voor afstandsonderwijs registreert u deelname, geen aanwezigheid.");
  }
  const std::string range_message =
      absl::StrCat("Het aantal uren moet een getal tussen 0 en ", config.max_hours, " zijn.");
  bool in_range = true;
  const std::pair<absl::string_view, double> fields[] = {
      {"attendance.hours_present", attendance.hours_present},
      {"attendance.contact_hours_to_follow", attendance.contact_hours_to_follow},
      {"attendance.unjustified_absence_hours", attendance.unjustified_absence_hours},
  };
  for (const auto& [field, hours] : fields) {
    if (!HoursInRange(hours, config)) {
      findings.Violation(index, field, "INVALID_HOURS", range_message);
      in_range = false;
    }
  }
  // Comparing hours only makes sense once each of them is a real number of hours.
  if (!in_range) return;

  const double contact = attendance.contact_hours_to_follow;
  if (attendance.hours_present > contact) {
    findings.Violation(index, "attendance.hours_present", "HOURS_PRESENT_EXCEED_CONTACT_HOURS",
                       "Het aantal aanwezige uren is groter dan het aantal te volgen contacturen.");
  }
  if (attendance.unjustified_absence_hours > contact) {
    findings.Violation(
        index, "attendance.unjustified_absence_hours", "UNJUSTIFIED_ABSENCE_EXCEED_CONTACT_HOURS",
        "De ongewettigde afwezigheid is groter dan het aantal te volgen contacturen.");
  } else if (attendance.hours_present <= contact &&
             attendance.hours_present + attendance.unjustified_absence_hours >
                 contact + kHoursEpsilon) {
    // Each alone fits, together they do not: both fields are named, either may be wrong.
    const std::string dutch = absl::StrCat(
        "De aanwezige uren (", DutchHours(attendance.hours_present),
        ") en de ongewettigde afwezigheid (", DutchHours(attendance.unjustified_absence_hours),
        ") zijn samen meer dan de te volgen contacturen (", DutchHours(contact), ").");
    findings.Violation(index, "attendance.hours_present", "HOURS_EXCEED_CONTACT_HOURS", dutch);
    findings.Violation(index, "attendance.unjustified_absence_hours", "HOURS_EXCEED_CONTACT_HOURS",
                       dutch);
  } else if (context.absence_rule_applies && contact > 0 &&
             attendance.unjustified_absence_hours >
                 config.max_unjustified_absence_fraction * contact + kHoursEpsilon) {
    findings.Warning(index, "attendance.unjustified_absence_hours",
                     "UNJUSTIFIED_ABSENCE_OVER_10_PERCENT",
                     absl::StrCat("De ongewettigde afwezigheid is meer dan ",
                                  config.max_unjustified_absence_fraction * 100,
                                  " % van de te volgen contacturen; de deelnemer heeft dan geen "
                                  "recht op opleidingsverlof voor deze opleiding."));
  }
  if (attendance.hours_present == 0) {
    findings.Warning(index, "attendance.hours_present", "NO_HOURS_PRESENT",
                     absl::StrCat("De deelnemer was 0 uren aanwezig", kRefusedForPayment));
  }
}

void CheckParticipation(const Context& context, int index, const ParticipationInput& participation,
                        Findings& findings) {
  if (!AcceptsParticipation(context.training.delivery_mode)) {
    findings.Violation(index, "participation", "PARTICIPATION_NOT_ALLOWED",
                       "Voor klassikale opleidingen registreert u aanwezigheid, geen deelname.");
  }
  const std::vector<std::string>& codes = participation.completed_module_codes;
  for (size_t j = 0; j < codes.size(); ++j) {
    if (!context.module_codes.contains(codes[j])) {
      findings.Violation(index, absl::StrCat("participation.completed_module_codes[", j, "]"),
                         "UNKNOWN_MODULE",
                         absl::StrCat("De module '", codes[j], "' hoort niet bij deze opleiding."));
    }
  }
  if (!participation.participated) {
    findings.Warning(
        index, "participation.participated", "NO_PARTICIPATION",
        absl::StrCat("De deelnemer nam niet deel aan de opleiding", kRefusedForPayment));
  }
}

void CheckMeasurement(const Context& context, int index, const ParticipantInput& participant,
                      Findings& findings) {
  if (const auto* attendance = std::get_if<AttendanceInput>(&participant.measurement)) {
    CheckAttendance(context, index, *attendance, findings);
  } else if (const auto* participation =
                 std::get_if<ParticipationInput>(&participant.measurement)) {
    CheckParticipation(context, index, *participation, findings);
  } else {
    findings.Violation(index, "measurement", "MEASUREMENT_MISSING",
                       "Geef de aanwezigheid of de deelname van de deelnemer op.");
  }
}

// The answers the payment rules need; missing ones block when configured, "no" answers warn. For
// a training that continues after the school year the outcomes may not be known yet: the final
// assessment "not yet held", the route and exam contract unanswered, a route not (yet) completed.
void CheckAnswers(const Context& context, int index, const ParticipantInput& participant,
                  Findings& findings) {
  const bool require = context.config.require_answers;
  // A participant whose own end lies in this school year (dropped out, finished early) does not
  // continue with the training: the outcomes are known.
  const bool continues =
      context.continues && !(participant.actual_end_date.has_value() &&
                             *participant.actual_end_date <= context.school_year.end());
  switch (participant.final_assessment) {
    case FinalAssessment::kUnspecified:
      if (require) {
        findings.Violation(index, "final_assessment", "FINAL_ASSESSMENT_MISSING",
                           continues
                               ? "Geef aan of de deelnemer deelnam aan de eerste eindevaluatie, "
                                 "of dat die nog niet plaatsvond."
                               : "Geef aan of de deelnemer deelnam aan de eerste eindevaluatie.");
      }
      break;
    case FinalAssessment::kNotYetHeld:
      if (!continues) {
        findings.Violation(
            index, "final_assessment", "FINAL_ASSESSMENT_NOT_YET_HELD_NOT_ALLOWED",
            absl::StrCat("Voor deze deelnemer loopt de opleiding niet door na het schooljaar ",
                         context.school_year.ToString(),
                         "; geef aan of de deelnemer deelnam aan de eerste eindevaluatie."));
      }
      break;
    case FinalAssessment::kNotParticipated:
      findings.Warning(index, "final_assessment", "NO_FINAL_ASSESSMENT_PARTICIPATION",
                       absl::StrCat("De deelnemer nam niet deel aan de eerste eindevaluatie en "
                                    "was niet gewettigd afwezig",
                                    kRefusedForPayment));
      break;
    case FinalAssessment::kParticipated:
    case FinalAssessment::kJustifiedAbsence:  // The next final assessment counts then.
      break;
  }
  if (!participant.route_completed.has_value()) {
    if (require && !continues) {
      findings.Violation(index, "route_completed", "ROUTE_COMPLETED_MISSING",
                         "Geef aan of de deelnemer het traject voltooid heeft.");
    }
  } else if (!*participant.route_completed && !continues) {
    findings.Warning(index, "route_completed", "ROUTE_NOT_COMPLETED",
                     absl::StrCat("Het traject is niet voltooid", kRefusedForPayment));
  }
  if (!participant.exam_contract.has_value()) {
    if (require && !continues) {
      findings.Violation(index, "exam_contract", "EXAM_CONTRACT_MISSING",
                         "Geef aan of de deelnemer een examencontract heeft.");
    }
  } else if (*participant.exam_contract) {
    findings.Warning(index, "exam_contract", "EXAM_CONTRACT",
                     absl::StrCat("De deelnemer heeft een examencontract", kRefusedForPayment));
  }
}

void CheckActualEndDate(const Context& context, int index, const ParticipantInput& participant,
                        Findings& findings) {
  if (!participant.actual_end_date.has_value()) return;
  const Date& date = *participant.actual_end_date;
  if (!IsValidDate(date)) {
    findings.Violation(index, "actual_end_date", "INVALID_DATE",
                       "De werkelijke einddatum is geen geldige datum.");
    return;
  }
  if (!context.school_year.contains(date)) {
    findings.Violation(index, "actual_end_date", "END_DATE_OUTSIDE_SCHOOL_YEAR",
                       absl::StrCat("De werkelijke einddatum valt buiten het schooljaar ",
                                    context.school_year.ToString(), "."));
  }
  if (context.training.start_date.has_value() && date < *context.training.start_date) {
    findings.Violation(index, "actual_end_date", "END_DATE_BEFORE_TRAINING_START",
                       absl::StrCat("De werkelijke einddatum ligt voor de startdatum van de "
                                    "opleiding (",
                                    FormatDate(*context.training.start_date), ")."));
  }
}

uint64_t InszKey(absl::string_view digits) {
  uint64_t key = 0;
  for (char c : digits) key = key * 10 + static_cast<uint64_t>(c - '0');
  return key;
}

std::string JoinPath(const std::string& path, absl::string_view field) {
  return path.empty() ? std::string(field) : absl::StrCat(path, ".", field);
}

}  // namespace

ValidationReport ValidateRegistration(const TrainingFacts& training, const SchoolYear& school_year,
                                      const std::string& organization_id,
                                      const std::vector<ParticipantInput>& participants,
                                      const VovRuleConfig& config) {
  ValidationReport report;
  Findings findings(&report);

  if (training.provider_organization_id != organization_id) {
    findings.Violation(-1, "training", "TRAINING_NOT_OF_ORGANIZATION",
                       "Deze opleiding wordt niet door uw organisatie aangeboden.");
  }
  if (std::optional<Violation> finding = SchoolYearFinding(training, school_year)) {
    report.violations.push_back(*std::move(finding));
  }

  Context context{training,
                  school_year,
                  config,
                  AbsenceRuleApplies(training),
                  ContinuesAfter(training, school_year),
                  {}};
  context.module_codes.reserve(training.module_codes.size());
  for (const std::string& code : training.module_codes) context.module_codes.insert(code);

  // The valid INSZs seen so far, as numbers (11 digits fit in 64 bits), so the set holds no
  // strings.
  absl::flat_hash_set<uint64_t> seen;
  seen.reserve(participants.size());

  for (size_t i = 0; i < participants.size(); ++i) {
    const int index = static_cast<int>(i);
    const ParticipantInput& participant = participants[i];

    absl::StatusOr<Insz> insz = ParseInsz(participant.insz, "insz");
    if (!insz.ok()) {
      std::string dutch = DutchMessageOf(insz.status());
      if (dutch.empty()) dutch = "Het INSZ-nummer is ongeldig.";
      findings.Violation(index, "insz", "INVALID_INSZ", std::move(dutch));
    } else if (!seen.insert(InszKey(insz->digits)).second) {
      // Compared on the normalised digits, so "85.07.30-033.28" and "85073003328" are the same.
      findings.Violation(index, "insz", "DUPLICATE_PARTICIPANT",
                         "Deze deelnemer (INSZ) komt al eerder voor in deze registratie.");
    }

    CheckMeasurement(context, index, participant, findings);
    CheckAnswers(context, index, participant, findings);
    CheckActualEndDate(context, index, participant, findings);
  }
  return report;
}

bool LegacyRegularProgramme(const std::string& odb_number) {
  const std::string upper = absl::AsciiStrToUpper(odb_number);
  return absl::StartsWith(upper, "ODB-X") || absl::StartsWith(upper, "ODB-Y");
}

std::string DutchHours(double hours) {
  std::string text = absl::StrFormat("%.2f", hours);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

double TrainingFacts::HoursOfModule(const std::string& code) const {
  for (size_t i = 0; i < module_codes.size(); ++i) {
    if (module_codes[i] == code) return i < module_hours.size() ? module_hours[i] : 0;
  }
  return 0;
}

bool ContinuesAfter(const TrainingFacts& training, const SchoolYear& school_year) {
  return training.end_date.has_value() && *training.end_date > school_year.end();
}

std::optional<Violation> SchoolYearFinding(const TrainingFacts& training,
                                           const SchoolYear& school_year,
                                           const std::string& field) {
  const std::string year = school_year.ToString();
  // The part of the school year in which the training runs.
  const Date from = training.start_date && *training.start_date > school_year.start()
                        ? *training.start_date
                        : school_year.start();
  const Date to = training.end_date && *training.end_date < school_year.end() ? *training.end_date
                                                                              : school_year.end();
  if (to < from) {
    return Violation{
        field, "TRAINING_NOT_RUNNING_IN_SCHOOL_YEAR",
        absl::StrCat("De opleiding loopt niet in het schooljaar ", year, " (van ",
                     training.start_date ? FormatDate(*training.start_date) : "?", " tot ",
                     training.end_date ? FormatDate(*training.end_date) : "?", ")."),
        -1};
  }
  const bool starts_in_time =
      training.recognition_start_date && *training.recognition_start_date <= from;
  const bool lasts = !training.recognition_end_date || *training.recognition_end_date >= to;
  if (starts_in_time && lasts) return std::nullopt;
  std::string dutch = absl::StrCat("De opleiding is niet erkend in het schooljaar ", year, ".");
  if (training.recognition_start_date && *training.recognition_start_date <= school_year.end() &&
      (!training.recognition_end_date || *training.recognition_end_date >= school_year.start())) {
    // Recognised for part of it only: say which part, so the provider knows why.
    const std::string recognised =
        training.recognition_end_date
            ? absl::StrCat("van ", FormatDate(*training.recognition_start_date), " tot ",
                           FormatDate(*training.recognition_end_date))
            : absl::StrCat("vanaf ", FormatDate(*training.recognition_start_date),
                           ", voor onbepaalde tijd");
    dutch = absl::StrCat("De erkenning van de opleiding (", recognised,
                         ") dekt niet de hele looptijd van de opleiding in het schooljaar ", year,
                         " (van ", FormatDate(from), " tot ", FormatDate(to), ").");
  }
  return Violation{field, "TRAINING_NOT_RECOGNIZED", std::move(dutch), -1};
}

std::optional<Violation> SchoolYearReachableFinding(const SchoolYear& school_year,
                                                    const Date& today, const std::string& field) {
  const SchoolYear next = SchoolYear::StartingIn(SchoolYear::Of(today).first_year() + 1);
  if (school_year.first_year() <= next.first_year()) return std::nullopt;
  return Violation{field, "SCHOOL_YEAR_TOO_FAR_AHEAD",
                   absl::StrCat("U kunt registreren tot en met het schooljaar ", next.ToString(),
                                "; ", school_year.ToString(), " ligt verder in de toekomst."),
                   -1};
}

double VolumeHours(const TrainingFacts& training, const VovRuleConfig& config) {
  switch (training.type) {
    case TrainingType::kContactHours:
      return training.planned_hours;
    case TrainingType::kStudyPoints:
      return config.hours_per_study_point * training.study_points;
    case TrainingType::kLestijden:
      return training.lestijden;
    case TrainingType::kExamBoard:
      return config.hours_per_exam * training.exam_count;
    case TrainingType::kEvc:
      return config.hours_per_competence * training.competence_count;
    case TrainingType::kUnspecified:
      break;
  }
  return 0;
}

namespace {

absl::CivilDay CivilOf(const Date& date) { return absl::CivilDay(date.year, date.month, date.day); }

// The part of the training's run that falls in the school year, as a fraction of its days; 1 when
// the run is not known at both ends or lies in this year alone.
double ShareOfRunIn(const TrainingFacts& training, const SchoolYear& school_year) {
  if (!training.start_date || !training.end_date || *training.end_date < *training.start_date ||
      !IsValidDate(*training.start_date) || !IsValidDate(*training.end_date)) {
    return 1;
  }
  const Date from = std::max(*training.start_date, school_year.start());
  const Date to = std::min(*training.end_date, school_year.end());
  if (to < from) return 0;
  const double run_days =
      static_cast<double>(CivilOf(*training.end_date) - CivilOf(*training.start_date) + 1);
  return static_cast<double>(CivilOf(to) - CivilOf(from) + 1) / run_days;
}

double TwoDecimals(double hours) { return std::round(hours * 100) / 100; }

}  // namespace

double CountedHours(const TrainingFacts& training, const SchoolYear& school_year,
                    const ParticipantInput& participant, const VovRuleConfig& config) {
  const auto* attendance = std::get_if<AttendanceInput>(&participant.measurement);
  const auto* participation = std::get_if<ParticipationInput>(&participant.measurement);
  const bool took_part = (attendance != nullptr && attendance->hours_present > 0) ||
                         (participation != nullptr && participation->participated);
  if (!took_part) return 0;
  if (training.type == TrainingType::kContactHours) {
    if (attendance != nullptr) return TwoDecimals(attendance->hours_present);
    if (!training.module_codes.empty()) {
      // Each module once, however often it was listed.
      absl::flat_hash_set<absl::string_view> counted;
      double hours = 0;
      for (const std::string& code : participation->completed_module_codes) {
        if (counted.insert(code).second) hours += training.HoursOfModule(code);
      }
      return TwoDecimals(hours);
    }
  }
  return TwoDecimals(VolumeHours(training, config) * ShareOfRunIn(training, school_year));
}

namespace {

using AddViolation =
    std::function<void(absl::string_view field, std::string reason, std::string description)>;

// The training's dates: each valid, the recognition's start given, no end before its start.
void CheckTrainingDates(const TrainingFacts& training, const AddViolation& add) {
  const std::pair<absl::string_view, const std::optional<Date>*> dates[] = {
      {"start_date", &training.start_date},
      {"end_date", &training.end_date},
      {"recognition_start_date", &training.recognition_start_date},
      {"recognition_end_date", &training.recognition_end_date},
  };
  bool dates_valid = true;
  for (const auto& [field, date] : dates) {
    if (date->has_value() && !IsValidDate(**date)) {
      add(field, "INVALID_DATE", "Deze datum is ongeldig.");
      dates_valid = false;
    }
  }
  if (!training.recognition_start_date.has_value()) {
    add("recognition_start_date", "FIELD_REQUIRED", "De startdatum van de erkenning is verplicht.");
  }
  if (dates_valid) {
    if (training.start_date && training.end_date && *training.end_date < *training.start_date) {
      add("end_date", "END_BEFORE_START", "De einddatum van de opleiding ligt voor de startdatum.");
    }
    if (training.recognition_start_date && training.recognition_end_date &&
        *training.recognition_end_date < *training.recognition_start_date) {
      add("recognition_end_date", "END_BEFORE_START",
          "De einddatum van de erkenning ligt voor de startdatum.");
    }
  }
}

void CheckTrainingVolume(const TrainingFacts& training, const VovRuleConfig& config,
                         const AddViolation& add) {
  // The minimum volume of a recognised training (DOMAIN.md); exam board and EVC have no stated
  // minimum, but without an exam or competence there is nothing to count.
  switch (training.type) {
    case TrainingType::kUnspecified:
      add("type", "FIELD_REQUIRED", "Het type opleiding is verplicht.");
      break;
    case TrainingType::kContactHours:
      if (!HoursInRange(training.planned_hours, config)) {
        add("planned_hours", "INVALID_HOURS",
            absl::StrCat("Het aantal uren moet een getal tussen 0 en ", config.max_hours,
                         " zijn."));
      } else if (training.planned_hours < config.min_training_contact_hours) {
        add("planned_hours", "TRAINING_VOLUME_TOO_SMALL",
            absl::StrCat("Een erkende opleiding heeft minstens ", config.min_training_contact_hours,
                         " contacturen."));
      }
      break;
    case TrainingType::kStudyPoints:
      if (training.study_points < config.min_training_study_points) {
        add("study_points", "TRAINING_VOLUME_TOO_SMALL",
            absl::StrCat("Een erkende opleiding heeft minstens ", config.min_training_study_points,
                         " studiepunten."));
      }
      break;
    case TrainingType::kLestijden:
      if (training.lestijden < config.min_training_lestijden) {
        add("lestijden", "TRAINING_VOLUME_TOO_SMALL",
            absl::StrCat("Een erkende opleiding heeft minstens ", config.min_training_lestijden,
                         " lestijden."));
      }
      break;
    case TrainingType::kExamBoard:
      if (training.exam_count < 1) {
        add("exam_count", "TRAINING_VOLUME_TOO_SMALL",
            "Een opleiding van een examencommissie heeft minstens één examen.");
      }
      break;
    case TrainingType::kEvc:
      if (training.competence_count < 1) {
        add("competence_count", "TRAINING_VOLUME_TOO_SMALL",
            "Een EVC-traject heeft minstens één competentie.");
      }
      break;
  }
}

}  // namespace

std::vector<Violation> ValidateTraining(const TrainingFacts& training, const std::string& path,
                                        const VovRuleConfig& config) {
  std::vector<Violation> violations;
  const AddViolation add = [&](absl::string_view field, std::string reason,
                               std::string description) {
    violations.push_back({JoinPath(path, field), std::move(reason), std::move(description), -1});
  };
  if (training.odb_number.empty()) {
    add("odb_number", "FIELD_REQUIRED", "Het ODB-nummer is verplicht.");
  }
  if (training.provider_organization_id.empty()) {
    add("provider_organization", "FIELD_REQUIRED", "De opleidingsverstrekker is verplicht.");
  }
  if (training.delivery_mode == DeliveryMode::kUnspecified) {
    add("delivery_mode", "FIELD_REQUIRED", "De onderwijsvorm is verplicht.");
  }
  CheckTrainingDates(training, add);
  CheckTrainingVolume(training, config, add);
  return violations;
}

}  // namespace wse::registration
