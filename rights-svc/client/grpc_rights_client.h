#pragma once
// RightsClient over gRPC (wse.rights.v1.RightsService and MembershipService). Every call carries
// the request id and the caller's deadline, capped at call_timeout; permission calls carry the
// caller's bearer token, membership calls the service's own (empty when it has none).

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "rights-svc/client/rights_client.h"
#include "wse/rights/v1/membership.grpc.pb.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::rights {

struct RightsClientOptions {
  absl::Duration call_timeout = absl::Seconds(3);
};

class GrpcRightsClient final : public RightsClient {
 public:
  GrpcRightsClient(std::shared_ptr<grpc::Channel> channel, std::string service_token,
                   RightsClientOptions options = {});

  absl::StatusOr<PermissionAnswer> CheckPermission(const std::string& person_id,
                                                   const std::string& organization_id,
                                                   const std::string& permission,
                                                   const RequestContext& call) override;
  absl::StatusOr<PermissionAnswer> CheckPermissionForReuse(const std::string& person_id,
                                                           const std::string& organization_id,
                                                           const std::string& permission,
                                                           const RequestContext& call) override;
  absl::StatusOr<PermissionExplanation> ExplainPermission(const std::string& person_id,
                                                          const std::string& organization_id,
                                                          const std::string& permission,
                                                          const RequestContext& call) override;
  absl::StatusOr<MembershipFacts> CheckMembership(const std::string& person_id,
                                                  const std::string& organization_id,
                                                  const RequestContext& call) override;
  absl::StatusOr<std::vector<std::string>> WorkRelationOrganizations(
      const std::string& person_id, const RequestContext& call) override;
  absl::StatusOr<std::vector<std::string>> GrantOrganizations(const std::string& person_id,
                                                              const RequestContext& call) override;

 private:
  enum class Credential { kCaller, kService };
  absl::StatusOr<PermissionAnswer> Check(const std::string& person_id,
                                         const std::string& organization_id,
                                         const std::string& permission, bool for_reuse,
                                         const RequestContext& call);
  void Prepare(const RequestContext& call, Credential credential,
               grpc::ClientContext* context) const;

  std::unique_ptr<v1::RightsService::Stub> stub_;
  std::unique_ptr<v1::MembershipService::Stub> membership_;
  const std::string service_token_;
  const RightsClientOptions options_;
};

}  // namespace wse::rights
