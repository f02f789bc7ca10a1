#include "rights-svc/adapters/ext_authz_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "common/call_context.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace wse::rights {
namespace {

namespace auth = envoy::service::auth::v3;

constexpr char kPersonHeader[] = "x-wse-person";
constexpr char kOrganizationHeader[] = "x-wse-organization";

void Allow(auth::CheckResponse* response, const std::string& person,
           const std::string& organization) {
  response->mutable_status()->set_code(0);
  auto* ok = response->mutable_ok_response();
  // Whatever the client sent under these names is dropped; only our values reach the services.
  ok->add_headers_to_remove(kPersonHeader);
  ok->add_headers_to_remove(kOrganizationHeader);
  auto add = [ok](const char* key, const std::string& value) {
    if (value.empty()) return;
    auto* header = ok->add_headers();
    header->mutable_header()->set_key(key);
    header->mutable_header()->set_value(value);
    header->mutable_append()->set_value(false);
  };
  add(kPersonHeader, person);
  add(kOrganizationHeader, organization);
}

void Deny(auth::CheckResponse* response, grpc::StatusCode code, const std::string& message) {
  response->mutable_status()->set_code(static_cast<int>(code));
  response->mutable_status()->set_message(message);
  auto* denied = response->mutable_denied_response();
  denied->mutable_status()->set_code(code == grpc::StatusCode::UNAUTHENTICATED
                                         ? envoy::type::v3::Unauthorized
                                         : envoy::type::v3::Forbidden);
  // gRPC clients read the status from these headers.
  auto add = [denied](const char* key, const std::string& value) {
    auto* header = denied->add_headers();
    header->mutable_header()->set_key(key);
    header->mutable_header()->set_value(value);
  };
  add("grpc-status", std::to_string(static_cast<int>(code)));
  add("grpc-message", message);
  denied->set_body(message);
}

}  // namespace

grpc::Status ExtAuthzService::Check(grpc::ServerContext* context, const auth::CheckRequest* request,
                                    auth::CheckResponse* response) {
  return Serve(context, "ext_authz.Check", [&](const RequestContext& server_call) -> absl::Status {
    const auto& http = request->attributes().request().http();
    const auto& headers = http.headers();
    // Judge the proxied call, not this one: its token and its request id.
    RequestContext call = server_call;
    if (auto id = headers.find("x-request-id"); id != headers.end()) call.request_id = id->second;
    call.bearer_token.reset();
    if (auto it = headers.find("authorization"); it != headers.end()) {
      const std::string& value = it->second;
      if (value.size() > 7 && absl::StartsWithIgnoreCase(value, "bearer ")) {
        call.bearer_token = std::string(absl::StripAsciiWhitespace(value.substr(7)));
      }
    }
    const RouteRule* route = catalogue_.RouteFor(http.path());
    if (route == nullptr) {
      Deny(response, grpc::StatusCode::PERMISSION_DENIED, "no route allows this method");
      return absl::OkStatus();
    }
    if (route->access == RouteRule::Access::kOpen) {
      Allow(response, "", "");
      return absl::OkStatus();
    }
    if (operators_.IsOperator(call)) {
      Allow(response, "operator", "");
      return absl::OkStatus();
    }
    if (route->access == RouteRule::Access::kOperator) {
      Deny(response, grpc::StatusCode::PERMISSION_DENIED, "operators only");
      return absl::OkStatus();
    }
    auto caller = tokens_.Verify(call.bearer_token);
    if (!caller.ok()) {
      if (!absl::IsUnauthenticated(caller.status())) return caller.status();
      Deny(response, grpc::StatusCode::UNAUTHENTICATED, std::string(caller.status().message()));
      return absl::OkStatus();
    }
    const std::string organization = caller->organization.value_or("");
    if (route->access == RouteRule::Access::kPermission) {
      const std::string org_id(absl::StripPrefix(organization, "organizations/"));
      ASSIGN_OR_RETURN(auto decision,
                       permissions_.Check(caller->person_id, org_id, route->permission, call));
      if (!decision.allowed) {
        Deny(response, grpc::StatusCode::PERMISSION_DENIED,
             "missing permission " + route->permission);
        return absl::OkStatus();
      }
    }
    Allow(response, "persons/" + caller->person_id, organization);
    return absl::OkStatus();
  });
}

}  // namespace wse::rights
