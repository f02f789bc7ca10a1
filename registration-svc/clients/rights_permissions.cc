#include "registration-svc/clients/rights_permissions.h"

#include <algorithm>

#include "common/call_context.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "grpcpp/channel.h"

namespace wse::registration {
namespace {

// The caller's own credentials failing is their problem (UNAUTHENTICATED / PERMISSION_DENIED);
// the caller's own deadline passing is DEADLINE_EXCEEDED; anything else (including our 3 s cap
// on rights-svc) means rights-svc cannot decide now, which the caller may retry: UNAVAILABLE.
absl::Status Mapped(const grpc::Status& status, const RequestContext& call) {
  if (status.ok()) return absl::OkStatus();
  absl::Status mapped = FromGrpcStatus(status);
  if (absl::IsUnauthenticated(mapped) || absl::IsPermissionDenied(mapped)) return mapped;
  if (absl::IsDeadlineExceeded(mapped) && call.deadline <= std::chrono::system_clock::now()) {
    return mapped;
  }
  return absl::UnavailableError("rights-svc is unavailable; retry later");
}

}  // namespace

RightsPermissions::RightsPermissions(std::shared_ptr<grpc::Channel> channel,
                                     std::string preferred_context)
    : stub_(rights::v1::RightsService::NewStub(std::move(channel))),
      preferred_context_(std::move(preferred_context)) {}

absl::StatusOr<PermissionView> RightsPermissions::Explain(const std::string& person_id,
                                                          const std::string& organization_id,
                                                          const std::string& permission,
                                                          const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, &context);
  rights::v1::ExplainPermissionRequest request;
  request.set_person("persons/" + person_id);
  request.set_organization("organizations/" + organization_id);
  request.set_permission(permission);
  rights::v1::ExplainPermissionResponse response;
  RETURN_IF_ERROR(Mapped(stub_->ExplainPermission(&context, request, &response), call));
  PermissionView view;
  view.allowed = response.allowed();
  view.pending_access_request = response.pending_access_request();
  view.access_request_possible = response.access_request_possible();
  for (const auto& rule : response.rules()) {
    if (!rule.requestable() || rule.satisfied()) continue;
    view.requestable_role = rule.role();
    const auto& contexts = rule.contexts();
    auto preferred = std::find(contexts.begin(), contexts.end(), preferred_context_);
    view.requestable_context =
        preferred != contexts.end() ? *preferred : (contexts.empty() ? std::string() : contexts[0]);
    break;
  }
  return view;
}

void RightsPermissions::Prepare(const RequestContext& call, grpc::ClientContext* context) const {
  PropagateTo(call, context);
  const auto limit = std::chrono::system_clock::now() + std::chrono::seconds(3);
  if (context->deadline() > limit) context->set_deadline(limit);
  if (call.bearer_token) context->AddMetadata("authorization", "Bearer " + *call.bearer_token);
}

absl::StatusOr<bool> RightsPermissions::Allowed(const std::string& person_id,
                                                const std::string& organization_id,
                                                const std::string& permission,
                                                const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, &context);
  rights::v1::CheckPermissionRequest request;
  request.set_person("persons/" + person_id);
  request.set_organization("organizations/" + organization_id);
  request.set_permission(permission);
  rights::v1::CheckPermissionResponse response;
  RETURN_IF_ERROR(Mapped(stub_->CheckPermission(&context, request, &response), call));
  return response.allowed();
}

}  // namespace wse::registration
