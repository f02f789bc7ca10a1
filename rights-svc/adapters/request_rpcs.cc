// RightsServiceImpl: access requests ('Gebruikersrecht aanvragen') and local administrators.
#include "common/resource_name.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "rights-svc/adapters/convert.h"
#include "rights-svc/adapters/person_names.h"
#include "rights-svc/adapters/rights_service.h"
#include "rights-svc/domain/request_route.h"

namespace wse::rights {
namespace {

identity::v1::Guidance NoAdministratorGuidance() {
  identity::v1::Guidance guidance;
  guidance.set_reason(identity::v1::GUIDANCE_REASON_NO_REACHABLE_LOCAL_ADMINISTRATOR);
  guidance.set_language_code("nl");
  guidance.set_text(ObstacleText(RequestObstacle::kNoReachableAdministrator));
  auto* call = guidance.add_actions();
  call->set_kind(identity::v1::GUIDANCE_ACTION_KIND_CALL_HELPDESK);
  call->set_label("Bel de 1700 infolijn");
  call->set_phone_number("1700");
  call->set_team("gebruikersbeheer");
  return guidance;
}

}  // namespace

grpc::Status RightsServiceImpl::CreateAccessRequest(grpc::ServerContext* context,
                                                    const v1::CreateAccessRequestRequest* request,
                                                    v1::CreateAccessRequestResponse* response) {
  return Serve(context, "CreateAccessRequest", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto org,
                     deps_.queries.OwnOrganization(actor, request->parent(), "parent", call));
    RETURN_IF_ERROR(CheckRequestId(request->request_id()));
    const auto& in = request->access_request();
    if (in.role().empty() || in.role().size() > 64) {
      return InvalidArgument({{"access_request.role", "is required"}});
    }
    if (in.context().size() > 64) {
      return InvalidArgument({{"access_request.context", "is too long"}});
    }
    RETURN_IF_ERROR(CheckText(in.reason(), "access_request.reason", true));
    ASSIGN_OR_RETURN(auto created,
                     deps_.rights.CreateAccessRequest(actor, org, in.role(), in.context(),
                                                      in.reason(), request->request_id(), call));
    ToProto(created, response->mutable_access_request());
    FillNames(deps_.queries.Names(call), response->mutable_access_request());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::ApproveAccessRequest(grpc::ServerContext* context,
                                                     const v1::ApproveAccessRequestRequest* request,
                                                     v1::ApproveAccessRequestResponse* response) {
  return Serve(context, "ApproveAccessRequest", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto ids,
                     deps_.queries.OwnChild(actor, request->name(), "accessRequests", call));
    ASSIGN_OR_RETURN(auto version, VersionFromEtag(request->etag(), "etag"));
    ASSIGN_OR_RETURN(auto validity,
                     ValidityFromProto(request->validity(), request->has_validity(), "validity"));
    ASSIGN_OR_RETURN(auto approved, deps_.rights.ApproveAccessRequest(actor, ids.first, ids.second,
                                                                      version, validity, call));
    ToProto(approved.first, response->mutable_access_request());
    ToProto(approved.second, absl::Now(), response->mutable_grant());
    PersonNames names = deps_.queries.Names(call);
    FillNames(names, response->mutable_access_request());
    FillNames(names, response->mutable_grant());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::RejectAccessRequest(grpc::ServerContext* context,
                                                    const v1::RejectAccessRequestRequest* request,
                                                    v1::RejectAccessRequestResponse* response) {
  return Serve(context, "RejectAccessRequest", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto ids,
                     deps_.queries.OwnChild(actor, request->name(), "accessRequests", call));
    ASSIGN_OR_RETURN(auto version, VersionFromEtag(request->etag(), "etag"));
    RETURN_IF_ERROR(CheckText(request->reason(), "reason", true));
    ASSIGN_OR_RETURN(auto rejected,
                     deps_.rights.RejectAccessRequest(actor, ids.first, ids.second, version,
                                                      request->reason(), call));
    ToProto(rejected, response->mutable_access_request());
    FillNames(deps_.queries.Names(call), response->mutable_access_request());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::WithdrawAccessRequest(
    grpc::ServerContext* context, const v1::WithdrawAccessRequestRequest* request,
    v1::WithdrawAccessRequestResponse* response) {
  return Serve(context, "WithdrawAccessRequest", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto ids,
                     deps_.queries.OwnChild(actor, request->name(), "accessRequests", call));
    ASSIGN_OR_RETURN(auto version, VersionFromEtag(request->etag(), "etag"));
    ASSIGN_OR_RETURN(auto withdrawn, deps_.rights.WithdrawAccessRequest(actor, ids.first,
                                                                        ids.second, version, call));
    ToProto(withdrawn, response->mutable_access_request());
    FillNames(deps_.queries.Names(call), response->mutable_access_request());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::GetAccessRequest(grpc::ServerContext* context,
                                                 const v1::GetAccessRequestRequest* request,
                                                 v1::GetAccessRequestResponse* response) {
  return Serve(context, "GetAccessRequest", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto found, deps_.queries.GetAccessRequest(actor, request->name(), call));
    ToProto(found, response->mutable_access_request());
    FillNames(deps_.queries.Names(call), response->mutable_access_request());
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::ListAccessRequests(grpc::ServerContext* context,
                                                   const v1::ListAccessRequestsRequest* request,
                                                   v1::ListAccessRequestsResponse* response) {
  return Serve(context, "ListAccessRequests", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    ASSIGN_OR_RETURN(auto page, KeysetPageFrom(request->page_size(), request->page_token()));
    AccessRequestFilter filter{"", "", ""};
    if (!v1::AccessRequestState_IsValid(request->state())) {  // An unknown number has no name.
      return InvalidArgument({{"state", "is not an access request state"}});
    }
    if (request->state() != v1::ACCESS_REQUEST_STATE_UNSPECIFIED) {
      filter.state =
          v1::AccessRequestState_Name(request->state()).substr(sizeof("ACCESS_REQUEST_STATE_") - 1);
    }
    if (!request->requester().empty()) {
      ASSIGN_OR_RETURN(auto person, PersonId(request->requester(), "requester"));
      filter.requester_id = person;
    }
    ASSIGN_OR_RETURN(auto requests, deps_.queries.ListAccessRequests(actor, request->parent(),
                                                                     filter, page, call));
    PersonNames names = deps_.queries.Names(call);
    for (const auto& r : requests) {
      auto* out = response->add_access_requests();
      ToProto(r, out);
      FillNames(names, out);
    }
    response->set_next_page_token(NextToken(requests, page));
    return absl::OkStatus();
  });
}

grpc::Status RightsServiceImpl::ListLocalAdministrators(
    grpc::ServerContext* context, const v1::ListLocalAdministratorsRequest* request,
    v1::ListLocalAdministratorsResponse* response) {
  return Serve(context, "ListLocalAdministrators", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto actor, Authenticate(call));
    // Only for those acting for the organisation (and operators), as the contract says: staff
    // data cannot be harvested, and someone who cannot act for it yet gets the 1700 guidance
    // from SelectActingContext instead.
    ASSIGN_OR_RETURN(auto org,
                     deps_.queries.OwnOrganization(actor, request->parent(), "parent", call));
    ASSIGN_OR_RETURN(auto admins, deps_.rights.LocalAdministrators(org, call));
    bool reachable = false;
    for (const auto& admin : admins) {
      ToProto(admin, org, response->add_local_administrators());
      reachable = reachable || !admin.person.email_address.empty();
    }
    response->set_access_request_possible(reachable);
    if (!reachable) *response->mutable_fallback() = NoAdministratorGuidance();
    return absl::OkStatus();
  });
}

}  // namespace wse::rights
