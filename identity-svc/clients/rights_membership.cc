#include "identity-svc/clients/rights_membership.h"

#include <set>

#include "absl/strings/str_split.h"
#include "common/call_context.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "grpcpp/channel.h"

namespace wse::identity {
namespace {

// "organizations/{org}/..." -> org
std::string OrganizationOf(const std::string& name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  return parts.size() >= 2 ? parts[1] : "";
}

absl::Status Mapped(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  // Without rights-svc nobody can be shown their organisations reliably: retry later.
  return absl::UnavailableError("rights-svc is unavailable; retry later");
}

}  // namespace

RightsMembershipSource::RightsMembershipSource(std::shared_ptr<grpc::Channel> channel,
                                               std::string service_token)
    : stub_(rights::v1::RightsService::NewStub(channel)),
      membership_(rights::v1::MembershipService::NewStub(channel)),
      service_token_(std::move(service_token)) {}

void RightsMembershipSource::Prepare(const RequestContext& call,
                                     grpc::ClientContext* context) const {
  PropagateTo(call, context);
  const auto limit = std::chrono::system_clock::now() + std::chrono::seconds(3);
  if (context->deadline() > limit) context->set_deadline(limit);
  context->AddMetadata("authorization", "Bearer " + service_token_);
}

absl::StatusOr<std::vector<Membership>> RightsMembershipSource::OneOrganization(
    const PersonRecord& person, const std::string& organization_id, const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, &context);
  rights::v1::CheckMembershipRequest request;
  request.set_person("persons/" + person.id);
  request.set_organization("organizations/" + organization_id);
  rights::v1::CheckMembershipResponse response;
  RETURN_IF_ERROR(Mapped(membership_->CheckMembership(&context, request, &response)));
  std::vector<Membership> out;
  if (response.active_work_relation()) {
    out.push_back({organization_id, ActingBasis::kWorkRelation});
  }
  if (response.active_grant()) out.push_back({organization_id, ActingBasis::kGrant});
  return out;
}

absl::StatusOr<std::vector<Membership>> RightsMembershipSource::MembershipsOf(
    const PersonRecord& person, const std::string& only_organization, const RequestContext& call) {
  if (!only_organization.empty()) return OneOrganization(person, only_organization, call);
  const std::string parent = "organizations/-";
  std::vector<Membership> out;
  {
    grpc::ClientContext context;
    Prepare(call, &context);
    rights::v1::ListWorkRelationsRequest request;
    request.set_parent(parent);
    request.set_person("persons/" + person.id);
    request.set_page_size(500);
    rights::v1::ListWorkRelationsResponse response;
    RETURN_IF_ERROR(Mapped(stub_->ListWorkRelations(&context, request, &response)));
    for (const auto& relation : response.work_relations()) {
      if (relation.state() == rights::v1::WORK_RELATION_STATE_ACTIVE) {
        out.push_back({OrganizationOf(relation.name()), ActingBasis::kWorkRelation});
      }
    }
  }
  {
    grpc::ClientContext context;
    Prepare(call, &context);
    rights::v1::ListGrantsRequest request;
    request.set_parent(parent);
    request.set_person("persons/" + person.id);
    request.set_page_size(500);
    rights::v1::ListGrantsResponse response;
    RETURN_IF_ERROR(Mapped(stub_->ListGrants(&context, request, &response)));
    // A grant counts only with an active work relation (as CheckMembership decides).
    std::set<std::string> related;
    for (const Membership& m : out) related.insert(m.organization_id);
    for (const auto& grant : response.grants()) {
      if (grant.state() == rights::v1::GRANT_STATE_ACTIVE &&
          related.contains(OrganizationOf(grant.name()))) {
        out.push_back({OrganizationOf(grant.name()), ActingBasis::kGrant});
      }
    }
  }
  return out;
}

}  // namespace wse::identity
