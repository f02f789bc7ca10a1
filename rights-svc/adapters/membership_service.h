#pragma once
// wse.rights.v1.MembershipService (proto/wse/rights/v1/membership.proto): identity-svc's one
// question when a person selects an organisation, answered by PermissionChecker::Membership.
// Service (operator) token only.

#include "common/operator_auth.h"
#include "rights-svc/domain/permission_checker.h"
#include "wse/rights/v1/membership.grpc.pb.h"

namespace wse::rights {

class MembershipService final : public wse::rights::v1::MembershipService::Service {
 public:
  MembershipService(PermissionChecker& permissions, const OperatorAuthenticator& operators)
      : permissions_(permissions), operators_(operators) {}

  grpc::Status CheckMembership(grpc::ServerContext* context,
                               const wse::rights::v1::CheckMembershipRequest* request,
                               wse::rights::v1::CheckMembershipResponse* response) override;

 private:
  PermissionChecker& permissions_;
  const OperatorAuthenticator& operators_;
};

}  // namespace wse::rights
