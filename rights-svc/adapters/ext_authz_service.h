#pragma once
// Envoy's external authorization (envoy.service.auth.v3.Authorization/Check), answered with the
// same live decisions as CheckPermission: the gRPC path selects a route of the catalogue, the
// bearer token names the person and organisation. Allowed calls go on with x-wse-person and
// x-wse-organization headers (any client-sent copies removed); refused ones get
// UNAUTHENTICATED (401) or PERMISSION_DENIED (403). Envoy fails closed if this service is down.

#include "common/operator_auth.h"
#include "common/token_verifier.h"
#include "envoy/service/auth/v3/external_auth.grpc.pb.h"
#include "rights-svc/domain/permission_checker.h"

namespace wse::rights {

class ExtAuthzService final : public envoy::service::auth::v3::Authorization::Service {
 public:
  ExtAuthzService(PermissionChecker& permissions, const Catalogue& catalogue,
                  AccessTokenVerifier& tokens, const OperatorAuthenticator& operators)
      : permissions_(permissions), catalogue_(catalogue), tokens_(tokens), operators_(operators) {}

  grpc::Status Check(grpc::ServerContext* context,
                     const envoy::service::auth::v3::CheckRequest* request,
                     envoy::service::auth::v3::CheckResponse* response) override;

 private:
  PermissionChecker& permissions_;
  const Catalogue& catalogue_;
  AccessTokenVerifier& tokens_;
  const OperatorAuthenticator& operators_;
};

}  // namespace wse::rights
