#pragma once
// Memberships owned by rights-svc: active work relations and active grants of a person, asked
// live with the service token: for one organisation (select, refresh) with one CheckMembership,
// answered from rights-svc's revision-keyed records; across organisations (the list of acting
// contexts) with ListWorkRelations / ListGrants.

#include <memory>
#include <string>

#include "identity-svc/domain/membership.h"
#include "wse/rights/v1/membership.grpc.pb.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::identity {

class RightsMembershipSource final : public MembershipSource {
 public:
  RightsMembershipSource(std::shared_ptr<grpc::Channel> channel, std::string service_token);
  absl::StatusOr<std::vector<Membership>> MembershipsOf(const PersonRecord& person,
                                                        const std::string& only_organization,
                                                        const RequestContext& call) override;

 private:
  void Prepare(const RequestContext& call, grpc::ClientContext* context) const;

  absl::StatusOr<std::vector<Membership>> OneOrganization(const PersonRecord& person,
                                                          const std::string& organization_id,
                                                          const RequestContext& call);

  std::unique_ptr<rights::v1::RightsService::Stub> stub_;
  std::unique_ptr<rights::v1::MembershipService::Stub> membership_;
  std::string service_token_;
};

}  // namespace wse::identity
