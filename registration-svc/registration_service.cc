#include "registration-svc/registration_service.h"

#include "absl/strings/strip.h"
#include "common/resource_name.h"
#include "common/status.h"

namespace wse::registration {

grpc::Status RegistrationServiceImpl::GetApplicationScreen(
    grpc::ServerContext* context, const v1::GetApplicationScreenRequest* request,
    v1::GetApplicationScreenResponse* response) {
  return Serve(context, "GetApplicationScreen", [&](const CallContext& call) -> absl::Status {
    auto caller = tokens_.Verify(call.bearer_token);
    if (!caller.ok()) return caller.status();
    std::optional<std::string> organization;
    if (caller->organization) {
      organization = std::string(absl::StripPrefix(*caller->organization, "organizations/"));
    }
    if (!request->organization().empty()) {
      auto named = IdFromName(request->organization(), "organizations", "organization");
      if (!named.ok()) return named.status();
      if (!organization || *named != *organization) {
        return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                            "the organisation is not the one you are logged in for")
            .Reason("ORGANIZATION_MISMATCH")
            .Dutch("U bent niet aangemeld voor deze organisatie. Kies de juiste organisatie.");
      }
    }
    auto screen = screens_.Build(caller->person_id, organization, call);
    if (!screen.ok()) return screen.status();
    *response->mutable_screen() = *std::move(screen);
    return absl::OkStatus();
  });
}

}  // namespace wse::registration
