// The login and session RPCs of IdentityServiceImpl (directory RPCs: directory_rpcs.cc).
#include "identity-svc/adapters/identity_service.h"

#include "absl/strings/ascii.h"
#include "common/resource_name.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace wse::identity {

absl::StatusOr<Caller> IdentityServiceImpl::Authenticate(const RequestContext& call) {
  RETURN_IF_ERROR(deps_.operators.RefuseOtherServices(call));
  return deps_.tokens.Verify(call.bearer_token);
}

grpc::Status IdentityServiceImpl::StartLogin(grpc::ServerContext* context,
                                             const v1::StartLoginRequest*,
                                             v1::StartLoginResponse* response) {
  return Serve(context, "StartLogin", [&](const RequestContext&) -> absl::Status {
    ASSIGN_OR_RETURN(auto started, deps_.sessions.StartLogin());
    response->set_login_id(started.login_id);
    response->set_nonce(started.nonce);
    SetTimestamp(started.expire_time, response->mutable_expire_time());
    return absl::OkStatus();
  });
}

grpc::Status IdentityServiceImpl::ExchangeIdToken(grpc::ServerContext* context,
                                                  const v1::ExchangeIdTokenRequest* request,
                                                  v1::ExchangeIdTokenResponse* response) {
  return Serve(context, "ExchangeIdToken", [&](const RequestContext& call) -> absl::Status {
    if (request->id_token().empty() || request->id_token().size() > 16384) {
      return InvalidArgument({{"id_token", "is required (at most 16 KiB)"}});
    }
    if (request->nonce().size() > 256) return InvalidArgument({{"nonce", "is too long"}});
    if (request->login_id().size() > 256) {
      return InvalidArgument({{"login_id", "is too long"}});
    }
    ASSIGN_OR_RETURN(auto issued, deps_.sessions.Login(request->id_token(), request->nonce(),
                                                       request->login_id(), call));
    ToProto(issued, response->mutable_session());
    response->set_access_token(issued.access.token);
    SetTimestamp(issued.access.expire_time, response->mutable_access_token_expire_time());
    response->set_refresh_token(issued.refresh_token);
    SetTimestamp(issued.refresh_expire_time, response->mutable_refresh_token_expire_time());
    return absl::OkStatus();
  });
}

grpc::Status IdentityServiceImpl::ListActingContexts(grpc::ServerContext* context,
                                                     const v1::ListActingContextsRequest*,
                                                     v1::ListActingContextsResponse* response) {
  return Serve(context, "ListActingContexts", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto caller, Authenticate(call));
    ASSIGN_OR_RETURN(auto current, deps_.sessions.Current(caller));
    ASSIGN_OR_RETURN(auto entries, deps_.sessions.ActingContexts(caller, call));
    for (const auto& entry : entries) {
      ToProto(entry, current.person, response->add_acting_contexts());
    }
    if (entries.size() == 1) {  // Only the personal context.
      *response->mutable_guidance() = NoOrganizationGuidance(deps_.guidance);
    }
    return absl::OkStatus();
  });
}

grpc::Status IdentityServiceImpl::SelectActingContext(grpc::ServerContext* context,
                                                      const v1::SelectActingContextRequest* request,
                                                      v1::SelectActingContextResponse* response) {
  return Serve(context, "SelectActingContext", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto caller, Authenticate(call));
    std::optional<std::string> organization_id;
    if (request->has_organization()) {
      ASSIGN_OR_RETURN(auto id,
                       IdFromName(request->organization(), "organizations", "organization"));
      organization_id = std::move(id);
    } else if (!request->personal()) {
      return InvalidArgument({{"context", "set organization, or personal to true"}});
    }
    ASSIGN_OR_RETURN(auto issued, deps_.sessions.Select(caller, organization_id, call));
    auto* acting = response->mutable_acting_context();
    if (issued.organization.has_value()) {
      ToProto(ActingContextEntry{std::move(issued.organization), issued.bases}, issued.person,
              acting);
    } else {
      ToProto(ActingContextEntry{std::nullopt, {}}, issued.person, acting);
    }
    response->set_access_token(issued.access.token);
    SetTimestamp(issued.access.expire_time, response->mutable_access_token_expire_time());
    return absl::OkStatus();
  });
}

