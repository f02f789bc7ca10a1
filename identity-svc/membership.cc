#include "identity-svc/membership.h"

#include <algorithm>

namespace wse::identity {

absl::StatusOr<std::vector<Membership>> LegalRepresentationSource::MembershipsOf(
    const PersonRecord& person, const std::string& /*only_organization*/,
    const CallContext& /*call*/) {
  auto organizations = directory_.OrganizationsRepresentedBy(person.insz);
  if (!organizations.ok()) return organizations.status();
  std::vector<Membership> out;
  for (const auto& org : *organizations) {
    out.push_back({org.id, ActingBasis::kLegalRepresentative});
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::vector<ActingBasis>>> CollectMemberships(
    const std::vector<MembershipSource*>& sources, const PersonRecord& person,
    const std::string& only_organization, const CallContext& call) {
  std::map<std::string, std::vector<ActingBasis>> by_organization;
  for (MembershipSource* source : sources) {
    auto memberships = source->MembershipsOf(person, only_organization, call);
    if (!memberships.ok()) return memberships.status();
    for (const Membership& m : *memberships) {
      if (!only_organization.empty() && m.organization_id != only_organization) continue;
      auto& bases = by_organization[m.organization_id];
      if (std::find(bases.begin(), bases.end(), m.basis) == bases.end()) bases.push_back(m.basis);
    }
  }
  return by_organization;
}

}  // namespace wse::identity
