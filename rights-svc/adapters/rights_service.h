#pragma once
// gRPC adapter of wse.rights.v1.RightsService: authenticates the caller (access token, or the
// operator/service token), checks that a named organisation is the token's own, converts, calls
// RightsManager / PermissionChecker, converts back. The rules live in the domain classes.

#include "common/call_context.h"
#include "common/operator_auth.h"
#include "common/token_verifier.h"
#include "rights-svc/domain/permission_checker.h"
#include "rights-svc/domain/rights_manager.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::rights {

struct RightsServiceDeps {
  RightsManager& rights;
  PermissionChecker& permissions;
  AccessTokenVerifier& tokens;
  const OperatorAuthenticator& operators;
};

class RightsServiceImpl final : public v1::RightsService::Service {
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
  WSE_RPC(CheckPermission);
  WSE_RPC(ExplainPermission);
#undef WSE_RPC

 private:
  absl::StatusOr<Actor> Authenticate(const RequestContext& call);
  // The organisation id of `parent`, which must be the actor's own (operators: any). A mismatch
  // is PERMISSION_DENIED and leaves an audit event in the named organisation's trail.
  absl::StatusOr<std::string> OwnOrganization(const Actor& actor, const std::string& parent,
                                              const std::string& field, const RequestContext& call);
  // Who may list a person's records: across organisations (parent "organizations/-") only
  // their own (or an operator); within the own organisation one's own, or anyone's for a local
  // administrator. Returns the organisation id to filter on ("" across organisations).
  absl::StatusOr<std::string> ListScope(const Actor& actor, const std::string& parent,
                                        const std::string& person_id, const RequestContext& call);
  // Splits "organizations/{org}/<collection>/{id}" after checking the organisation.
  absl::StatusOr<std::pair<std::string, std::string>> OwnChild(const Actor& actor,
                                                               const std::string& name,
                                                               const std::string& collection,
                                                               const RequestContext& call);

  RightsServiceDeps deps_;
};

// "persons/{id}" -> id (INVALID_ARGUMENT on `field` otherwise).
absl::StatusOr<std::string> PersonId(const std::string& name, const std::string& field);
// Keyset page from page_size / page_token (INVALID_ARGUMENT on bad values).
absl::StatusOr<PageRequest> PageFrom(int32_t page_size, const std::string& page_token);
// request_id of idempotent creates: required, a UUID-like token.
absl::Status CheckRequestId(const std::string& request_id);
// Free text (reasons): at most 1000 characters; `required` forbids blank.
absl::Status CheckText(const std::string& text, const std::string& field, bool required);

// The next page token of a keyset page: the last id when the page is full.
template <typename Record>
std::string NextToken(const std::vector<Record>& page, const PageRequest& request) {
  return static_cast<int>(page.size()) == request.size ? page.back().id : "";
}

}  // namespace wse::rights
