#pragma once
// registration-svc's Permissions answered by rights-svc over gRPC.

#include <memory>
#include <string>

#include "registration-svc/domain/permissions.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::registration {

// Over gRPC, on behalf of the caller: their own bearer token is forwarded (a person may explain
// their own permissions), with the request id and deadline.
class RightsPermissions final : public Permissions {
 public:
  // `preferred_context`: which of a role's contexts to offer first ('opleidingsdatabank' in the
  // portal's help text).
  RightsPermissions(std::shared_ptr<grpc::Channel> channel, std::string preferred_context);
  absl::StatusOr<PermissionView> Explain(const std::string& person_id,
                                         const std::string& organization_id,
                                         const std::string& permission,
                                         const RequestContext& call) override;
  absl::StatusOr<bool> Allowed(const std::string& person_id, const std::string& organization_id,
                               const std::string& permission, const RequestContext& call) override;

 private:
  void Prepare(const RequestContext& call, grpc::ClientContext* context) const;

  std::unique_ptr<rights::v1::RightsService::Stub> stub_;
  std::string preferred_context_;
};

}  // namespace wse::registration
