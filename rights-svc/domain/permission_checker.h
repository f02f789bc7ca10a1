#pragma once
// Live authorization decisions: CheckPermission answers from the current grants on every call
// (the grants reloaded whenever the organisation's revision moved: grant_cache.h), so a revoked
// or expired grant is refused on the very next call. The revision is read from the database at
// each call, or, with a RevisionCache, remembered while this replica's lease guarantees it hears
// of every change first (replica_leases.h). Explain
// says why, rule by rule, and where to ask for what is missing.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/metrics.h"
#include "rights-svc/domain/grant_cache.h"
#include "rights-svc/domain/request_route.h"
#include "rights-svc/domain/revision_cache.h"
#include "rights-svc/domain/rights_manager.h"

namespace wse::rights {

// Mirrors wse.rights.v1.DecisionReason.
enum class Decision {
  kGrantMatched,
  kLegalRepresentative,
  kNoMatchingGrant,
  kGrantNotValid,
  kNoWorkRelation,
  kUnknownPermission,
  kNoOrganization,
};

struct PermissionDecision {
  bool allowed = false;
  Decision reason = Decision::kNoMatchingGrant;
  std::string decision_id;
  std::string matched_grant_id;
  int64_t revision = 0;
  // Only for a check for reuse: how long this decision stays true while `revision` does, until
  // the next start or end of a grant or work relation it rests on (InfiniteDuration when none is
  // coming). nullopt when it rests on something the revision does not cover (legal
  // representation, from identity-svc's directory): then it must not be reused at all.
  std::optional<absl::Duration> reusable_for;
};

// What rights-svc knows about a person acting for an organisation (identity-svc adds legal
// representation, which is its own): wse.rights.v1.CheckMembershipResponse.
struct MembershipDecision {
  bool active_work_relation = false;
  bool active_grant = false;
  int64_t revision = 0;
};

struct RuleOutcome {
  const RoleDef* role = nullptr;
  bool satisfied = false;
  std::string matched_grant_id;
  std::vector<std::string> invalid_grant_ids;  // Held but revoked, expired or not yet valid.
};

struct PermissionReport {
  PermissionDecision decision;
  std::vector<RuleOutcome> rules;
  bool work_relation_active = false;
  std::vector<LocalAdministrator> local_administrators;
  std::string pending_access_request_id;
  bool access_request_possible = false;
  RequestObstacle obstacle = RequestObstacle::kNone;  // Why it is not possible (when denied).
};

class PermissionChecker {
 public:
  PermissionChecker(RightsManager& rights, std::function<absl::Time()> clock = absl::Now,
                    RevisionCache* revisions = nullptr)
      : rights_(rights), clock_(std::move(clock)), revisions_(revisions) {}

  // Counted in wse_permission_decisions_total{result, reason}. `for_reuse`: the caller keeps
  // the answer (CheckPermissionRequest.for_reuse), so the revision is read from the database
  // whatever this replica remembers, and reusable_for is set; without it reusable_for is nullopt.
  absl::StatusOr<PermissionDecision> Check(const std::string& person_id,
                                           const std::string& organization_id,
                                           const std::string& permission,
                                           const RequestContext& call, bool for_reuse = false);
  // From the same revision-keyed records as Check: an active work relation or an active grant of
  // any role in the organisation.
  absl::StatusOr<MembershipDecision> Membership(const std::string& person_id,
                                                const std::string& organization_id);
  absl::StatusOr<PermissionReport> Explain(const std::string& person_id,
                                           const std::string& organization_id,
                                           const std::string& permission,
                                           const RequestContext& call);

 private:
  absl::StatusOr<PermissionDecision> Decide(const std::string& person_id,
                                            const std::string& organization_id,
                                            const std::string& permission,
                                            const RequestContext& call, bool for_reuse);
  absl::StatusOr<bool> IsLegalRepresentative(const std::string& person_id,
                                             const std::string& organization_id,
                                             const RequestContext& call);
  // From memory when remembered, unless `fresh`.
  absl::StatusOr<int64_t> RevisionOf(const std::string& organization_id, bool fresh = false);
  // The unended grants / work relations at `revision`, from the cache or the database.
  absl::StatusOr<std::vector<GrantRecord>> GrantsAt(const std::string& organization_id,
                                                    const std::string& person_id, int64_t revision,
                                                    absl::Time now);
  absl::StatusOr<std::vector<WorkRelationRecord>> RelationsAt(const std::string& organization_id,
                                                              const std::string& person_id,
                                                              int64_t revision, absl::Time now);

  RightsManager& rights_;
  std::function<absl::Time()> clock_;
  RevisionCache* const revisions_;
  GrantCache grants_;
  WorkRelationCache relations_;
  CacheMetrics revision_lookups_{"organization_revisions"};
  CacheMetrics grant_lookups_{"grants"};
  CacheMetrics relation_lookups_{"work_relations"};
};

// The reason's name in metrics: "grant_matched", "no_work_relation", ...
const char* DecisionName(Decision reason);

}  // namespace wse::rights
