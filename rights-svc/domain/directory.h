#pragma once
// What rights-svc needs from identity-svc's directory: names and e-mail addresses of persons
// (for mails and lists), legal representatives of organisations (automatic local
// administrators), and resolving an INSZ when a local administrator adds someone by number.
// identity_directory.{h,cc} implements it over gRPC; tests use a fake.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/request_context.h"

namespace wse::rights {

struct PersonInfo {
  std::string id;
  std::string display_name;
  std::string email_address;  // May be empty.
  std::string masked_insz;
  std::string preferred_locale = "nl";
};

struct OrganizationInfo {
  std::string id;
  std::string display_name;
  std::vector<std::string> legal_representative_ids;  // Persons known to the directory.
};

class Directory {
 public:
  virtual ~Directory() = default;
  virtual absl::StatusOr<PersonInfo> GetPerson(const std::string& person_id,
                                               const RequestContext& call) = 0;
  virtual absl::StatusOr<PersonInfo> FindPersonByInsz(const std::string& insz,
                                                      const RequestContext& call) = 0;
  virtual absl::StatusOr<OrganizationInfo> GetOrganization(const std::string& organization_id,
                                                           const RequestContext& call) = 0;
};

}  // namespace wse::rights
