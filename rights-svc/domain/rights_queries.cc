#include "rights-svc/domain/rights_queries.h"

#include "absl/strings/str_split.h"
#include "common/resource_name.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace wse::rights {

absl::StatusOr<std::string> RightsQueries::OwnOrganization(const Actor& actor,
                                                           const std::string& parent,
                                                           const std::string& field,
                                                           const RequestContext& call) {
  ASSIGN_OR_RETURN(auto id, IdFromName(parent, "organizations", field));
  if (actor.is_operator || actor.organization_id == id) return id;
  rights_.RecordDenial(actor, id, "token of another organisation", call);
  return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                      "the organisation is not the one you are logged in for")
      .Reason("ORGANIZATION_MISMATCH")
      .Dutch("U bent niet aangemeld voor deze organisatie. Kies de juiste organisatie.");
}

absl::StatusOr<std::pair<std::string, std::string>> RightsQueries::OwnChild(
    const Actor& actor, const std::string& name, const std::string& collection,
    const RequestContext& call) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "organizations" || parts[2] != collection) {
    return InvalidArgument({{"name", "must be organizations/{id}/" + collection + "/{id}"}});
  }
  ASSIGN_OR_RETURN(auto org, OwnOrganization(actor, "organizations/" + parts[1], "name", call));
  ASSIGN_OR_RETURN(auto id, IdFromName(collection + "/" + parts[3], collection, "name"));
  return std::make_pair(org, id);
}

absl::StatusOr<std::string> RightsQueries::ListScope(const Actor& actor, const std::string& parent,
                                                     const std::string& person_id,
                                                     const RequestContext& call) {
  if (parent == "organizations/-") {
    if (person_id.empty() || (!actor.is_operator && person_id != actor.person_id)) {
      return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                          "across organisations you may list only your own records")
          .Reason("OWN_RECORDS_ONLY");
    }
    return std::string();
  }
  ASSIGN_OR_RETURN(auto org, OwnOrganization(actor, parent, "parent", call));
  if (person_id != actor.person_id || actor.person_id.empty()) {
    RETURN_IF_ERROR(rights_.RequireManager(actor, org, call));
  }
  return org;
}

absl::StatusOr<std::vector<WorkRelationRecord>> RightsQueries::ListWorkRelations(
    const Actor& actor, const std::string& parent, WorkRelationFilter filter,
    const PageRequest& page, const RequestContext& call) {
  ASSIGN_OR_RETURN(filter.organization_id, ListScope(actor, parent, filter.person_id, call));
  std::vector<WorkRelationRecord> relations;
  RETURN_IF_ERROR(rights_.store().Read([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(relations, tx.ListWorkRelations(filter, page));
    return absl::OkStatus();
  }));
  return relations;
}

absl::StatusOr<std::vector<GrantRecord>> RightsQueries::ListGrants(const Actor& actor,
                                                                   const std::string& parent,
                                                                   GrantFilter filter,
                                                                   const PageRequest& page,
                                                                   const RequestContext& call) {
  ASSIGN_OR_RETURN(filter.organization_id, ListScope(actor, parent, filter.person_id, call));
  std::vector<GrantRecord> grants;
  RETURN_IF_ERROR(rights_.store().Read([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(grants, tx.ListGrants(filter, page));
    return absl::OkStatus();
  }));
  return grants;
}

absl::StatusOr<AccessRequestRecord> RightsQueries::GetAccessRequest(const Actor& actor,
                                                                    const std::string& name,
                                                                    const RequestContext& call) {
  ASSIGN_OR_RETURN(auto ids, OwnChild(actor, name, "accessRequests", call));
  AccessRequestRecord found;
  RETURN_IF_ERROR(rights_.store().Transact([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(found, tx.GetAccessRequest(ids.first, ids.second));
    return absl::OkStatus();
  }));
  if (found.requester_id != actor.person_id) {
    RETURN_IF_ERROR(rights_.RequireManager(actor, ids.first, call));
  }
  return found;
}

absl::StatusOr<std::vector<AccessRequestRecord>> RightsQueries::ListAccessRequests(
    const Actor& actor, const std::string& parent, AccessRequestFilter filter,
    const PageRequest& page, const RequestContext& call) {
  ASSIGN_OR_RETURN(filter.organization_id, OwnOrganization(actor, parent, "parent", call));
  // Your own requests you may always see; everyone's needs a local administrator.
  if (filter.requester_id != actor.person_id || actor.person_id.empty()) {
    RETURN_IF_ERROR(rights_.RequireManager(actor, filter.organization_id, call));
  }
  std::vector<AccessRequestRecord> requests;
  RETURN_IF_ERROR(rights_.store().Transact([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(requests, tx.ListAccessRequests(filter, page));
    return absl::OkStatus();
  }));
  return requests;
}

absl::StatusOr<std::vector<AuditRecord>> RightsQueries::ListAuditEvents(
    const Actor& actor, const std::string& parent, AuditFilter filter, int64_t after, int size,
    const RequestContext& call) {
  ASSIGN_OR_RETURN(filter.organization_id, OwnOrganization(actor, parent, "parent", call));
  RETURN_IF_ERROR(rights_.RequireManager(actor, filter.organization_id, call));
  return rights_.store().ListAudit(filter, after, size);
}

absl::StatusOr<ChainVerifier> RightsQueries::VerifyAuditChain(const Actor& actor,
                                                              const std::string& parent,
                                                              const RequestContext& call) {
  ASSIGN_OR_RETURN(auto org, OwnOrganization(actor, parent, "parent", call));
  RETURN_IF_ERROR(rights_.RequireManager(actor, org, call));
  constexpr int kPage = 1000;
  ChainVerifier verifier;
  int64_t after = 0;
  while (verifier.verdict().ok) {
    ASSIGN_OR_RETURN(auto events,
                     rights_.store().ListAudit({org, std::nullopt, std::nullopt}, after, kPage));
    for (const auto& e : events) verifier.Add(e);
    if (events.size() < kPage) break;
    after = events.back().sequence;
  }
  return verifier;
}

absl::StatusOr<std::string> RightsQueries::PersonIdByInsz(const std::string& insz,
                                                          const RequestContext& call) {
  auto person = rights_.directory().FindPersonByInsz(insz, call);
  if (absl::IsNotFound(person.status())) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                        "no person with this INSZ is known yet")
        .Reason("PERSON_UNKNOWN")
        .Dutch("Deze persoon is nog niet gekend. Laat hem of haar eerst eenmaal aanmelden.");
  }
  RETURN_IF_ERROR(person.status());
  return person->id;
}

}  // namespace wse::rights
