#include "registration-svc/domain/application_screen.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "registration-svc/domain/deadlines.h"
#include "registration-svc/domain/school_year.h"

namespace wse::registration {
namespace {

// 'Vlaams opleidingsverlof' / 'Aanwezigheid/deelname registreren' with the screen's own button.
void AddFirstEntry(v1::ApplicationScreen& screen) {
  v1::ScreenEntry* entry = screen.add_entries();
  entry->set_title(screen.title());
  entry->set_subtitle(screen.subtitle());
  entry->set_action(screen.action());
  entry->set_button_label(screen.button_label());
}

}  // namespace

absl::StatusOr<v1::ApplicationScreen> ApplicationScreenBuilder::Build(
    const std::string& person_id, const std::optional<std::string>& organization_id,
    const RequestContext& call) {
  v1::ApplicationScreen screen;
  screen.set_title("Vlaams opleidingsverlof");
  screen.set_subtitle("Aanwezigheid/deelname registreren");
  screen.set_support_email_address(support_email_);
  if (!organization_id) {
    screen.set_action(v1::SCREEN_ACTION_SELECT_ORGANIZATION);
    screen.set_message(
        "U bent aangemeld met uw persoonlijke naam. Meld u aan via de school of organisatie "
        "waarvoor u aanwezigheden en/of deelnames wilt registreren.");
    AddFirstEntry(screen);
    return screen;
  }
  ASSIGN_OR_RETURN(auto view,
                   permissions_.Explain(person_id, *organization_id, kRegisterPermission, call));
  if (view.allowed) {
    screen.set_action(v1::SCREEN_ACTION_REGISTER);
    screen.set_button_label("aanvragen");
    screen.set_message(
        "Klik op 'aanvragen' (of op 'Registreren' onder 'Opleidingsdatabank Vlaamse "
        "opleidingsincentives') om een opleiding aan te melden ter registratie.");
    AddFirstEntry(screen);
    // The seed's other way in, named in the mail that grants the right: the same steps.
    v1::ScreenEntry* databank = screen.add_entries();
    databank->set_title("Opleidingsdatabank Vlaamse opleidingsincentives");
    databank->set_action(v1::SCREEN_ACTION_REGISTER);
    databank->set_button_label("Registreren");
    for (const OpenSchoolYear& open : OpenForRegistration(clock_(), registration_window_)) {
      v1::RegistrationDeadline* deadline = screen.add_registration_deadlines();
      const std::string year = SchoolYear::StartingIn(open.school_year).ToString();
      deadline->set_school_year(year);
      deadline->mutable_deadline()->set_seconds(absl::ToUnixSeconds(open.deadline));
      deadline->set_text(absl::StrCat("U kunt registreren voor het schooljaar ", year,
                                      " tot en met ", LastDayInDutch(open.deadline), "."));
    }
    return screen;
  }
  using rights::AccessRequestObstacle;
  if (view.obstacle == AccessRequestObstacle::kGrantYourself) {
    // Asking would mail nobody, and 1700 would send them back to gebruikersbeheer.
    screen.set_action(v1::SCREEN_ACTION_GRANT_OWN_RIGHT);
    screen.set_button_label("Gebruikersbeheer");
    screen.set_requested_role(view.requestable_role);
    screen.set_requested_context(view.requestable_context);
    screen.set_gebruikersbeheer_help_url(help_url_);
    screen.set_message(
        "U heeft nog niet de juiste rechten om een opleiding te registreren. U bent zelf lokale "
        "beheerder van deze organisatie en er is geen andere lokale beheerder die uw aanvraag "
        "kan behandelen: ken uzelf het recht toe via 'Gebruikersbeheer'.");
    AddFirstEntry(screen);
    return screen;
  }
  screen.set_action(v1::SCREEN_ACTION_REQUEST_RIGHT);
  screen.set_button_label("Gebruikersrecht aanvragen");
  screen.set_requested_role(view.requestable_role);
  screen.set_requested_context(view.requestable_context);
  screen.set_pending_access_request(view.pending_access_request);
  screen.set_access_request_possible(view.access_request_possible);
  AddFirstEntry(screen);
  if (!view.pending_access_request.empty()) {
    screen.set_message(
        "Uw aanvraag voor het gebruikersrecht wacht op uw lokale beheerder. Zodra het recht is "
        "toegekend, ontvangt u een mail; meld u dan opnieuw aan.");
  } else if (view.obstacle == AccessRequestObstacle::kRequesterEmailUnknown) {
    screen.set_email_address_required(true);
    screen.set_message(
        "U heeft nog niet de juiste rechten om een opleiding te registreren. Wij kennen uw "
        "e-mailadres nog niet: geef het op en bevestig het met de code die u per mail ontvangt. "
        "Daarna kunt u op 'Gebruikersrecht aanvragen' klikken; zodra uw lokale beheerder het "
        "recht toekent, ontvangt u een mail.");
  } else if (view.obstacle == AccessRequestObstacle::kNotRequestable) {
    screen.set_message(
        "U heeft nog niet de juiste rechten om een opleiding te registreren. Dit recht kan niet "
        "aangevraagd worden: wend u tot uw lokale beheerder.");
  } else if (!view.access_request_possible) {
    screen.set_message(
        "U heeft nog niet de juiste rechten om een opleiding te registreren, en uw organisatie "
        "heeft geen lokale beheerder met een gekend e-mailadres. Contacteer de 1700 infolijn en "
        "vraag naar iemand van het team 'gebruikersbeheer'.");
  } else {
    screen.set_message(
        "U heeft nog niet de juiste rechten om een opleiding te registreren. Klik op "
        "'Gebruikersrecht aanvragen': uw lokale beheerder krijgt automatisch een mail met de "
        "vraag om u het recht toe te kennen.");
  }
  return screen;
}

}  // namespace wse::registration
