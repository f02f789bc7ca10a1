// RightsManager: access requests ('Gebruikersrecht aanvragen').
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "rights-svc/domain/mails.h"
#include "rights-svc/domain/request_route.h"
#include "rights-svc/domain/rights_manager.h"

namespace wse::rights {
namespace {

// A right is asked for while acting for the organisation it is for.
absl::Status RequireActingFor(const Actor& actor, const std::string& organization_id) {
  if (actor.is_operator || actor.organization_id != organization_id) {
    return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                        "request rights while logged in via the organisation itself")
        .Reason("WRONG_CONTEXT")
        .Dutch("Meld u aan via de school of organisatie waarvoor u het recht aanvraagt.");
  }
  return absl::OkStatus();
}

// Nobody asks for a right they already hold.
absl::Status RequireNotHeld(const std::vector<GrantRecord>& held, const std::string& role_code,
                            const std::string& context) {
  if (std::any_of(held.begin(), held.end(), [&](const GrantRecord& g) {
        return g.role == role_code && g.context == context;
      })) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "you already hold this right")
        .Reason("ALREADY_GRANTED")
        .Dutch("U heeft dit recht al. Meld u opnieuw aan om het te gebruiken.");
  }
  return absl::OkStatus();
}

std::string RequestName(const std::string& org, const std::string& id) {
  return absl::StrCat("organizations/", org, "/accessRequests/", id);
}

absl::Status NotPending(const AccessRequestRecord& request) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                      "the request is " + request.state + ", not PENDING")
      .Reason("ACCESS_REQUEST_NOT_PENDING", {{"state", request.state}})
      .Dutch("Deze aanvraag is al behandeld.");
}

}  // namespace

absl::StatusOr<const RoleDef*> RightsManager::RequestableRole(const std::string& role_code,
                                                              const std::string& context) const {
  const RoleDef* role = catalogue_.FindRole(role_code);
  if (role == nullptr || !role->requestable) {
    return InvalidArgument({{"access_request.role", "is not a role users can request"}});
  }
  if (!role->AllowsContext(context)) {
    return InvalidArgument({{"access_request.context", "is not a context of role " + role_code}});
  }
  return role;
}

