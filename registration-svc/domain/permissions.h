#pragma once
// What registration-svc asks rights-svc: may this person register VOV attendance for this
// organisation now, and if not, what can they request. Decided by rights-svc (never from token
// claims), asked on every call or kept under rights-svc's lease (kept_answers.h), so a granted
// or revoked right shows on the next screen either way.

#include <string>

#include "absl/status/statusor.h"
#include "common/request_context.h"
#include "rights-svc/client/rights_client.h"

namespace wse::registration {

struct PermissionView {
  bool allowed = false;
  std::string requestable_role;          // A role the person may request, if any.
  std::string requestable_context;       // The context to request it with.
  std::string pending_access_request;    // Resource name of their open request, if any.
  bool access_request_possible = false;  // 'Gebruikersrecht aanvragen' works now.
  rights::AccessRequestObstacle obstacle = rights::AccessRequestObstacle::kNone;  // Why not.
};

class Permissions {
 public:
  virtual ~Permissions() = default;
  virtual absl::StatusOr<PermissionView> Explain(const std::string& person_id,
                                                 const std::string& organization_id,
                                                 const std::string& permission,
                                                 const RequestContext& call) = 0;
  // The decision only (RightsService.CheckPermission): every registration call needs it.
  virtual absl::StatusOr<bool> Allowed(const std::string& person_id,
                                       const std::string& organization_id,
                                       const std::string& permission,
                                       const RequestContext& call) = 0;
};

}  // namespace wse::registration
