#include "identity-svc/domain/rights_membership.h"

#include <set>

#include "common/status_macros.h"

namespace wse::identity {

absl::StatusOr<std::vector<Membership>> RightsMembershipSource::MembershipsOf(
    const PersonRecord& person, const std::string& only_organization,
    const OrganizationRecord* /*known*/, const RequestContext& call) {
  std::vector<Membership> out;
  if (!only_organization.empty()) {
    ASSIGN_OR_RETURN(auto facts, rights_.CheckMembership(person.id, only_organization, call));
    if (facts.active_work_relation) {
      out.push_back({only_organization, ActingBasis::kWorkRelation});
    }
    if (facts.active_grant) out.push_back({only_organization, ActingBasis::kGrant});
    return out;
  }
  ASSIGN_OR_RETURN(auto related, rights_.WorkRelationOrganizations(person.id, call));
  for (const std::string& organization : related) {
    out.push_back({organization, ActingBasis::kWorkRelation});
  }
  ASSIGN_OR_RETURN(auto granted, rights_.GrantOrganizations(person.id, call));
  // A grant counts only with an active work relation (as CheckMembership decides).
  const std::set<std::string> with_relation(related.begin(), related.end());
  for (const std::string& organization : granted) {
    if (with_relation.contains(organization)) out.push_back({organization, ActingBasis::kGrant});
  }
  return out;
}

}  // namespace wse::identity
