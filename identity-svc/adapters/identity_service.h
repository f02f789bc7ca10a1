#pragma once
// gRPC adapter of wse.identity.v1.IdentityService: authenticates the caller, validates and
// converts the request, calls SessionManager / the directory, converts the answer. No SQL, no
// business rules here.

#include "common/call_context.h"
#include "common/operator_auth.h"
#include "common/token_verifier.h"
#include "identity-svc/adapters/convert.h"
#include "identity-svc/domain/email_verification.h"
#include "identity-svc/domain/key_ring.h"
#include "identity-svc/domain/session_manager.h"
#include "identity-svc/domain/store.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"

namespace wse::identity {

struct IdentityServiceDeps {
  SessionManager& sessions;
  DirectoryRepository& directory;
  const KeyRing& keys;
  AccessTokenVerifier& tokens;
  const OperatorAuthenticator& operators;
  GuidanceConfig guidance;
  EmailVerifier& email;
};

class IdentityServiceImpl final : public v1::IdentityService::Service {
 public:
  explicit IdentityServiceImpl(IdentityServiceDeps deps) : deps_(std::move(deps)) {}

  grpc::Status StartLogin(grpc::ServerContext* context, const v1::StartLoginRequest* request,
                          v1::StartLoginResponse* response) override;
  grpc::Status ExchangeIdToken(grpc::ServerContext* context,
                               const v1::ExchangeIdTokenRequest* request,
                               v1::ExchangeIdTokenResponse* response) override;
  grpc::Status ListActingContexts(grpc::ServerContext* context,
                                  const v1::ListActingContextsRequest* request,
                                  v1::ListActingContextsResponse* response) override;
  grpc::Status SelectActingContext(grpc::ServerContext* context,
                                   const v1::SelectActingContextRequest* request,
                                   v1::SelectActingContextResponse* response) override;
  grpc::Status RefreshSession(grpc::ServerContext* context,
                              const v1::RefreshSessionRequest* request,
                              v1::RefreshSessionResponse* response) override;
  grpc::Status Logout(grpc::ServerContext* context, const v1::LogoutRequest* request,
                      v1::LogoutResponse* response) override;
  grpc::Status GetCurrentUser(grpc::ServerContext* context,
                              const v1::GetCurrentUserRequest* request,
                              v1::GetCurrentUserResponse* response) override;
  grpc::Status GetJwks(grpc::ServerContext* context, const v1::GetJwksRequest* request,
                       v1::GetJwksResponse* response) override;
  grpc::Status StartEmailVerification(grpc::ServerContext* context,
                                      const v1::StartEmailVerificationRequest* request,
                                      v1::StartEmailVerificationResponse* response) override;
  grpc::Status ConfirmEmailAddress(grpc::ServerContext* context,
                                   const v1::ConfirmEmailAddressRequest* request,
                                   v1::ConfirmEmailAddressResponse* response) override;
  grpc::Status BatchImportOrganizations(grpc::ServerContext* context,
                                        const v1::BatchImportOrganizationsRequest* request,
                                        v1::BatchImportOrganizationsResponse* response) override;
  grpc::Status BatchImportPersons(grpc::ServerContext* context,
                                  const v1::BatchImportPersonsRequest* request,
                                  v1::BatchImportPersonsResponse* response) override;
  grpc::Status GetOrganization(grpc::ServerContext* context,
                               const v1::GetOrganizationRequest* request,
                               v1::GetOrganizationResponse* response) override;
  grpc::Status ListOrganizations(grpc::ServerContext* context,
                                 const v1::ListOrganizationsRequest* request,
                                 v1::ListOrganizationsResponse* response) override;
  grpc::Status LookupOrganization(grpc::ServerContext* context,
                                  const v1::LookupOrganizationRequest* request,
                                  v1::LookupOrganizationResponse* response) override;
  grpc::Status GetPerson(grpc::ServerContext* context, const v1::GetPersonRequest* request,
                         v1::GetPersonResponse* response) override;
  grpc::Status LookupPerson(grpc::ServerContext* context, const v1::LookupPersonRequest* request,
                            v1::LookupPersonResponse* response) override;

 private:
  // The caller named by a valid access token of ours (any context).
  absl::StatusOr<Caller> Authenticate(const RequestContext& call);
  // The organisation as answered: legal representatives with their person, once known.
  absl::Status FillOrganization(const OrganizationRecord& org, v1::Organization* out);

  IdentityServiceDeps deps_;
};

}  // namespace wse::identity
