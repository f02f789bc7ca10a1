#pragma once
// Names for the ontvangstbevestiging: who submitted, for which organisation. Asked from
// identity-svc (GetPerson / GetOrganization with the service token) before a confirmation's
// transaction, and cached for a while: names change rarely, and the cache keeps identity-svc off
// the confirmation hot path. Tests use a fake.

#include <string>

#include "absl/status/statusor.h"
#include "common/request_context.h"

namespace wse::registration {

class Directory {
 public:
  virtual ~Directory() = default;
  virtual absl::StatusOr<std::string> PersonName(const std::string& person_id,
                                                 const RequestContext& call) = 0;
  virtual absl::StatusOr<std::string> OrganizationName(const std::string& organization_id,
                                                       const RequestContext& call) = 0;
};

}  // namespace wse::registration