absl::StatusOr<AccessRequestRecord> RightsManager::CreateAccessRequest(
    const Actor& actor, const std::string& organization_id, const std::string& role_code,
    const std::string& context, const std::string& reason, const std::string& request_id,
    const RequestContext& call) {
  RETURN_IF_ERROR(RequireActingFor(actor, organization_id));
  const std::string fingerprint =
      RequestFingerprint({"CreateAccessRequest", role_code, context, reason});
  ASSIGN_OR_RETURN(const RoleDef* role, RequestableRole(role_code, context));
  // A retry of a request that committed answers it, whatever changed since (the directory may be
  // down, the right granted, the address gone).
  AccessRequestRecord replayed;
  absl::Status earlier = store_.Read([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto existing,
                     tx.FindRequestId(ScopedRequestId(actor, organization_id, request_id),
                                      "access_request", fingerprint));
    if (!existing.has_value()) return absl::NotFoundError("not yet requested");
    ASSIGN_OR_RETURN(replayed, tx.GetAccessRequest(organization_id, *existing));
    return absl::OkStatus();
  });
  if (earlier.ok()) return replayed;
  if (!absl::IsNotFound(earlier)) return earlier;
  const absl::Time now = clock_();
  ASSIGN_OR_RETURN(auto held, store_.ActiveGrants(organization_id, actor.person_id, now));
  RETURN_IF_ERROR(RequireNotHeld(held, role_code, context));
  ASSIGN_OR_RETURN(auto admins, LocalAdministrators(organization_id, call));
  ASSIGN_OR_RETURN(auto requester, directory_.GetPersonNow(actor.person_id, call));
  // The same decision as the screen's (ExplainPermission): a pending request is refused below.
  const RequestRoute route = DecideRequestRoute(admins, requester, role, false);
  RETURN_IF_ERROR(RequestRefused(route.obstacle));
  const std::vector<identity::PersonInfo>& reachable = route.recipients;
  ASSIGN_OR_RETURN(auto org, directory_.GetOrganization(organization_id, call));

  AccessRequestRecord request;
  request.id = NewRightsId();
  request.organization_id = organization_id;
  request.requester_id = actor.person_id;
  request.role = role_code;
  request.context = context;
  request.reason = reason;
  request.notified_count = static_cast<int>(reachable.size());
  request.create_time = now;
  request.expire_time = now + catalogue_.access_request_ttl();
  AccessRequestRecord result;
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto existing,
                     tx.FindRequestId(ScopedRequestId(actor, organization_id, request_id),
                                      "access_request", fingerprint));
    if (existing.has_value()) {
      ASSIGN_OR_RETURN(auto found, tx.GetAccessRequest(organization_id, *existing));
      result = std::move(found);
      return absl::OkStatus();
    }
    if (auto s = tx.InsertAccessRequest(request); !s.ok()) {
      if (!absl::IsAlreadyExists(s)) return s;
      return ErrorBuilder(absl::StatusCode::kAlreadyExists,
                          "you already have a pending request for this right")
          .Reason("ACCESS_REQUEST_PENDING")
          .Dutch("U heeft dit recht al aangevraagd; uw lokale beheerder behandelt de aanvraag.");
    }
    RETURN_IF_ERROR(tx.RecordRequestId(ScopedRequestId(actor, organization_id, request_id),
                                       "access_request", request.id, fingerprint));
    const MailContext mail{*role, org.display_name, requester};
    for (const identity::PersonInfo& admin : reachable) {
      RETURN_IF_ERROR(tx.AppendOutbox(AccessRequestSubmittedMail(request, mail, admin)).status());
    }
    result = request;
    return Audit(
        tx, actor, organization_id, "ACCESS_REQUEST_CREATED", "persons/" + actor.person_id,
        RequestName(organization_id, request.id), reason,
        {{"role", role_code}, {"context", context}, {"notified", absl::StrCat(reachable.size())}});
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::pair<AccessRequestRecord, GrantRecord>> RightsManager::ApproveAccessRequest(
    const Actor& actor, const std::string& organization_id, const std::string& id, int64_t version,
    const Validity& validity, const RequestContext& call) {
  RETURN_IF_ERROR(RequireManager(actor, organization_id, call));
  ASSIGN_OR_RETURN(auto org, directory_.GetOrganization(organization_id, call));
  std::pair<AccessRequestRecord, GrantRecord> result;
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto request, tx.GetAccessRequest(organization_id, id));
    if (request.version != version) return absl::AbortedError("stale etag; reload and retry");
    if (request.state != "PENDING") return NotPending(request);
    if (!actor.is_operator && request.requester_id == actor.person_id) {
      return ErrorBuilder(absl::StatusCode::kPermissionDenied, "nobody approves their own request")
          .Reason("OWN_REQUEST")
          .Dutch("U kunt uw eigen aanvraag niet goedkeuren.");
    }
    const RoleDef* role = catalogue_.FindRole(request.role);
    if (role == nullptr) return absl::FailedPreconditionError("the role left the catalogue");
    const absl::Time now = clock_();
    // As for CreateGrant: at the moment of the decision, not of the request.
    RETURN_IF_ERROR(RequireWorkRelation(tx, organization_id, request.requester_id,
                                        org.legal_representative_ids, now));
    ASSIGN_OR_RETURN(auto requester, directory_.GetPerson(request.requester_id, call));
    GrantRecord grant;
    grant.id = NewRightsId();
    grant.organization_id = organization_id;
    grant.person_id = request.requester_id;
    grant.role = request.role;
    grant.context = request.context;
    grant.valid_from = validity.from.value_or(now);
    grant.valid_until = validity.until;
    grant.granted_by = actor.person_id;
    grant.access_request_id = request.id;
    grant.create_time = grant.update_time = now;
    if (grant.valid_until && *grant.valid_until <= grant.valid_from) {
      return InvalidArgument({{"validity.end_time", "must be after the start time"}});
    }
    RETURN_IF_ERROR(tx.InsertGrant(grant));
    request.state = "APPROVED";
    request.decided_by = actor.person_id;
    request.decide_time = now;
    request.grant_id = grant.id;
    request.version = version + 1;
    RETURN_IF_ERROR(tx.UpdateAccessRequest(request));
    RETURN_IF_ERROR(tx.BumpRevision(organization_id));
    RETURN_IF_ERROR(
        tx.AppendOutbox(AccessRequestApprovedMail(request, {*role, org.display_name, requester}))
            .status());
    result = {request, grant};
    return Audit(tx, actor, organization_id, "ACCESS_REQUEST_APPROVED",
                 "persons/" + request.requester_id, RequestName(organization_id, id), "",
                 {{"grant", grant.id}, {"role", grant.role}, {"context", grant.context}});
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<AccessRequestRecord> RightsManager::RejectAccessRequest(
    const Actor& actor, const std::string& organization_id, const std::string& id, int64_t version,
    const std::string& reason, const RequestContext& call) {
  RETURN_IF_ERROR(RequireManager(actor, organization_id, call));
  ASSIGN_OR_RETURN(auto org, directory_.GetOrganization(organization_id, call));
  AccessRequestRecord result;
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto request, tx.GetAccessRequest(organization_id, id));
    if (request.version != version) return absl::AbortedError("stale etag; reload and retry");
    if (request.state != "PENDING") return NotPending(request);
    if (!actor.is_operator && request.requester_id == actor.person_id) {
      return ErrorBuilder(absl::StatusCode::kPermissionDenied, "withdraw your own request instead")
          .Reason("OWN_REQUEST");
    }
    const RoleDef* role = catalogue_.FindRole(request.role);
    if (role == nullptr) return absl::FailedPreconditionError("the role left the catalogue");
    ASSIGN_OR_RETURN(auto requester, directory_.GetPerson(request.requester_id, call));
    request.state = "REJECTED";
    request.rejection_reason = reason;
    request.decided_by = actor.person_id;
    request.decide_time = clock_();
    request.version = version + 1;
    RETURN_IF_ERROR(tx.UpdateAccessRequest(request));
    RETURN_IF_ERROR(
        tx.AppendOutbox(AccessRequestRejectedMail(request, {*role, org.display_name, requester}))
            .status());
    result = request;
    return Audit(tx, actor, organization_id, "ACCESS_REQUEST_REJECTED",
                 "persons/" + request.requester_id, RequestName(organization_id, id), reason);
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<AccessRequestRecord> RightsManager::WithdrawAccessRequest(
    const Actor& actor, const std::string& organization_id, const std::string& id, int64_t version,
    const RequestContext& /*call*/) {
  AccessRequestRecord result;
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto request, tx.GetAccessRequest(organization_id, id));
    // Someone else's request does not exist as far as this caller can tell.
    if (request.requester_id != actor.person_id) return absl::NotFoundError("no such request");
    if (request.version != version) return absl::AbortedError("stale etag; reload and retry");
    if (request.state != "PENDING") return NotPending(request);
    request.state = "WITHDRAWN";
    request.decide_time = clock_();
    request.version = version + 1;
    RETURN_IF_ERROR(tx.UpdateAccessRequest(request));
    result = request;
    return Audit(tx, actor, organization_id, "ACCESS_REQUEST_WITHDRAWN",
                 "persons/" + request.requester_id, RequestName(organization_id, id), "");
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<int> RightsManager::ExpireAccessRequests(const RequestContext& call, int limit) {
  int expired = 0;
  const Actor system{"", "", std::nullopt, true};
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto due, tx.ClaimExpiredRequests(clock_(), limit));
    for (auto& request : due) {
      const RoleDef* role = catalogue_.FindRole(request.role);
      auto requester = directory_.GetPerson(request.requester_id, call);
      auto org = directory_.GetOrganization(request.organization_id, call);
      if (!requester.ok()) return requester.status();
      if (!org.ok()) return org.status();
      request.state = "EXPIRED";
      request.decide_time = clock_();
      request.version += 1;
      RETURN_IF_ERROR(tx.UpdateAccessRequest(request));
      if (role != nullptr && !requester->email_address.empty()) {
        RETURN_IF_ERROR(tx.AppendOutbox(AccessRequestExpiredMail(
                                            request, {*role, org->display_name, *requester}))
                            .status());
      }
      RETURN_IF_ERROR(Audit(tx, system, request.organization_id, "ACCESS_REQUEST_EXPIRED",
                            "persons/" + request.requester_id,
                            RequestName(request.organization_id, request.id), ""));
      ++expired;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return expired;
}

