#pragma once
// The reads of gebruikersbeheer with their access rules, next to RightsManager (the writes):
// - a named organisation must be the one the caller's token acts for (operators: any); a
//   mismatch is PERMISSION_DENIED ORGANIZATION_MISMATCH and recorded on the caller's side;
// - within the organisation anyone reads their own records; everyone's (work relations,
//   grants, requests) and the audit trail need a local administrator;
// - across organisations ("organizations/-", how identity-svc asks where someone may act)
//   only one's own records, or an operator's question about one person.
// The adapter only converts; every rule here is testable with the fakes of store and directory.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/request_context.h"
#include "rights-svc/domain/actor.h"
#include "rights-svc/domain/audit_chain.h"
#include "rights-svc/domain/person_names.h"
#include "rights-svc/domain/rights_manager.h"

namespace wse::rights {

class RightsQueries {
 public:
  explicit RightsQueries(RightsManager& rights) : rights_(rights) {}

  // The organisation id of `parent` ("organizations/{id}"; INVALID_ARGUMENT on `field`
  // otherwise), which must be the actor's own.
  absl::StatusOr<std::string> OwnOrganization(const Actor& actor, const std::string& parent,
                                              const std::string& field, const RequestContext& call);
  // Splits "organizations/{org}/<collection>/{id}" into {org, id} after checking the organisation.
  absl::StatusOr<std::pair<std::string, std::string>> OwnChild(const Actor& actor,
                                                               const std::string& name,
                                                               const std::string& collection,
                                                               const RequestContext& call);
  // Which organisation a list of `person_id`'s records (empty: everyone's) may cover: the id to
  // filter on, or "" across organisations.
  absl::StatusOr<std::string> ListScope(const Actor& actor, const std::string& parent,
                                        const std::string& person_id, const RequestContext& call);

  // Lists under ListScope: `filter`'s organisation is set from `parent`.
  absl::StatusOr<std::vector<WorkRelationRecord>> ListWorkRelations(const Actor& actor,
                                                                    const std::string& parent,
                                                                    WorkRelationFilter filter,
                                                                    const PageRequest& page,
                                                                    const RequestContext& call);
  absl::StatusOr<std::vector<GrantRecord>> ListGrants(const Actor& actor, const std::string& parent,
                                                      GrantFilter filter, const PageRequest& page,
                                                      const RequestContext& call);

  // A request: its requester may read it, anyone else needs a local administrator.
  absl::StatusOr<AccessRequestRecord> GetAccessRequest(const Actor& actor, const std::string& name,
                                                       const RequestContext& call);
  absl::StatusOr<std::vector<AccessRequestRecord>> ListAccessRequests(const Actor& actor,
                                                                      const std::string& parent,
                                                                      AccessRequestFilter filter,
                                                                      const PageRequest& page,
                                                                      const RequestContext& call);

  // The organisation's audit trail (local administrators): `size` events after sequence `after`.
  absl::StatusOr<std::vector<AuditRecord>> ListAuditEvents(const Actor& actor,
                                                           const std::string& parent,
                                                           AuditFilter filter, int64_t after,
                                                           int size, const RequestContext& call);
  // The whole chain, read in pages and checked link by link.
  absl::StatusOr<ChainVerifier> VerifyAuditChain(const Actor& actor, const std::string& parent,
                                                 const RequestContext& call);

  // The person a new work relation names by INSZ: FAILED_PRECONDITION PERSON_UNKNOWN while the
  // directory does not know them (they have never logged in nor been imported).
  absl::StatusOr<std::string> PersonIdByInsz(const std::string& insz, const RequestContext& call);

  const std::vector<RoleDef>& Roles() const { return rights_.catalogue().roles(); }

  // Display names for one answer.
  PersonNames Names(const RequestContext& call) { return PersonNames(rights_.directory(), call); }

 private:
  RightsManager& rights_;
};

}  // namespace wse::rights
