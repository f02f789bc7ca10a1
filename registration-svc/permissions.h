#pragma once
// What registration-svc asks rights-svc: may this person register VOV attendance for this
// organisation now, and if not, what can they request. Decided live on every call (never from
// token claims), so a granted or revoked right shows on the next screen.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/call_context.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::registration {

struct PermissionView {
  bool allowed = false;
  std::string requestable_role;          // A role the person may request, if any.
  std::string requestable_context;       // The context to request it with.
  std::string pending_access_request;    // Resource name of their open request, if any.
  bool access_request_possible = false;  // A local administrator can be reached by mail.
};

class Permissions {
 public:
  virtual ~Permissions() = default;
  virtual absl::StatusOr<PermissionView> Explain(const std::string& person_id,
                                                 const std::string& organization_id,
                                                 const std::string& permission,
                                                 const CallContext& call) = 0;
  // The live decision only (RightsService.CheckPermission): every registration call asks it.
  virtual absl::StatusOr<bool> Allowed(const std::string& person_id,
                                       const std::string& organization_id,
                                       const std::string& permission, const CallContext& call) = 0;
};

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
                                         const CallContext& call) override;
  absl::StatusOr<bool> Allowed(const std::string& person_id, const std::string& organization_id,
                               const std::string& permission, const CallContext& call) override;

 private:
  void Prepare(const CallContext& call, grpc::ClientContext* context) const;

  std::unique_ptr<rights::v1::RightsService::Stub> stub_;
  std::string preferred_context_;
};

}  // namespace wse::registration
