#pragma once
// An in-memory RightsClient for unit tests: allowed (person, organisation, permission) triples,
// explanations and memberships in maps, an optional failure every call answers with, and the
// calls it was asked.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "rights-svc/client/rights_client.h"

namespace wse::rights {

class FakeRightsClient final : public RightsClient {
 public:
  std::set<std::tuple<std::string, std::string, std::string>> allowed;  // person, org, permission
  std::map<std::string, PermissionExplanation> explanations;            // By organisation.
  std::map<std::pair<std::string, std::string>, MembershipFacts> memberships;  // person, org
  std::map<std::string, int64_t> revisions;  // By organisation (0 when absent).
  // What every answer says (the fake does not tell CheckPermission from CheckPermissionForReuse).
  std::optional<absl::Duration> reusable_for;
  absl::Status failure;            // When not OK, every call answers it.
  std::vector<std::string> asked;  // "Check org", "Explain org", "Membership org", ...

  absl::StatusOr<PermissionAnswer> CheckPermission(const std::string& person_id,
                                                   const std::string& organization_id,
                                                   const std::string& permission,
                                                   const RequestContext&) override {
    asked.push_back("Check " + organization_id);
    if (!failure.ok()) return failure;
    PermissionAnswer answer;
    answer.allowed = allowed.contains({person_id, organization_id, permission});
    auto revision = revisions.find(organization_id);
    if (revision != revisions.end()) answer.revision = revision->second;
    answer.reusable_for = reusable_for;
    return answer;
  }
  absl::StatusOr<PermissionAnswer> CheckPermissionForReuse(const std::string& person_id,
                                                           const std::string& organization_id,
                                                           const std::string& permission,
                                                           const RequestContext& call) override {
    asked.push_back("CheckForReuse " + organization_id);
    if (!failure.ok()) return failure;
    PermissionAnswer answer = *CheckPermission(person_id, organization_id, permission, call);
    asked.pop_back();  // Counted once, as the call it stands for.
    return answer;
  }
  absl::StatusOr<PermissionExplanation> ExplainPermission(const std::string& person_id,
                                                          const std::string& organization_id,
                                                          const std::string& permission,
                                                          const RequestContext&) override {
    asked.push_back("Explain " + organization_id);
    if (!failure.ok()) return failure;
    auto it = explanations.find(organization_id);
    PermissionExplanation out = it == explanations.end() ? PermissionExplanation() : it->second;
    out.allowed = allowed.contains({person_id, organization_id, permission});
    return out;
  }
  absl::StatusOr<MembershipFacts> CheckMembership(const std::string& person_id,
                                                  const std::string& organization_id,
                                                  const RequestContext&) override {
    asked.push_back("Membership " + organization_id);
    if (!failure.ok()) return failure;
    auto it = memberships.find({person_id, organization_id});
    return it == memberships.end() ? MembershipFacts() : it->second;
  }
  absl::StatusOr<std::vector<std::string>> WorkRelationOrganizations(
      const std::string& person_id, const RequestContext&) override {
    return Organizations(person_id,
                         [](const MembershipFacts& f) { return f.active_work_relation; });
  }
  absl::StatusOr<std::vector<std::string>> GrantOrganizations(const std::string& person_id,
                                                              const RequestContext&) override {
    return Organizations(person_id, [](const MembershipFacts& f) { return f.active_grant; });
  }

 private:
  template <typename Pick>
  absl::StatusOr<std::vector<std::string>> Organizations(const std::string& person_id, Pick pick) {
    asked.push_back("List " + person_id);
    if (!failure.ok()) return failure;
    std::vector<std::string> out;
    for (const auto& [key, facts] : memberships) {
      if (key.first == person_id && pick(facts)) out.push_back(key.second);
    }
    return out;
  }
};

}  // namespace wse::rights
