#include "rights-svc/client/grpc_rights_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/call_context.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"

namespace wse::rights {
namespace {

// "organizations/{org}/..." -> org
std::string OrganizationOf(const std::string& name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  return parts.size() >= 2 ? parts[1] : "";
}

// See rights_client.h: whose credential failed decides whether the failure is the caller's.
absl::Status Mapped(const grpc::Status& status, const RequestContext& call, bool callers_token) {
  if (status.ok()) return absl::OkStatus();
  absl::Status mapped = FromGrpcStatus(status);
  if (callers_token && (absl::IsUnauthenticated(mapped) || absl::IsPermissionDenied(mapped))) {
    return mapped;
  }
  if (absl::IsDeadlineExceeded(mapped) && call.deadline <= std::chrono::system_clock::now()) {
    return mapped;
  }
  return absl::UnavailableError(absl::StrCat(
      "rights-svc is unavailable (", absl::StatusCodeToString(mapped.code()), "); retry later"));
}

}  // namespace

GrpcRightsClient::GrpcRightsClient(std::shared_ptr<grpc::Channel> channel,
                                   std::string service_token, RightsClientOptions options)
    : stub_(v1::RightsService::NewStub(channel)),
      membership_(v1::MembershipService::NewStub(channel)),
      service_token_(std::move(service_token)),
      options_(options) {}

void GrpcRightsClient::Prepare(const RequestContext& call, Credential credential,
                               grpc::ClientContext* context) const {
  PropagateTo(call, context);
  const auto limit = absl::ToChronoTime(absl::Now() + options_.call_timeout);
  if (context->deadline() > limit) context->set_deadline(limit);
  if (credential == Credential::kCaller && call.bearer_token) {
    context->AddMetadata("authorization", "Bearer " + *call.bearer_token);
  }
  if (credential == Credential::kService && !service_token_.empty()) {
    context->AddMetadata("authorization", "Bearer " + service_token_);
  }
}

absl::StatusOr<PermissionAnswer> GrpcRightsClient::CheckPermission(
    const std::string& person_id, const std::string& organization_id, const std::string& permission,
    const RequestContext& call) {
  return Check(person_id, organization_id, permission, /*for_reuse=*/false, call);
}

absl::StatusOr<PermissionAnswer> GrpcRightsClient::CheckPermissionForReuse(
    const std::string& person_id, const std::string& organization_id, const std::string& permission,
    const RequestContext& call) {
  return Check(person_id, organization_id, permission, /*for_reuse=*/true, call);
}

absl::StatusOr<PermissionAnswer> GrpcRightsClient::Check(const std::string& person_id,
                                                         const std::string& organization_id,
                                                         const std::string& permission,
                                                         bool for_reuse,
                                                         const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, Credential::kCaller, &context);
  v1::CheckPermissionRequest request;
  request.set_person("persons/" + person_id);
  request.set_organization("organizations/" + organization_id);
  request.set_permission(permission);
  request.set_for_reuse(for_reuse);
  v1::CheckPermissionResponse response;
  RETURN_IF_ERROR(Mapped(stub_->CheckPermission(&context, request, &response), call, true));
  PermissionAnswer answer;
  answer.allowed = response.allowed();
  answer.revision = response.revision();
  // Only asked for, and only sane values: a negative or absurd duration is not kept.
  if (for_reuse && response.has_reusable_for() && response.reusable_for().seconds() >= 0 &&
      response.reusable_for().seconds() <= 86400 && response.reusable_for().nanos() >= 0) {
    answer.reusable_for = absl::Seconds(response.reusable_for().seconds()) +
                          absl::Nanoseconds(response.reusable_for().nanos());
  }
  return answer;
}

namespace {

// A value newer than this client reads as "none": access_request_possible still says whether
// the button works.
AccessRequestObstacle FromProto(v1::AccessRequestObstacle obstacle) {
  switch (obstacle) {
    case v1::ACCESS_REQUEST_OBSTACLE_NOT_REQUESTABLE:
      return AccessRequestObstacle::kNotRequestable;
    case v1::ACCESS_REQUEST_OBSTACLE_PENDING:
      return AccessRequestObstacle::kPending;
    case v1::ACCESS_REQUEST_OBSTACLE_GRANT_YOURSELF:
      return AccessRequestObstacle::kGrantYourself;
    case v1::ACCESS_REQUEST_OBSTACLE_NO_REACHABLE_LOCAL_ADMINISTRATOR:
      return AccessRequestObstacle::kNoReachableAdministrator;
    case v1::ACCESS_REQUEST_OBSTACLE_REQUESTER_EMAIL_UNKNOWN:
      return AccessRequestObstacle::kRequesterEmailUnknown;
    default:
      return AccessRequestObstacle::kNone;
  }
}

}  // namespace

