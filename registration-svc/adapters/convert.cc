#include "registration-svc/adapters/convert.h"

#include <variant>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/identifiers.h"
#include "registration-svc/domain/names.h"
#include "registration-svc/domain/version_builder.h"

namespace wse::registration {
namespace {

void Problem(std::vector<Violation>* out, std::string field, std::string reason,
             std::string description) {
  Violation v;
  v.field = std::move(field);
  v.reason = std::move(reason);
  v.description = std::move(description);
  out->push_back(std::move(v));
}

std::string Join(const std::string& path, absl::string_view field) {
  return path.empty() ? std::string(field) : absl::StrCat(path, ".", field);
}

std::optional<Date> DateFrom(bool present, const v1::Date& d) {
  if (!present) return std::nullopt;
  return Date{d.year(), d.month(), d.day()};
}

v1::Answer AnswerToProto(const std::optional<bool>& answer) {
  if (!answer.has_value()) return v1::ANSWER_UNSPECIFIED;
  return *answer ? v1::ANSWER_YES : v1::ANSWER_NO;
}

v1::FinalAssessment FinalAssessmentToProto(FinalAssessment f) {
  return static_cast<v1::FinalAssessment>(static_cast<int>(f));
}

void MeasurementToProto(const ParticipantInput& in, v1::Attendance* attendance_out,
                        v1::Participation* participation_out) {
  if (const auto* a = std::get_if<AttendanceInput>(&in.measurement)) {
    attendance_out->set_hours_present(a->hours_present);
    attendance_out->set_contact_hours_to_follow(a->contact_hours_to_follow);
    attendance_out->set_unjustified_absence_hours(a->unjustified_absence_hours);
  } else if (const auto* p = std::get_if<ParticipationInput>(&in.measurement)) {
    participation_out->set_participated(p->participated);
    for (const auto& code : p->completed_module_codes) {
      participation_out->add_completed_module_codes(code);
    }
  }
}

v1::RegistrationState StateOf(const RegistrationView& view) {
  if (view.withdrawn) return v1::REGISTRATION_STATE_WITHDRAWN;
  return view.version.version == view.latest_version ? v1::REGISTRATION_STATE_ACTIVE
                                                     : v1::REGISTRATION_STATE_SUPERSEDED;
}

}  // namespace

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    seconds -= 1;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

v1::Date DateToProto(const Date& date) {
  v1::Date out;
  out.set_year(date.year);
  out.set_month(date.month);
  out.set_day(date.day);
  return out;
}

TrainingImportItem TrainingFromProto(const v1::Training& in, const std::string& path) {
  TrainingImportItem item;
  TrainingRecord& t = item.training;
  TrainingFacts& f = t.facts;
  f.odb_number = NormalizeOdbNumber(in.odb_number());
  if (!in.provider_organization().empty()) {
    auto org = ParseOrganization(in.provider_organization(), "provider_organization");
    if (org.ok()) {
      f.provider_organization_id = *org;
    } else {
      Problem(&item.problems, Join(path, "provider_organization"), "INVALID_NAME",
              "Geef de organisatie als organizations/{id}.");
    }
  }
  if (!in.odb_number().empty() && !ParseTraining("trainings/" + in.odb_number(), "x").ok()) {
    Problem(&item.problems, Join(path, "odb_number"), "INVALID_ODB_NUMBER",
            "Het ODB-nummer bevat alleen letters, cijfers, '-' en '_'.");
  }
  if (v1::TrainingType_IsValid(in.type())) {
    f.type = static_cast<TrainingType>(in.type());
  } else {
    Problem(&item.problems, Join(path, "type"), "INVALID_ENUM", "Onbekend type opleiding.");
  }
  if (v1::DeliveryMode_IsValid(in.delivery_mode())) {
    f.delivery_mode = static_cast<DeliveryMode>(in.delivery_mode());
  } else {
    Problem(&item.problems, Join(path, "delivery_mode"), "INVALID_ENUM",
            "Onbekende onderwijsvorm.");
  }
  f.planned_hours = in.planned_hours();
  f.study_points = in.study_points();
  f.lestijden = in.lestijden();
  f.exam_count = in.exam_count();
  f.competence_count = in.competence_count();
  f.start_date = DateFrom(in.has_start_date(), in.start_date());
  f.end_date = DateFrom(in.has_end_date(), in.end_date());
  f.recognition_start_date = DateFrom(in.has_recognition_start_date(), in.recognition_start_date());
  f.recognition_end_date = DateFrom(in.has_recognition_end_date(), in.recognition_end_date());
  f.postgraduate = in.postgraduate();
  f.regular_programme =
      in.has_regular_programme() ? in.regular_programme() : LegacyRegularProgramme(f.odb_number);
  t.title = in.title();
  for (const auto& m : in.modules()) {
    TrainingModuleRecord module;
    module.code = m.code();
    module.title = m.title();
    module.hours = m.hours();
    t.modules.push_back(std::move(module));
    f.module_codes.push_back(m.code());
    f.module_hours.push_back(m.hours());
  }
  return item;
}

double RecognizedHours(const TrainingFacts& training, const VovRuleConfig& rules) {
  return VolumeHours(training, rules);
}

v1::Training TrainingToProto(const TrainingRecord& training, const VovRuleConfig& rules) {
  const TrainingFacts& f = training.facts;
  v1::Training out;
  out.set_name(TrainingName(f.odb_number));
  out.set_odb_number(f.odb_number);
  out.set_provider_organization(OrganizationName(f.provider_organization_id));
  out.set_title(training.title);
  for (const auto& m : training.modules) {
    auto* module = out.add_modules();
    module->set_code(m.code);
    module->set_title(m.title);
    module->set_hours(m.hours);
  }
  out.set_type(static_cast<v1::TrainingType>(static_cast<int>(f.type)));
  out.set_planned_hours(f.planned_hours);
  out.set_study_points(f.study_points);
  out.set_lestijden(f.lestijden);
  out.set_exam_count(f.exam_count);
  out.set_competence_count(f.competence_count);
  out.set_recognized_hours(RecognizedHours(f, rules));
  if (f.start_date) *out.mutable_start_date() = DateToProto(*f.start_date);
  if (f.end_date) *out.mutable_end_date() = DateToProto(*f.end_date);
  if (f.recognition_start_date)
    *out.mutable_recognition_start_date() = DateToProto(*f.recognition_start_date);
  if (f.recognition_end_date)
    *out.mutable_recognition_end_date() = DateToProto(*f.recognition_end_date);
  out.set_postgraduate(f.postgraduate);
  out.set_regular_programme(f.regular_programme);
  out.set_delivery_mode(static_cast<v1::DeliveryMode>(static_cast<int>(f.delivery_mode)));
  SetTimestamp(training.create_time, out.mutable_create_time());
  SetTimestamp(training.update_time, out.mutable_update_time());
  return out;
}

ParticipantRecord ParticipantFromProto(const v1::Participant& in,
                                       std::vector<Violation>* problems) {
  ParticipantRecord out;
  out.display_name = in.display_name();
  ParticipantInput& p = out.input;
  p.insz = in.insz();
  switch (in.measurement_case()) {
    case v1::Participant::kAttendance: {
      AttendanceInput a;
      a.hours_present = in.attendance().hours_present();
      a.contact_hours_to_follow = in.attendance().contact_hours_to_follow();
      a.unjustified_absence_hours = in.attendance().unjustified_absence_hours();
      p.measurement = a;
      break;
    }
    case v1::Participant::kParticipation: {
      ParticipationInput q;
      q.participated = in.participation().participated();
      q.completed_module_codes.assign(in.participation().completed_module_codes().begin(),
                                      in.participation().completed_module_codes().end());
      p.measurement = std::move(q);
      break;
    }
    case v1::Participant::MEASUREMENT_NOT_SET:
      break;
  }
  if (v1::FinalAssessment_IsValid(in.final_assessment())) {
    p.final_assessment = static_cast<FinalAssessment>(in.final_assessment());
  } else {
    Problem(problems, "final_assessment", "INVALID_ENUM",
            "Kies deelgenomen, niet deelgenomen, gewettigd afwezig of nog niet plaatsgevonden.");
  }
  if (in.has_route_completed()) p.route_completed = in.route_completed();
  if (in.has_exam_contract()) p.exam_contract = in.exam_contract();
  p.actual_end_date = DateFrom(in.has_actual_end_date(), in.actual_end_date());
  return out;
}

v1::Participant ParticipantToProto(const ParticipantRecord& p, const std::string& draft_name) {
  v1::Participant out;
  if (!draft_name.empty()) out.set_name(absl::StrCat(draft_name, "/participants/", p.id));
  out.set_masked_insz(MaskInsz(p.input.insz));
  out.set_display_name(p.display_name);
  MeasurementToProto(
      p.input,
      std::holds_alternative<AttendanceInput>(p.input.measurement) ? out.mutable_attendance()
                                                                   : nullptr,
      std::holds_alternative<ParticipationInput>(p.input.measurement) ? out.mutable_participation()
                                                                      : nullptr);
  out.set_final_assessment(FinalAssessmentToProto(p.input.final_assessment));
  if (p.input.route_completed) out.set_route_completed(*p.input.route_completed);
  if (p.input.exam_contract) out.set_exam_contract(*p.input.exam_contract);
  if (p.input.actual_end_date)
    *out.mutable_actual_end_date() = DateToProto(*p.input.actual_end_date);
  return out;
}

v1::Draft DraftToProto(const DraftRecord& d, const std::vector<ParticipantRecord>* participants) {
  v1::Draft out;
  const std::string name = DraftName(d.organization_id, d.id);
  out.set_name(name);
  out.set_training(TrainingName(d.odb_number));
  out.set_school_year(SchoolYear::StartingIn(d.school_year).ToString());
  switch (d.state) {
    case DraftState::kOpen:
      out.set_state(v1::DRAFT_STATE_OPEN);
      out.set_step(d.participant_count == 0           ? v1::DRAFT_STEP_PARTICIPANTS
                   : d.validated_version == d.version ? v1::DRAFT_STEP_CONFIRM
                                                      : v1::DRAFT_STEP_REVIEW);
      break;
    case DraftState::kConfirmed:
      out.set_state(v1::DRAFT_STATE_CONFIRMED);
      out.set_step(v1::DRAFT_STEP_DONE);
      break;
    case DraftState::kExpired:
      out.set_state(v1::DRAFT_STATE_EXPIRED);
      out.set_step(d.participant_count == 0 ? v1::DRAFT_STEP_PARTICIPANTS : v1::DRAFT_STEP_REVIEW);
      break;
  }
  if (participants) {
    for (const auto& p : *participants) *out.add_participants() = ParticipantToProto(p, name);
  }
  out.set_participant_count(participants ? static_cast<int>(participants->size())
                                         : d.participant_count);
  if (!d.corrects_registration_id.empty()) {
    out.set_corrects(
        RegistrationVersionName(d.organization_id, d.corrects_registration_id, d.corrects_version));
  }
  if (!d.registration_id.empty()) {
    out.set_registration(RegistrationName(d.organization_id, d.registration_id));
  }
  out.set_creator("persons/" + d.creator_id);
  SetTimestamp(d.create_time, out.mutable_create_time());
  SetTimestamp(d.update_time, out.mutable_update_time());
  SetTimestamp(d.expire_time, out.mutable_expire_time());
  out.set_etag(EtagOf(d.version));
  return out;
}

v1::Registration RegistrationToProto(const RegistrationView& view, bool with_participants) {
  const RegistrationVersionRecord& v = view.version;
  v1::Registration out;
  out.set_name(RegistrationName(v.organization_id, v.registration_id));
  out.set_organization(OrganizationName(v.organization_id));
  out.set_training(TrainingName(v.odb_number));
  out.set_school_year(SchoolYear::StartingIn(v.school_year).ToString());
  out.set_version(v.version);
  out.set_state(StateOf(view));
  if (with_participants) {
    for (const auto& p : v.participants) {
      ParticipantRecord row;
      row.display_name = p.display_name;
      row.input = p.input;
      *out.add_participants() = ParticipantToProto(row, "");
    }
  }
  auto* summary = out.mutable_participants_summary();
  summary->set_participant_count(v.summary.participant_count);
  summary->set_attendance_count(v.summary.attendance_count);
  summary->set_participation_count(v.summary.participation_count);
  summary->set_total_hours_present(v.summary.total_hours_present);
  summary->set_warning_count(v.summary.warning_count);
  out.set_submitted_by("persons/" + v.submitted_by);
  out.set_submitted_by_display_name(v.submitted_by_name);
  SetTimestamp(v.submit_time, out.mutable_submit_time());
  if (v.version > 1) {
    out.set_supersedes(
        RegistrationVersionName(v.organization_id, v.registration_id, v.version - 1));
  }
  out.set_receipt(ReceiptName(v.organization_id, v.registration_id, v.version));
  out.set_etag(EtagOf(view.latest_version));
  return out;
}

v1::Receipt ReceiptToProto(const RegistrationVersionRecord& v, const Deadlines& deadlines) {
  v1::Receipt out;
  out.set_name(ReceiptName(v.organization_id, v.registration_id, v.version));
  out.set_reference(ReferenceOf(v));
  out.set_kind(static_cast<v1::ReceiptKind>(static_cast<int>(v.kind)));
  out.set_registration(RegistrationVersionName(v.organization_id, v.registration_id, v.version));
  SetTimestamp(v.submit_time, out.mutable_submit_time());
  out.set_submitted_by("persons/" + v.submitted_by);
  out.set_submitted_by_display_name(v.submitted_by_name);
  out.set_organization(OrganizationName(v.organization_id));
  out.set_organization_display_name(v.organization_name);
  out.set_training(TrainingName(v.odb_number));
  out.set_training_title(v.training_title);
  out.set_school_year(SchoolYear::StartingIn(v.school_year).ToString());
  for (const auto& p : v.participants) {
    auto* line = out.add_lines();
    line->set_masked_insz(MaskInsz(p.input.insz));
    line->set_display_name(p.display_name);
    MeasurementToProto(p.input,
                       std::holds_alternative<AttendanceInput>(p.input.measurement)
                           ? line->mutable_attendance()
                           : nullptr,
                       std::holds_alternative<ParticipationInput>(p.input.measurement)
                           ? line->mutable_participation()
                           : nullptr);
    line->set_final_assessment(FinalAssessmentToProto(p.input.final_assessment));
    line->set_route_completed(p.input.route_completed.value_or(false));
    line->set_exam_contract(p.input.exam_contract.value_or(false));
    line->set_route_completed_answer(AnswerToProto(p.input.route_completed));
    line->set_exam_contract_answer(AnswerToProto(p.input.exam_contract));
    line->set_counted_hours(p.counted_hours);
    if (p.input.actual_end_date) {
      *line->mutable_actual_end_date() = DateToProto(*p.input.actual_end_date);
    }
    for (const auto& reason : p.warning_reasons) line->add_warning_reasons(reason);
  }
  out.set_withdraw_reason(v.withdraw_reason);
  out.set_content_sha256(v.content_sha256);
  out.set_content_format(v.content_format);
  if (deadlines.registration)
    SetTimestamp(*deadlines.registration, out.mutable_registration_deadline());
  if (deadlines.correction) SetTimestamp(*deadlines.correction, out.mutable_correction_deadline());
  return out;
}

v1::Violation ViolationToProto(const Violation& v,
                               const std::vector<ParticipantRecord>& participants,
                               const std::string& draft_name) {
  v1::Violation out;
  out.set_reason(v.reason);
  out.set_description(v.description);
  if (v.participant_index >= 0 && static_cast<size_t>(v.participant_index) < participants.size()) {
    const std::string prefix = absl::StrCat("participants[", v.participant_index, "].");
    out.set_participant(absl::StrCat(draft_name, "/participants/",
                                     participants[static_cast<size_t>(v.participant_index)].id));
    out.set_field(std::string(absl::StripPrefix(v.field, prefix)));
  } else {
    out.set_field(v.field);
  }
  return out;
}

}  // namespace wse::registration
