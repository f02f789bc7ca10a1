#pragma once
// Domain-level records shared by the registration tests that drive RegistrationManager directly
// (the proto-level equivalents for tests through the API are in vov_fixtures.h).

#include <string>

#include "registration-svc/domain/model.h"
#include "registration-svc/domain/registration_manager.h"

namespace wse::registration::testing {

// The import of a contact-hours training of 120 planned hours in the classroom, recognised since
// 1 September 2020, given by organisation `provider_id`.
inline TrainingImportItem ContactHoursTrainingImport(const std::string& odb_number,
                                                     const std::string& provider_id,
                                                     const std::string& title) {
  TrainingImportItem item;
  item.training.facts.odb_number = odb_number;
  item.training.facts.provider_organization_id = provider_id;
  item.training.facts.type = TrainingType::kContactHours;
  item.training.facts.planned_hours = 120;
  item.training.facts.delivery_mode = DeliveryMode::kClassroom;
  item.training.facts.recognition_start_date = Date{2020, 9, 1};
  item.training.title = title;
  return item;
}

// A participant present `present` of `to_follow` contact hours, without unjustified absence, who
// completed the route and took part in the final assessment.
inline ParticipantRecord AttendingParticipantRecord(const std::string& insz, double present,
                                                    double to_follow) {
  ParticipantRecord p;
  p.display_name = "Deelnemer";
  p.input.insz = insz;
  AttendanceInput attendance;
  attendance.hours_present = present;
  attendance.contact_hours_to_follow = to_follow;
  p.input.measurement = attendance;
  p.input.final_assessment = FinalAssessment::kParticipated;
  p.input.route_completed = true;
  p.input.exam_contract = false;
  return p;
}

}  // namespace wse::registration::testing
