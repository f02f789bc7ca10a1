#include "rights-svc/adapters/membership_service.h"

#include "common/call_context.h"
#include "common/resource_name.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace wse::rights {

grpc::Status MembershipService::CheckMembership(
    grpc::ServerContext* context, const wse::rights::v1::CheckMembershipRequest* request,
    wse::rights::v1::CheckMembershipResponse* response) {
  return Serve(context, "CheckMembership", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(operators_.RequireTrusted(call));
    absl::StatusOr<std::string> person = IdFromName(request->person(), "persons", "person");
    absl::StatusOr<std::string> organization =
        IdFromName(request->organization(), "organizations", "organization");
    if (!person.ok() || !organization.ok()) {
      std::vector<FieldViolation> violations = FieldViolationsOf(person.status());
      for (auto& v : FieldViolationsOf(organization.status())) violations.push_back(std::move(v));
      return InvalidArgument(std::move(violations));
    }
    ASSIGN_OR_RETURN(auto decision, permissions_.Membership(*person, *organization));
    response->set_active_work_relation(decision.active_work_relation);
    response->set_active_grant(decision.active_grant);
    response->set_revision(decision.revision);
    return absl::OkStatus();
  });
}

}  // namespace wse::rights
