#pragma once
// registration-svc's Permissions answered by rights-svc (through its client library) on behalf
// of the caller: the live decision, and what the person could request instead.

#include <string>

#include "registration-svc/domain/permissions.h"
#include "rights-svc/client/rights_client.h"

namespace wse::registration {

class RightsPermissions final : public Permissions {
 public:
  // `preferred_context`: which of a role's contexts to offer first ('opleidingsdatabank' in the
  // portal's help text).
  RightsPermissions(rights::RightsClient& rights, std::string preferred_context)
      : rights_(rights), preferred_context_(std::move(preferred_context)) {}

  absl::StatusOr<PermissionView> Explain(const std::string& person_id,
                                         const std::string& organization_id,
                                         const std::string& permission,
                                         const RequestContext& call) override;
  absl::StatusOr<bool> Allowed(const std::string& person_id, const std::string& organization_id,
                               const std::string& permission, const RequestContext& call) override {
    return rights_.CheckPermission(person_id, organization_id, permission, call);
  }

 private:
  rights::RightsClient& rights_;
  std::string preferred_context_;
};

}  // namespace wse::registration
