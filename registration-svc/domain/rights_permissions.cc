#include "registration-svc/domain/rights_permissions.h"

#include <algorithm>

#include "common/status_macros.h"

namespace wse::registration {

absl::StatusOr<bool> RightsPermissions::Allowed(const std::string& person_id,
                                                const std::string& organization_id,
                                                const std::string& permission,
                                                const RequestContext& call) {
  // Without a lease nothing can be kept: the plain question (rights-svc then answers from its
  // remembered revision rather than reading it for reuse).
  if (kept_ == nullptr || !kept_->Keeping()) {
    ASSIGN_OR_RETURN(rights::PermissionAnswer answer,
                     rights_.CheckPermission(person_id, organization_id, permission, call));
    return answer.allowed;
  }
  if (std::optional<bool> kept = kept_->Find(person_id, organization_id, permission)) {
    kept_lookups_.Hit();
    return *kept;
  }
  kept_lookups_.Miss();
  const KeptAnswers::Asking asking = kept_->BeforeAsking();
  ASSIGN_OR_RETURN(rights::PermissionAnswer answer,
                   rights_.CheckPermissionForReuse(person_id, organization_id, permission, call));
  kept_->Keep(person_id, organization_id, permission, answer, asking);
  return answer.allowed;
}

absl::StatusOr<PermissionView> RightsPermissions::Explain(const std::string& person_id,
                                                          const std::string& organization_id,
                                                          const std::string& permission,
                                                          const RequestContext& call) {
  ASSIGN_OR_RETURN(auto explanation,
                   rights_.ExplainPermission(person_id, organization_id, permission, call));
  PermissionView view;
  view.allowed = explanation.allowed;
  view.pending_access_request = explanation.pending_access_request;
  view.access_request_possible = explanation.access_request_possible;
  view.obstacle = explanation.obstacle;
  // The first rule the person could still satisfy by requesting its role.
  for (const rights::PermissionRule& rule : explanation.rules) {
    if (!rule.requestable || rule.satisfied) continue;
    view.requestable_role = rule.role;
    const auto& contexts = rule.contexts;
    auto preferred = std::find(contexts.begin(), contexts.end(), preferred_context_);
    view.requestable_context =
        preferred != contexts.end() ? *preferred : (contexts.empty() ? std::string() : contexts[0]);
    break;
  }
  return view;
}

}  // namespace wse::registration