grpc::Status IdentityServiceImpl::RefreshSession(grpc::ServerContext* context,
                                                 const v1::RefreshSessionRequest* request,
                                                 v1::RefreshSessionResponse* response) {
  return Serve(context, "RefreshSession", [&](const RequestContext& call) -> absl::Status {
    if (request->refresh_token().empty() || request->refresh_token().size() > 256) {
      return InvalidArgument({{"refresh_token", "is required"}});
    }
    ASSIGN_OR_RETURN(auto issued, deps_.sessions.Refresh(request->refresh_token(), call));
    ToProto(issued, response->mutable_session());
    response->set_access_token(issued.access.token);
    SetTimestamp(issued.access.expire_time, response->mutable_access_token_expire_time());
    response->set_refresh_token(issued.refresh_token);
    SetTimestamp(issued.refresh_expire_time, response->mutable_refresh_token_expire_time());
    return absl::OkStatus();
  });
}

grpc::Status IdentityServiceImpl::Logout(grpc::ServerContext* context,
                                         const v1::LogoutRequest* request, v1::LogoutResponse*) {
  return Serve(context, "Logout", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto caller, Authenticate(call));
    std::string session_id = caller.session_id;
    if (!request->session().empty()) {
      ASSIGN_OR_RETURN(auto id, IdFromName(request->session(), "sessions", "session"));
      session_id = std::move(id);
    }
    return deps_.sessions.Logout(caller, session_id);
  });
}

grpc::Status IdentityServiceImpl::GetCurrentUser(grpc::ServerContext* context,
                                                 const v1::GetCurrentUserRequest*,
                                                 v1::GetCurrentUserResponse* response) {
  return Serve(context, "GetCurrentUser", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto caller, Authenticate(call));
    ASSIGN_OR_RETURN(auto current, deps_.sessions.Current(caller));
    ToProto(current.person, response->mutable_person());
    ToProto(current, response->mutable_session());
    // The organisation of this token (the session may have switched since).
    response->set_organization(caller.organization.value_or(""));
    response->set_key_type(KeyTypeToProto(current.session.key_type));
    response->set_email_address(current.person.email_address);
    return absl::OkStatus();
  });
}

grpc::Status IdentityServiceImpl::StartEmailVerification(
    grpc::ServerContext* context, const v1::StartEmailVerificationRequest* request,
    v1::StartEmailVerificationResponse* response) {
  return Serve(context, "StartEmailVerification", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto caller, Authenticate(call));
    ASSIGN_OR_RETURN(auto current, deps_.sessions.Current(caller));
    const std::string address(absl::StripAsciiWhitespace(request->email_address()));
    ASSIGN_OR_RETURN(auto started, deps_.email.Start({current.person, current.session}, address));
    response->set_email_address(started.email_address);
    SetTimestamp(started.expire_time, response->mutable_expire_time());
    return absl::OkStatus();
  });
}

grpc::Status IdentityServiceImpl::ConfirmEmailAddress(grpc::ServerContext* context,
                                                      const v1::ConfirmEmailAddressRequest* request,
                                                      v1::ConfirmEmailAddressResponse* response) {
  return Serve(context, "ConfirmEmailAddress", [&](const RequestContext& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto caller, Authenticate(call));
    ASSIGN_OR_RETURN(auto current, deps_.sessions.Current(caller));
    const std::string code(absl::StripAsciiWhitespace(request->code()));
    ASSIGN_OR_RETURN(auto person, deps_.email.Verify({current.person, current.session}, code));
    response->set_email_address(person.email_address);
    return absl::OkStatus();
  });
}

grpc::Status IdentityServiceImpl::GetJwks(grpc::ServerContext* context, const v1::GetJwksRequest*,
                                          v1::GetJwksResponse* response) {
  return Serve(context, "GetJwks", [&](const RequestContext&) -> absl::Status {
    const std::string json = deps_.keys.JwksJson();
    response->set_jwks_json(json);
    const nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded()) return absl::UnavailableError("no signing keys loaded yet");
    for (const auto& jwk : doc["keys"]) {
      auto* key = response->add_keys();
      auto text = [&jwk](const char* name) { return jwk.value(name, std::string()); };
      key->set_kty(text("kty"));
      key->set_kid(text("kid"));
      key->set_use(text("use"));
      key->set_alg(text("alg"));
      key->set_crv(text("crv"));
      key->set_x(text("x"));
      key->set_y(text("y"));
      key->set_n(text("n"));
      key->set_e(text("e"));
    }
    return absl::OkStatus();
  });
}

}  // namespace wse::identity
