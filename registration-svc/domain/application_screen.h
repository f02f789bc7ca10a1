#pragma once
// The 'Aanvraag' screen as data: title 'Vlaams opleidingsverlof', subtitle
// 'Aanwezigheid/deelname registreren' and exactly one action for the caller's current context:
// - personal context: log in via the school or organisation first;
// - no right yet: 'Gebruikersrecht aanvragen' (with the role and context to request, the pending
//   request if any, the 1700 guidance when no local administrator can be mailed, the request for
//   the user's own e-mail address when it is unknown), enabled exactly when CreateAccessRequest
//   would accept it (rights-svc decides both);
// - the only local administrator without the right: 'Gebruikersbeheer', to grant it themselves;
// - the right: 'aanvragen' (start a registration).

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "registration-svc/domain/permissions.h"
#include "wse/registration/v1/application_screen.pb.h"

namespace wse::registration {

inline constexpr char kRegisterPermission[] = "vov.registration.write";

class ApplicationScreenBuilder {
 public:
  ApplicationScreenBuilder(Permissions& permissions, std::string support_email,
                           std::string gebruikersbeheer_help_url = "")
      : permissions_(permissions),
        support_email_(std::move(support_email)),
        help_url_(std::move(gebruikersbeheer_help_url)) {}

  // With a registration window (--registration_window): the REGISTER screen lists the school
  // years open for registration with their deadline.
  void ShowRegistrationDeadlines(std::optional<absl::Duration> window,
                                 std::function<absl::Time()> clock = absl::Now) {
    registration_window_ = window;
    clock_ = std::move(clock);
  }

  // `organization_id` nullopt: the caller acts in their personal context.
  absl::StatusOr<v1::ApplicationScreen> Build(const std::string& person_id,
                                              const std::optional<std::string>& organization_id,
                                              const RequestContext& call);

 private:
  Permissions& permissions_;
  std::string support_email_;
  std::string help_url_;
  std::optional<absl::Duration> registration_window_;
  std::function<absl::Time()> clock_ = absl::Now;
};

}  // namespace wse::registration
