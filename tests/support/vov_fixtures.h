#pragma once
// Request data shared by the tests and the load generator (bench/load): a contact-hours training
// the VOV rules accept and a participant who attended it. Header-only, so that bench/ needs no test
// library; depends on the registration contracts only.

#include <string>

#include "wse/registration/v1/participant.pb.h"
#include "wse/registration/v1/training.pb.h"

namespace wse::testing {

// A contact-hours training of 120 planned hours in the classroom, recognised since 1 September
// 2020, given by `provider_organization` (organizations/{id}).
inline void FillContactHoursTraining(wse::registration::v1::Training* training,
                                     const std::string& odb_number,
                                     const std::string& provider_organization,
                                     const std::string& title) {
  namespace reg = wse::registration::v1;
  training->set_odb_number(odb_number);
  training->set_provider_organization(provider_organization);
  training->set_title(title);
  training->set_type(reg::TRAINING_TYPE_CONTACT_HOURS);
  training->set_planned_hours(120);
  training->set_delivery_mode(reg::DELIVERY_MODE_CLASSROOM);
  training->mutable_recognition_start_date()->set_year(2020);
  training->mutable_recognition_start_date()->set_month(9);
  training->mutable_recognition_start_date()->set_day(1);
}

// A participant present `present` of `to_follow` contact hours, without unjustified absence, who
// completed the route and took part in the final assessment.
inline wse::registration::v1::Participant AttendingParticipant(const std::string& insz,
                                                               const std::string& display_name,
                                                               double present, double to_follow) {
  namespace reg = wse::registration::v1;
  reg::Participant p;
  p.set_insz(insz);
  p.set_display_name(display_name);
  p.mutable_attendance()->set_hours_present(present);
  p.mutable_attendance()->set_contact_hours_to_follow(to_follow);
  p.mutable_attendance()->set_unjustified_absence_hours(0);
  p.set_final_assessment(reg::FINAL_ASSESSMENT_PARTICIPATED);
  p.set_route_completed(true);
  p.set_exam_contract(false);
  return p;
}

}  // namespace wse::testing
