#pragma once
// Memberships owned by rights-svc: active work relations and active grants of a person, asked
// live (ListWorkRelations / ListGrants across organisations) with the service token.

#include <memory>
#include <string>

#include "identity-svc/membership.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::identity {

class RightsMembershipSource final : public MembershipSource {
 public:
  RightsMembershipSource(std::shared_ptr<grpc::Channel> channel, std::string service_token);
  absl::StatusOr<std::vector<Membership>> MembershipsOf(const PersonRecord& person,
                                                        const std::string& only_organization,
                                                        const CallContext& call) override;

 private:
  void Prepare(const CallContext& call, grpc::ClientContext* context) const;

  std::unique_ptr<rights::v1::RightsService::Stub> stub_;
  std::string service_token_;
};

}  // namespace wse::identity
