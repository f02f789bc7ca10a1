// RightsServiceImpl: grants ('rechten toekennen') and the role catalogue.
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "rights-svc/adapters/convert.h"
#include "rights-svc/adapters/person_names.h"
#include "rights-svc/adapters/rights_service.h"

namespace wse::rights {

grpc::Status RightsServiceImpl::CreateGrant(grpc::ServerContext* context,
                                            const v1::CreateGrantRequest* request,
                                            v1::CreateGrantResponse* response) {
  return Serve(context, "CreateGrant", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto org,
                     deps_.queries.OwnOrganization(actor, request->parent(), "parent", call));
    RETURN_IF_ERROR(CheckRequestId(request->request_id()));
    const auto& in = request->grant();
    ASSIGN_OR_RETURN(auto person, PersonId(in.person(), "grant.person"));
    if (in.role().empty() || in.role().size() > 64) {
      return InvalidArgument({{"grant.role", "is required"}});
    }
    if (in.context().size() > 64) return InvalidArgument({{"grant.context", "is too long"}});
    ASSIGN_OR_RETURN(auto validity,
                     ValidityFromProto(in.validity(), in.has_validity(), "grant.validity"));
    GrantRecord grant;
    grant.person_id = person;
    grant.role = in.role();
    grant.context = in.context();
    if (validity.from) grant.valid_from = *validity.from;
    grant.valid_until = validity.until;
    ASSIGN_OR_RETURN(auto created,
                     deps_.rights.CreateGrant(actor, org, grant, request->request_id(), call));
    ToProto(created, absl::Now(), response->mutable_grant());
    FillNames(deps_.queries.Names(call), response->mutable_grant());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::UpdateGrant(grpc::ServerContext* context,
                                            const v1::UpdateGrantRequest* request,
                                            v1::UpdateGrantResponse* response) {
  return Serve(context, "UpdateGrant", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto ids,
                     deps_.queries.OwnChild(actor, request->grant().name(), "grants", call));
    ASSIGN_OR_RETURN(auto version, VersionFromEtag(request->grant().etag(), "grant.etag"));
    ASSIGN_OR_RETURN(auto validity,
                     ValidityFromProto(request->grant().validity(), true, "grant.validity"));
    ASSIGN_OR_RETURN(auto updated, deps_.rights.UpdateGrant(actor, ids.first, ids.second, version,
                                                            validity, call));
    ToProto(updated, absl::Now(), response->mutable_grant());
    FillNames(deps_.queries.Names(call), response->mutable_grant());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::RevokeGrant(grpc::ServerContext* context,
                                            const v1::RevokeGrantRequest* request,
                                            v1::RevokeGrantResponse* response) {
  return Serve(context, "RevokeGrant", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto ids, deps_.queries.OwnChild(actor, request->name(), "grants", call));
    ASSIGN_OR_RETURN(auto version, VersionFromEtag(request->etag(), "etag"));
    RETURN_IF_ERROR(CheckText(request->reason(), "reason", true));
    ASSIGN_OR_RETURN(auto revoked, deps_.rights.RevokeGrant(actor, ids.first, ids.second, version,
                                                            request->reason(), call));
    ToProto(revoked, absl::Now(), response->mutable_grant());
    FillNames(deps_.queries.Names(call), response->mutable_grant());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::ListGrants(grpc::ServerContext* context,
                                           const v1::ListGrantsRequest* request,
                                           v1::ListGrantsResponse* response) {
  return Serve(context, "ListGrants", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto page, KeysetPageFrom(request->page_size(), request->page_token()));
    GrantFilter filter{"", "", request->role(), request->include_expired(), absl::Now()};
    if (!request->person().empty()) {
      ASSIGN_OR_RETURN(auto person, PersonId(request->person(), "person"));
      filter.person_id = person;
    }
    ASSIGN_OR_RETURN(auto grants,
                     deps_.queries.ListGrants(actor, request->parent(), filter, page, call));
    PersonNames names = deps_.queries.Names(call);
    for (const auto& g : grants) {
      auto* out = response->add_grants();
      ToProto(g, filter.now, out);
      FillNames(names, out);
    }
    response->set_next_page_token(NextToken(grants, page));
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::ListRoles(grpc::ServerContext* context, const v1::ListRolesRequest*,
                                          v1::ListRolesResponse* response) {
  return Serve(context, "ListRoles", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(Authenticate(call).status());
    for (const RoleDef& role : deps_.queries.Roles()) {
      ToProto(role, response->add_roles());
    }
    return absl::OkStatus();
  });
}

}  // namespace wse::rights
