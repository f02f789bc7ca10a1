#pragma once
// gRPC adapter of wse.rights.v1.RightsService: authenticates the caller (access token, or the
// operator/service token), converts, calls RightsQueries (reads and the rules of who may read
// and name an organisation), RightsManager (changes) or PermissionChecker, converts back. The
// rules live in those domain classes.

#include "common/call_context.h"
#include "common/operator_auth.h"
#include "common/request_checks.h"
#include "common/token_verifier.h"
#include "rights-svc/domain/permission_checker.h"
#include "rights-svc/domain/rights_manager.h"
#include "rights-svc/domain/rights_queries.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::rights {

struct RightsServiceDeps {
  RightsManager& rights;   // Changes.
  RightsQueries& queries;  // Reads and their access rules.
  PermissionChecker& permissions;
  AccessTokenVerifier& tokens;
  const OperatorAuthenticator& operators;
};

// CheckPermission, asked on every call of every service and normally answered from memory, runs
// on gRPC's callback API: no hand-off to a synchronous worker thread (measured at 64 callers:
// 31.8k -> 37.0k calls/s, p99 below echo's). A decision not in memory reads the database on the
// callback thread, bounded like every read by the pool's timeouts (the fault and outage suites
// run through it). The other methods, which write or read more, stay synchronous.
class RightsServiceImpl final
    : public v1::RightsService::WithCallbackMethod_CheckPermission<v1::RightsService::Service> {
 public:
  explicit RightsServiceImpl(RightsServiceDeps deps) : deps_(deps) {}

#define WSE_RPC(Name)                                                               \
  grpc::Status Name(grpc::ServerContext* context, const v1::Name##Request* request, \
                    v1::Name##Response* response) override
  WSE_RPC(CreateWorkRelation);
  WSE_RPC(UpdateWorkRelation);
  WSE_RPC(EndWorkRelation);
  WSE_RPC(ListWorkRelations);
  WSE_RPC(CreateGrant);
  WSE_RPC(UpdateGrant);
  WSE_RPC(RevokeGrant);
  WSE_RPC(ListGrants);
  WSE_RPC(ListRoles);
  WSE_RPC(CreateAccessRequest);
  WSE_RPC(ApproveAccessRequest);
  WSE_RPC(RejectAccessRequest);
  WSE_RPC(WithdrawAccessRequest);
  WSE_RPC(GetAccessRequest);
  WSE_RPC(ListAccessRequests);
  WSE_RPC(ListLocalAdministrators);
  WSE_RPC(ListAuditEvents);
  WSE_RPC(VerifyAuditChain);
  WSE_RPC(ExplainPermission);
#undef WSE_RPC
  grpc::ServerUnaryReactor* CheckPermission(grpc::CallbackServerContext* context,
                                            const v1::CheckPermissionRequest* request,
                                            v1::CheckPermissionResponse* response) override;

 private:
  absl::StatusOr<Actor> Authenticate(const RequestContext& call);

  RightsServiceDeps deps_;
};

// "persons/{id}" -> id (INVALID_ARGUMENT on `field` otherwise).
absl::StatusOr<std::string> PersonId(const std::string& name, const std::string& field);
// Free text (reasons): at most 1000 characters; `required` forbids blank.
absl::Status CheckText(const std::string& text, const std::string& field, bool required);

// The next page token of a keyset page: the last id when the page is full.
template <typename Record>
std::string NextToken(const std::vector<Record>& page, const PageRequest& request) {
  return static_cast<int>(page.size()) == request.size ? page.back().id : "";
}

}  // namespace wse::rights