absl::StatusOr<int> RightsManager::NotifyExpiringGrants(const RequestContext& call, int limit) {
  int notified = 0;
  const Actor system{"", "", std::nullopt, true};
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    notified = 0;
    const absl::Time now = clock_();
    ASSIGN_OR_RETURN(auto due,
                     tx.ClaimExpiringGrants(now, now + catalogue_.grant_expiry_notice(), limit));
    for (const GrantRecord& grant : due) {
      const RoleDef* role = catalogue_.FindRole(grant.role);
      auto holder = directory_.GetPerson(grant.person_id, call);
      auto org = directory_.GetOrganization(grant.organization_id, call);
      if (!holder.ok()) return holder.status();
      if (!org.ok()) return org.status();
      if (role != nullptr && !holder->email_address.empty()) {
        RETURN_IF_ERROR(
            tx.AppendOutbox(GrantExpiringMail(grant, *role, org->display_name, *holder)).status());
      }
      RETURN_IF_ERROR(tx.MarkExpiryNoticeSent(grant.organization_id, grant.id, now));
      RETURN_IF_ERROR(Audit(tx, system, grant.organization_id, "GRANT_EXPIRY_NOTIFIED",
                            "persons/" + grant.person_id,
                            "organizations/" + grant.organization_id + "/grants/" + grant.id, ""));
      ++notified;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return notified;
}

}  // namespace wse::rights
