#include "rights-svc/domain/permission_checker.h"

#include <algorithm>
#include <optional>

#include "common/status_macros.h"

namespace wse::rights {
namespace {

bool MatchesRole(const GrantRecord& grant, const RoleDef& role) {
  return grant.role == role.code && role.AllowsContext(grant.context);
}

// Time from `now` until any of these records starts or ends (infinite when none will): until
// then ActiveAt answers the same for each of them.
template <typename Record>
absl::Duration UntilNextStartOrEnd(const std::vector<Record>& records, absl::Time now) {
  absl::Time next = absl::InfiniteFuture();
  for (const Record& r : records) {
    if (r.valid_from > now) next = std::min(next, r.valid_from);
    if (r.valid_until && *r.valid_until > now) next = std::min(next, *r.valid_until);
  }
  return next - now;
}

}  // namespace

const char* DecisionName(Decision reason) {
  switch (reason) {
    case Decision::kGrantMatched:
      return "grant_matched";
    case Decision::kLegalRepresentative:
      return "legal_representative";
    case Decision::kNoMatchingGrant:
      return "no_matching_grant";
    case Decision::kGrantNotValid:
      return "grant_not_valid";
    case Decision::kNoWorkRelation:
      return "no_work_relation";
    case Decision::kUnknownPermission:
      return "unknown_permission";
    case Decision::kNoOrganization:
      return "no_organization";
  }
  return "unknown";
}

absl::StatusOr<PermissionDecision> PermissionChecker::Check(const std::string& person_id,
                                                            const std::string& organization_id,
                                                            const std::string& permission,
                                                            const RequestContext& call,
                                                            bool for_reuse) {
  absl::StatusOr<PermissionDecision> decision =
      Decide(person_id, organization_id, permission, call, for_reuse);
  if (decision.ok()) {
    static auto* allowed = new CountersByLabel("wse_permission_decisions_total",
                                               "CheckPermission answers by result and reason.",
                                               "reason", {}, {{"result", "allowed"}});
    static auto* denied = new CountersByLabel("wse_permission_decisions_total",
                                              "CheckPermission answers by result and reason.",
                                              "reason", {}, {{"result", "denied"}});
    (*(decision->allowed ? allowed : denied))[DecisionName(decision->reason)].Increment();
  }
  return decision;
}

absl::StatusOr<PermissionDecision> PermissionChecker::Decide(const std::string& person_id,
                                                             const std::string& organization_id,
                                                             const std::string& permission,
                                                             const RequestContext& call,
                                                             bool for_reuse) {
  PermissionDecision decision;
  decision.decision_id = NewRightsId();
  if (organization_id.empty()) {
    decision.reason = Decision::kNoOrganization;
    return decision;
  }
  const std::vector<const RoleDef*> roles = rights_.catalogue().RolesFor(permission);
  if (roles.empty()) {
    decision.reason = Decision::kUnknownPermission;
    return decision;
  }
  const absl::Time now = clock_();
  // The revision first: grants read after it are never older than it (grant_cache.h).
  ASSIGN_OR_RETURN(auto revision, RevisionOf(organization_id, /*fresh=*/for_reuse));
  decision.revision = revision;
  ASSIGN_OR_RETURN(auto grants, GrantsAt(organization_id, person_id, revision, now));
  const GrantRecord* matched = nullptr;
  for (const GrantRecord& grant : grants) {
    if (!grant.ActiveAt(now)) continue;
    for (const RoleDef* role : roles) {
      if (MatchesRole(grant, *role)) matched = &grant;
    }
    if (matched != nullptr) break;
  }
  if (matched != nullptr) {
    // A grant counts only while its holder works for the organisation (legal representatives
    // excepted): ending the work relation, or its end date passing, ends the access.
    ASSIGN_OR_RETURN(auto relations, RelationsAt(organization_id, person_id, revision, now));
    const bool related = std::any_of(relations.begin(), relations.end(),
                                     [now](const auto& r) { return r.ActiveAt(now); });
    if (!related) {
      ASSIGN_OR_RETURN(auto legal, IsLegalRepresentative(person_id, organization_id, call));
      if (!legal) {
        decision.reason = Decision::kNoWorkRelation;
        return decision;
      }
    } else if (for_reuse) {
      // Only the grants and work relations decided (no directory look-up): the same answer
      // until one of them starts or ends, or the revision moves.
      decision.reusable_for =
          std::min(UntilNextStartOrEnd(grants, now), UntilNextStartOrEnd(relations, now));
    }
    decision.allowed = true;
    decision.reason = Decision::kGrantMatched;
    decision.matched_grant_id = matched->id;
    return decision;
  }
  // Legal representatives hold some roles without a grant (only those roles' permissions: the
  // directory is asked only when such a role could help).
  const bool legal_role_helps = std::any_of(roles.begin(), roles.end(), [this](const RoleDef* r) {
    return rights_.catalogue().IsLegalRepresentativeRole(r->code);
  });
  if (legal_role_helps) {
    ASSIGN_OR_RETURN(auto legal, IsLegalRepresentative(person_id, organization_id, call));
    if (legal) {
      decision.allowed = true;
      decision.reason = Decision::kLegalRepresentative;
      return decision;
    }
  } else if (for_reuse) {
    // Refused on the grants alone: until one of them starts or ends (a work relation matters
    // only once a grant matches).
    decision.reusable_for = UntilNextStartOrEnd(grants, now);
  }
  decision.reason = Decision::kNoMatchingGrant;
  return decision;
}

absl::StatusOr<bool> PermissionChecker::IsLegalRepresentative(const std::string& person_id,
                                                              const std::string& organization_id,
                                                              const RequestContext& call) {
  auto org = rights_.directory().GetOrganization(organization_id, call);
  if (absl::IsNotFound(org.status())) return false;
  if (!org.ok()) return org.status();
  return std::find(org->legal_representative_ids.begin(), org->legal_representative_ids.end(),
                   person_id) != org->legal_representative_ids.end();
}

absl::StatusOr<MembershipDecision> PermissionChecker::Membership(
    const std::string& person_id, const std::string& organization_id) {
  MembershipDecision decision;
  const absl::Time now = clock_();
  ASSIGN_OR_RETURN(auto revision, RevisionOf(organization_id));
  decision.revision = revision;
  ASSIGN_OR_RETURN(auto relations, RelationsAt(organization_id, person_id, revision, now));
  decision.active_work_relation = std::any_of(relations.begin(), relations.end(),
                                              [now](const auto& r) { return r.ActiveAt(now); });
  ASSIGN_OR_RETURN(auto grants, GrantsAt(organization_id, person_id, revision, now));
  // A grant counts only with a work relation (legal representatives select on their own basis,
  // from the directory).
  decision.active_grant =
      decision.active_work_relation &&
      std::any_of(grants.begin(), grants.end(), [now](const auto& g) { return g.ActiveAt(now); });
  return decision;
}

absl::StatusOr<std::vector<GrantRecord>> PermissionChecker::GrantsAt(
    const std::string& organization_id, const std::string& person_id, int64_t revision,
    absl::Time now) {
  if (auto cached = grants_.Find(organization_id, person_id, revision)) {
    grant_lookups_.Hit();
    return *std::move(cached);
  }
  grant_lookups_.Miss();
  ASSIGN_OR_RETURN(auto loaded, rights_.store().UnendedGrants(organization_id, person_id, now));
  SortGrants(loaded);  // The matched grant is then the same whichever replica answers.
  grants_.Store(organization_id, person_id, revision, loaded);
  return loaded;
}

absl::StatusOr<std::vector<WorkRelationRecord>> PermissionChecker::RelationsAt(
    const std::string& organization_id, const std::string& person_id, int64_t revision,
    absl::Time now) {
  if (auto cached = relations_.Find(organization_id, person_id, revision)) {
    relation_lookups_.Hit();
    return *std::move(cached);
  }
  relation_lookups_.Miss();
  ASSIGN_OR_RETURN(auto loaded,
                   rights_.store().UnendedWorkRelations(organization_id, person_id, now));
  relations_.Store(organization_id, person_id, revision, loaded);
  return loaded;
}

absl::StatusOr<int64_t> PermissionChecker::RevisionOf(const std::string& organization_id,
                                                      bool fresh) {
  if (revisions_ == nullptr) return rights_.store().Revision(organization_id);
  auto read = [&] { return rights_.store().Revision(organization_id); };
  if (fresh) return revisions_->ReadAndRemember(organization_id, read);
  bool hit = false;
  absl::StatusOr<int64_t> revision = revisions_->FindOrRead(organization_id, read, &hit);
  revision_lookups_.Count(hit);
  return revision;
}

absl::StatusOr<PermissionReport> PermissionChecker::Explain(const std::string& person_id,
                                                            const std::string& organization_id,
                                                            const std::string& permission,
                                                            const RequestContext& call) {
  PermissionReport out;
  ASSIGN_OR_RETURN(auto decision, Check(person_id, organization_id, permission, call));
  out.decision = decision;
  if (decision.reason == Decision::kNoOrganization ||
      decision.reason == Decision::kUnknownPermission) {
    return out;
  }
  const absl::Time now = clock_();
  std::vector<GrantRecord> held;
  absl::Status status = rights_.store().Transact([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto grants,
                     tx.ListGrants({organization_id, person_id, "", true, now}, {500, ""}));
    held = std::move(grants);
    ASSIGN_OR_RETURN(auto relations,
                     tx.ListWorkRelations({organization_id, person_id, false, now}, {50, ""}));
    out.work_relation_active = std::any_of(relations.begin(), relations.end(),
                                           [now](const auto& r) { return r.ActiveAt(now); });
    ASSIGN_OR_RETURN(auto pending,
                     tx.ListAccessRequests({organization_id, "PENDING", person_id}, {50, ""}));
    if (!pending.empty()) out.pending_access_request_id = pending.front().id;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  for (const RoleDef* role : rights_.catalogue().RolesFor(permission)) {
    RuleOutcome rule;
    rule.role = role;
    for (const GrantRecord& grant : held) {
      if (!MatchesRole(grant, *role)) continue;
      if (grant.ActiveAt(now)) {
        rule.satisfied = true;
        rule.matched_grant_id = grant.id;
      } else {
        rule.invalid_grant_ids.push_back(grant.id);
      }
    }
    out.rules.push_back(std::move(rule));
  }
  if (!out.decision.allowed) {
    const bool invalid_only = std::any_of(out.rules.begin(), out.rules.end(), [](const auto& r) {
      return !r.invalid_grant_ids.empty();
    });
    if (!out.work_relation_active) {
      out.decision.reason = Decision::kNoWorkRelation;
    } else if (invalid_only) {
      out.decision.reason = Decision::kGrantNotValid;
    }
    ASSIGN_OR_RETURN(auto admins, rights_.LocalAdministrators(organization_id, call));
    out.local_administrators = std::move(admins);
    // Asked now: the person may have confirmed their address a moment ago.
    ASSIGN_OR_RETURN(auto person, rights_.directory().GetPersonNow(person_id, call));
    // The decision CreateAccessRequest takes, so the button is offered only when it works.
    out.obstacle = DecideRequestRoute(out.local_administrators, person,
                                      rights_.catalogue().RequestableRoleFor(permission),
                                      !out.pending_access_request_id.empty())
                       .obstacle;
    out.access_request_possible = out.obstacle == RequestObstacle::kNone;
  }
  return out;
}

}  // namespace wse::rights
