#pragma once
// Memberships owned by rights-svc: active work relations and active grants of a person, asked
// live: for one organisation (select, refresh) with one CheckMembership, answered from
// rights-svc's revision-keyed records; across organisations (the list of acting contexts) from
// the organisations of the person's work relations and grants.

#include <string>
#include <vector>

#include "identity-svc/domain/membership.h"
#include "rights-svc/client/rights_client.h"

namespace wse::identity {

class RightsMembershipSource final : public MembershipSource {
 public:
  explicit RightsMembershipSource(rights::RightsClient& rights) : rights_(rights) {}
  absl::StatusOr<std::vector<Membership>> MembershipsOf(const PersonRecord& person,
                                                        const std::string& only_organization,
                                                        const OrganizationRecord* known,
                                                        const RequestContext& call) override;

 private:
  rights::RightsClient& rights_;
};

}  // namespace wse::identity
