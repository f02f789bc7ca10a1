#include "rights-svc/domain/request_route.h"

#include <algorithm>

#include "common/status.h"

namespace wse::rights {

RequestRoute DecideRequestRoute(const std::vector<LocalAdministrator>& administrators,
                                const identity::PersonInfo& requester, const RoleDef* role,
                                bool pending) {
  RequestRoute route;
  if (role == nullptr) {
    route.obstacle = RequestObstacle::kNotRequestable;
    return route;
  }
  if (pending) {
    route.obstacle = RequestObstacle::kPending;
    return route;
  }
  for (const LocalAdministrator& admin : administrators) {
    if (admin.person.id != requester.id && !admin.person.email_address.empty()) {
      route.recipients.push_back(admin.person);
    }
  }
  const bool administers = std::any_of(administrators.begin(), administrators.end(),
                                       [&](const auto& a) { return a.person.id == requester.id; });
  if (route.recipients.empty()) {
    // Granting oneself works only for a role local administrators may grant (CreateGrant).
    route.obstacle = administers && role->grantable_by_local_administrator
                         ? RequestObstacle::kGrantYourself
                         : RequestObstacle::kNoReachableAdministrator;
  } else if (requester.email_address.empty()) {
    route.obstacle = RequestObstacle::kRequesterEmailUnknown;
  }
  if (route.obstacle != RequestObstacle::kNone) route.recipients.clear();
  return route;
}

std::string ObstacleText(RequestObstacle obstacle) {
  switch (obstacle) {
    case RequestObstacle::kGrantYourself:
      return "U bent zelf lokale beheerder van deze organisatie en er is geen andere lokale "
             "beheerder die uw aanvraag kan behandelen. Ken uzelf het recht toe via "
             "'Gebruikersbeheer'.";
    case RequestObstacle::kNoReachableAdministrator:
      return "Uw organisatie heeft geen lokale beheerder met een gekend e-mailadres, daarom kan "
             "uw aanvraag niet automatisch doorgestuurd worden. Contacteer de 1700 infolijn en "
             "vraag naar iemand van het team 'gebruikersbeheer'.";
    case RequestObstacle::kRequesterEmailUnknown:
      return "Wij kennen uw e-mailadres nog niet, en u krijgt een mail zodra uw lokale beheerder "
             "het recht toekent. Geef eerst uw e-mailadres op en bevestig het met de code die u "
             "per mail ontvangt; daarna kunt u het gebruikersrecht aanvragen.";
    case RequestObstacle::kPending:
      return "Uw aanvraag voor het gebruikersrecht wacht op uw lokale beheerder.";
    case RequestObstacle::kNotRequestable:
      return "Dit recht kan niet aangevraagd worden. Wend u tot uw lokale beheerder.";
    case RequestObstacle::kNone:
      break;
  }
  return "";
}

absl::Status RequestRefused(RequestObstacle obstacle) {
  switch (obstacle) {
    case RequestObstacle::kGrantYourself:
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                          "you are the organisation's only local administrator: grant the right "
                          "to yourself in gebruikersbeheer")
          .Reason("REQUESTER_IS_ONLY_LOCAL_ADMINISTRATOR")
          .Dutch(ObstacleText(obstacle));
    case RequestObstacle::kNoReachableAdministrator:
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                          "the organisation has no other local administrator with a known "
                          "e-mail address")
          .Reason("NO_REACHABLE_LOCAL_ADMINISTRATOR",
                  {{"helpdesk_phone", "1700"}, {"helpdesk_team", "gebruikersbeheer"}})
          .Dutch(ObstacleText(obstacle));
    case RequestObstacle::kRequesterEmailUnknown:
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                          "your e-mail address is not known: give and confirm it first "
                          "(IdentityService.StartEmailVerification)")
          .Reason("REQUESTER_EMAIL_UNKNOWN")
          .Dutch(ObstacleText(obstacle));
    case RequestObstacle::kNotRequestable:
    case RequestObstacle::kPending:
    case RequestObstacle::kNone:
      break;
  }
  return absl::OkStatus();
}

}  // namespace wse::rights