absl::StatusOr<PermissionExplanation> GrpcRightsClient::ExplainPermission(
    const std::string& person_id, const std::string& organization_id, const std::string& permission,
    const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, Credential::kCaller, &context);
  v1::ExplainPermissionRequest request;
  request.set_person("persons/" + person_id);
  request.set_organization("organizations/" + organization_id);
  request.set_permission(permission);
  v1::ExplainPermissionResponse response;
  RETURN_IF_ERROR(Mapped(stub_->ExplainPermission(&context, request, &response), call, true));
  PermissionExplanation out;
  out.allowed = response.allowed();
  out.pending_access_request = response.pending_access_request();
  out.access_request_possible = response.access_request_possible();
  out.obstacle = FromProto(response.access_request_obstacle());
  for (const auto& rule : response.rules()) {
    out.rules.push_back({rule.role(),
                         {rule.contexts().begin(), rule.contexts().end()},
                         rule.requestable(),
                         rule.satisfied()});
  }
  return out;
}

absl::StatusOr<MembershipFacts> GrpcRightsClient::CheckMembership(
    const std::string& person_id, const std::string& organization_id, const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, Credential::kService, &context);
  v1::CheckMembershipRequest request;
  request.set_person("persons/" + person_id);
  request.set_organization("organizations/" + organization_id);
  v1::CheckMembershipResponse response;
  RETURN_IF_ERROR(Mapped(membership_->CheckMembership(&context, request, &response), call, false));
  return MembershipFacts{response.active_work_relation(), response.active_grant()};
}

namespace {

// Every page of a list: `call_page` fills one response for the request as it stands;
// `take` consumes it. A person's memberships fit in one page of 500 in practice; the loop (with
// a bound, against a server that never stops paging) keeps the answer whole when they do not.
template <typename Request, typename Response, typename CallPage, typename Take>
absl::Status EachPage(Request request, CallPage call_page, Take take) {
  constexpr int kMaxPages = 100;
  request.set_page_size(500);
  for (int page = 0; page < kMaxPages; ++page) {
    Response response;
    RETURN_IF_ERROR(call_page(request, &response));
    take(response);
    if (response.next_page_token().empty()) return absl::OkStatus();
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("rights-svc kept paging past 50,000 items");
}

}  // namespace

absl::StatusOr<std::vector<std::string>> GrpcRightsClient::WorkRelationOrganizations(
    const std::string& person_id, const RequestContext& call) {
  v1::ListWorkRelationsRequest request;
  request.set_parent("organizations/-");
  request.set_person("persons/" + person_id);
  std::vector<std::string> out;
  RETURN_IF_ERROR((EachPage<v1::ListWorkRelationsRequest, v1::ListWorkRelationsResponse>(
      request,
      [&](const v1::ListWorkRelationsRequest& page, v1::ListWorkRelationsResponse* response) {
        grpc::ClientContext context;
        Prepare(call, Credential::kService, &context);
        return Mapped(stub_->ListWorkRelations(&context, page, response), call, false);
      },
      [&](const v1::ListWorkRelationsResponse& response) {
        for (const auto& relation : response.work_relations()) {
          if (relation.state() == v1::WORK_RELATION_STATE_ACTIVE) {
            out.push_back(OrganizationOf(relation.name()));
          }
        }
      })));
  return out;
}

absl::StatusOr<std::vector<std::string>> GrpcRightsClient::GrantOrganizations(
    const std::string& person_id, const RequestContext& call) {
  v1::ListGrantsRequest request;
  request.set_parent("organizations/-");
  request.set_person("persons/" + person_id);
  std::vector<std::string> out;
  RETURN_IF_ERROR((EachPage<v1::ListGrantsRequest, v1::ListGrantsResponse>(
      request,
      [&](const v1::ListGrantsRequest& page, v1::ListGrantsResponse* response) {
        grpc::ClientContext context;
        Prepare(call, Credential::kService, &context);
        return Mapped(stub_->ListGrants(&context, page, response), call, false);
      },
      [&](const v1::ListGrantsResponse& response) {
        for (const auto& grant : response.grants()) {
          if (grant.state() == v1::GRANT_STATE_ACTIVE) out.push_back(OrganizationOf(grant.name()));
        }
      })));
  return out;
}

}  // namespace wse::rights
