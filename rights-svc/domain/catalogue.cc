#include "rights-svc/domain/catalogue.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "nlohmann/json.hpp"

namespace wse::rights {

bool RoleDef::AllowsContext(absl::string_view context) const {
  if (contexts.empty()) return context.empty();
  return std::any_of(contexts.begin(), contexts.end(),
                     [context](const RoleContextDef& c) { return c.code == context; });
}

std::string RoleDef::ContextLabel(absl::string_view context) const {
  for (const auto& c : contexts) {
    if (c.code == context) return c.label;
  }
  return std::string(context);
}

absl::StatusOr<Catalogue> Catalogue::FromJson(absl::string_view json) {
  const nlohmann::json doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("roles") ||
      !doc["roles"].is_array()) {
    return absl::InvalidArgumentError("catalogue: expected an object with a 'roles' array");
  }
  Catalogue catalogue;
  std::set<std::string> codes;
  try {
    for (const auto& r : doc["roles"]) {
      RoleDef role;
      role.code = r.at("code").get<std::string>();
      role.label = r.at("label").get<std::string>();
      role.description = r.value("description", "");
      for (const auto& c : r.value("contexts", nlohmann::json::array())) {
        role.contexts.push_back(
            {c.at("code").get<std::string>(), c.at("label").get<std::string>()});
      }
      role.requestable = r.value("requestable", false);
      role.grantable_by_local_administrator = r.value("grantable_by_local_administrator", false);
      role.permissions = r.value("permissions", std::vector<std::string>{});
      if (role.code.empty() || !codes.insert(role.code).second) {
        return absl::InvalidArgumentError("catalogue: empty or duplicate role code " + role.code);
      }
      catalogue.roles_.push_back(std::move(role));
    }
    for (const auto& r : doc.value("routes", nlohmann::json::array())) {
      RouteRule route;
      route.prefix = r.at("prefix").get<std::string>();
      const std::string access = r.value("access", "permission");
      route.permission = r.value("permission", "");
      if (access == "open") {
        route.access = RouteRule::Access::kOpen;
      } else if (access == "authenticated") {
        route.access = RouteRule::Access::kAuthenticated;
      } else if (access == "operator") {
        route.access = RouteRule::Access::kOperator;
      } else if (access == "permission" && !route.permission.empty()) {
        route.access = RouteRule::Access::kPermission;
      } else {
        return absl::InvalidArgumentError("catalogue: route " + route.prefix +
                                          " needs access open/authenticated/operator or a "
                                          "permission");
      }
      catalogue.routes_.push_back(std::move(route));
    }
    catalogue.legal_representative_roles_ =
        doc.value("legal_representative_roles", std::vector<std::string>{});
    catalogue.access_request_ttl_ = absl::Hours(24 * doc.value("access_request_ttl_days", 30));
    catalogue.grant_expiry_notice_ = absl::Hours(24 * doc.value("grant_expiry_notice_days", 14));
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(std::string("catalogue: ") + e.what());
  }
  for (const auto& route : catalogue.routes_) {
    if (route.access == RouteRule::Access::kPermission &&
        catalogue.RolesFor(route.permission).empty()) {
      return absl::InvalidArgumentError("catalogue: no role gives permission " + route.permission);
    }
  }
  for (const auto& role : catalogue.legal_representative_roles_) {
    if (!codes.contains(role)) {
      return absl::InvalidArgumentError("catalogue: unknown legal representative role " + role);
    }
  }
  return catalogue;
}

const RouteRule* Catalogue::RouteFor(absl::string_view path) const {
  const RouteRule* best = nullptr;
  for (const auto& route : routes_) {
    if (absl::StartsWith(path, route.prefix) &&
        (best == nullptr || route.prefix.size() > best->prefix.size())) {
      best = &route;
    }
  }
  return best;
}

const RoleDef* Catalogue::FindRole(absl::string_view code) const {
  for (const auto& role : roles_) {
    if (role.code == code) return &role;
  }
  return nullptr;
}

std::vector<const RoleDef*> Catalogue::RolesFor(absl::string_view permission) const {
  std::vector<const RoleDef*> out;
  for (const auto& role : roles_) {
    if (std::find(role.permissions.begin(), role.permissions.end(), permission) !=
        role.permissions.end()) {
      out.push_back(&role);
    }
  }
  return out;
}

bool Catalogue::IsLegalRepresentativeRole(absl::string_view role) const {
  return std::find(legal_representative_roles_.begin(), legal_representative_roles_.end(), role) !=
         legal_representative_roles_.end();
}

const RoleDef* Catalogue::RequestableRoleFor(absl::string_view permission) const {
  for (const RoleDef* role : RolesFor(permission)) {
    if (role->requestable) return role;
  }
  return nullptr;
}

}  // namespace wse::rights
