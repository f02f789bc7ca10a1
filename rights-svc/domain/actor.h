#pragma once
// Who is acting on rights-svc: a person (from their access token) or an operator/service.

#include <optional>
#include <string>

namespace wse::rights {

struct Actor {
  std::string person_id;  // Empty for operators.
  std::string key_type;   // Digital key of the person's session (audit), e.g. EID.
  std::optional<std::string> organization_id;  // The token's organisation, if org-scoped.
  bool is_operator = false;

  std::string AuditName() const { return is_operator ? "operator" : "persons/" + person_id; }
};

}  // namespace wse::rights
