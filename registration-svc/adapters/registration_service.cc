// RegistrationServiceImpl: authentication, the 'Aanvraag' screen, and helpers of all RPCs.
#include "registration-svc/adapters/registration_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/resource_name.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/support/method_handler.h"
#include "registration-svc/domain/names.h"

namespace wse::registration {

absl::Status NotFoundElsewhere(absl::string_view what) {
  return ErrorBuilder(absl::StatusCode::kNotFound, absl::StrCat("no such ", what))
      .Reason("NOT_FOUND")
      .Dutch("Dit werd niet gevonden bij uw organisatie.");
}

absl::Status SameOrganization(const Actor& actor, const std::string& organization_id,
                              absl::string_view what) {
  if (actor.organization_id.empty() || actor.organization_id == organization_id) {
    return absl::OkStatus();
  }
  return NotFoundElsewhere(what);
}

absl::Status CheckParent(const Actor& actor, const std::string& parent) {
  ASSIGN_OR_RETURN(auto org, ParseOrganization(parent, "parent"));
  if (!actor.organization_id.empty() && org != actor.organization_id) {
    return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                        "the organisation is not the one you are logged in for")
        .Reason("ORGANIZATION_MISMATCH")
        .Dutch("U bent niet aangemeld voor deze organisatie. Kies de juiste organisatie.");
  }
  return absl::OkStatus();
}

RegistrationServiceImpl::RegistrationServiceImpl(RegistrationServiceDeps deps) : deps_(deps) {
  const auto* method = google::protobuf::DescriptorPool::generated_pool()
                           ->FindServiceByName(v1::RegistrationService::service_full_name())
                           ->FindMethodByName("UploadParticipants");
  // The generated code numbers its methods in declaration order, as the descriptor does.
  MarkMethodStreamed(
      method->index(),
      new grpc::internal::ClientStreamingHandler<RegistrationServiceImpl, grpc::ByteBuffer,
                                                 v1::UploadParticipantsResponse>(
          [](RegistrationServiceImpl* service, grpc::ServerContext* context,
             grpc::ServerReader<grpc::ByteBuffer>* frames,
             v1::UploadParticipantsResponse* response) {
            return service->UploadParticipantsFrames(context, frames, response);
          },
          this));
}

absl::StatusOr<Actor> RegistrationServiceImpl::Authenticate(const RequestContext& call) {
  Actor actor;
  ASSIGN_OR_RETURN(const bool trusted, deps_.operators.TrustedOrPerson(call));
  if (trusted) {
    actor.is_operator = true;
    return actor;
  }
  ASSIGN_OR_RETURN(auto caller, deps_.tokens.Verify(call.bearer_token));
  actor.person_id = caller.person_id;
  if (caller.organization) {
    actor.organization_id = std::string(absl::StripPrefix(*caller.organization, "organizations/"));
  }
  return actor;
}

grpc::Status RegistrationServiceImpl::GetApplicationScreen(
    grpc::ServerContext* context, const v1::GetApplicationScreenRequest* request,
    v1::GetApplicationScreenResponse* response) {
  return Serve(context, "GetApplicationScreen", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(deps_.operators.RefuseOtherServices(call));
    ASSIGN_OR_RETURN(auto caller, deps_.tokens.Verify(call.bearer_token));
    std::optional<std::string> organization;
    if (caller.organization) {
      organization = std::string(absl::StripPrefix(*caller.organization, "organizations/"));
    }
    if (!request->organization().empty()) {
      ASSIGN_OR_RETURN(auto named,
                       IdFromName(request->organization(), "organizations", "organization"));
      if (!organization || named != *organization) {
        return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                            "the organisation is not the one you are logged in for")
            .Reason("ORGANIZATION_MISMATCH")
            .Dutch("U bent niet aangemeld voor deze organisatie. Kies de juiste organisatie.");
      }
    }
    ASSIGN_OR_RETURN(auto screen, deps_.screens.Build(caller.person_id, organization, call));
    *response->mutable_screen() = std::move(screen);
    return absl::OkStatus();
  });
}

}  // namespace wse::registration
