#pragma once
// Directory over gRPC: identity-svc's GetPerson / LookupPerson / GetOrganization, called with the
// operator (service) token, the caller's request id and deadline.

#include <memory>
#include <string>

#include "rights-svc/directory.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"

namespace wse::rights {

class IdentityDirectory final : public Directory {
 public:
  IdentityDirectory(std::shared_ptr<grpc::Channel> channel, std::string service_token);

  absl::StatusOr<PersonInfo> GetPerson(const std::string& person_id,
                                       const CallContext& call) override;
  absl::StatusOr<PersonInfo> FindPersonByInsz(const std::string& insz,
                                              const CallContext& call) override;
  absl::StatusOr<OrganizationInfo> GetOrganization(const std::string& organization_id,
                                                   const CallContext& call) override;

 private:
  void Prepare(const CallContext& call, grpc::ClientContext* context) const;

  std::unique_ptr<identity::v1::IdentityService::Stub> stub_;
  std::string service_token_;
};

}  // namespace wse::rights
