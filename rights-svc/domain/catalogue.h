#pragma once
// The role catalogue and permission rules of rights-svc: data, not code. Loaded from JSON
// (rights-svc/catalogue.json is built in; --catalogue_file replaces it) and validated at start.
//   role: code, Dutch label, allowed contexts, whether users may request it ('Gebruikersrecht
//         aanvragen'), whether a local administrator may grant it, the permissions it gives.
//   A permission is satisfied by any role listing it, with any of that role's contexts.
//   Legal representatives hold `legal_representative_roles` automatically.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wse::rights {

struct RoleContextDef {
  std::string code;
  std::string label;
};

struct RoleDef {
  std::string code;
  std::string label;
  std::string description;
  std::vector<RoleContextDef> contexts;  // Empty: the role takes no context.
  bool requestable = false;
  bool grantable_by_local_administrator = false;
  std::vector<std::string> permissions;

  bool AllowsContext(absl::string_view context) const;
  std::string ContextLabel(absl::string_view context) const;
};

// How the gateway authorizes a gRPC method (Envoy ext_authz): the longest matching prefix wins;
// a path matching no route is refused.
struct RouteRule {
  enum class Access { kOpen, kAuthenticated, kPermission, kOperator };
  std::string prefix;
  Access access = Access::kAuthenticated;
  std::string permission;  // For kPermission: checked live in the token's organisation.
};

class Catalogue {
 public:
  static absl::StatusOr<Catalogue> FromJson(absl::string_view json);
  static const char* BuiltInJson();

  const RoleDef* FindRole(absl::string_view code) const;
  const std::vector<RoleDef>& roles() const { return roles_; }
  // Roles giving `permission` (empty: unknown permission).
  std::vector<const RoleDef*> RolesFor(absl::string_view permission) const;
  bool IsLegalRepresentativeRole(absl::string_view role) const;
  // The role a user requests for `permission`, if one is requestable (else nullptr).
  const RoleDef* RequestableRoleFor(absl::string_view permission) const;

  const RouteRule* RouteFor(absl::string_view path) const;

  absl::Duration access_request_ttl() const { return access_request_ttl_; }
  absl::Duration grant_expiry_notice() const { return grant_expiry_notice_; }

 private:
  std::vector<RoleDef> roles_;
  std::vector<std::string> legal_representative_roles_;
  std::vector<RouteRule> routes_;
  absl::Duration access_request_ttl_ = absl::Hours(24 * 30);
  absl::Duration grant_expiry_notice_ = absl::Hours(24 * 14);
};

}  // namespace wse::rights
