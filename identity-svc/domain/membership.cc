#include "identity-svc/domain/membership.h"

#include <algorithm>

#include "common/status_macros.h"

namespace wse::identity {

absl::StatusOr<std::vector<Membership>> LegalRepresentationSource::MembershipsOf(
    const PersonRecord& person, const std::string& only_organization,
    const OrganizationRecord* known, const RequestContext& /*call*/) {
  std::vector<Membership> out;
  if (known != nullptr && known->id == only_organization) {
    const auto& insz = known->legal_representative_insz;
    if (std::find(insz.begin(), insz.end(), person.insz) != insz.end()) {
      out.push_back({known->id, ActingBasis::kLegalRepresentative});
    }
    return out;
  }
  ASSIGN_OR_RETURN(auto organizations, directory_.OrganizationsRepresentedBy(person.insz));
  for (const auto& org : organizations) {
    out.push_back({org.id, ActingBasis::kLegalRepresentative});
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::vector<ActingBasis>>> CollectMemberships(
    const std::vector<MembershipSource*>& sources, const PersonRecord& person,
    const std::string& only_organization, const OrganizationRecord* known,
    const RequestContext& call) {
  std::map<std::string, std::vector<ActingBasis>> by_organization;
  for (MembershipSource* source : sources) {
    ASSIGN_OR_RETURN(auto memberships,
                     source->MembershipsOf(person, only_organization, known, call));
    for (const Membership& m : memberships) {
      if (!only_organization.empty() && m.organization_id != only_organization) continue;
      auto& bases = by_organization[m.organization_id];
      if (std::find(bases.begin(), bases.end(), m.basis) == bases.end()) bases.push_back(m.basis);
    }
  }
  return by_organization;
}

}  // namespace wse::identity
