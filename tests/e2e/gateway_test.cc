// The local nginx gateway: routes each service prefix, keeps x-request-id, answers
// UNIMPLEMENTED for unknown services and UNAVAILABLE when a backend is down, and lets only
// persons' access tokens through its public listener.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <future>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_generic.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

struct Answer {
  grpc::Status status;
  std::string request_id;  // x-request-id in the response headers, if any.
};

// Calls `method` with an empty request message through the channel on `port`.
Answer CallEmpty(int port, const std::string& method, const std::string& request_id = "",
                 const std::string& authorization = "") {
  grpc::GenericStub stub(Channel(port));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (!request_id.empty()) context.AddMetadata("x-request-id", request_id);
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  Answer answer{done.get_future().get(), ""};
  auto it = context.GetServerInitialMetadata().find("x-request-id");
  if (it != context.GetServerInitialMetadata().end()) {
    answer.request_id.assign(it->second.data(), it->second.size());
  }
  return answer;
}

TEST(GatewayTest, RoutesEachServicePrefixToItsService) {
  const StackEnv& env = StackEnv::Get();
  const char* people[] = {"/wse.identity.v1.IdentityService/NoSuchMethod",
                          "/wse.rights.v1.RightsService/NoSuchMethod",
                          "/wse.registration.v1.RegistrationService/NoSuchMethod"};
  const char* internal[] = {"/wse.notify.v1.NotifyService/NoSuchMethod",
                            "/envoy.service.auth.v3.Authorization/NoSuchMethod"};
  for (int port : {env.gateway_port, env.operator_gateway_port}) {
    for (const char* method : people) {
      Answer answer = CallEmpty(port, method, "gw-test-1");
      // The service itself answered (gRPC's own unknown-method reply) ...
      EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << method;
      EXPECT_NE(answer.status.error_message(), "unknown service") << method;
    }
  }
  for (const char* method : internal) {
    // ... notify-svc and ext_authz only on the internal listener: the public one does not know
    // them, so no credential can be tested through Authorization/Check's body from outside.
    Answer inside = CallEmpty(env.operator_gateway_port, method, "gw-test-2");
    EXPECT_EQ(inside.status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << method;
    EXPECT_NE(inside.status.error_message(), "unknown service") << method;
    Answer outside = CallEmpty(env.gateway_port, method, "gw-test-3");
    EXPECT_EQ(outside.status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << method;
    EXPECT_EQ(outside.status.error_message(), "unknown service") << method;
  }
}

TEST(GatewayTest, RequestIdReachesTheServiceAndComesBack) {
  const int gateway = StackEnv::Get().gateway_port;
  // GetJwks needs no token; the handler echoes the request id it saw in its response headers.
  Answer kept = CallEmpty(gateway, "/wse.identity.v1.IdentityService/GetJwks", "gw-req-42");
  EXPECT_TRUE(kept.status.ok()) << kept.status.error_message();
  EXPECT_EQ(kept.request_id, "gw-req-42");
  // Without one, the gateway mints an id and the service receives (and echoes) it.
  Answer minted = CallEmpty(gateway, "/wse.identity.v1.IdentityService/GetJwks");
  EXPECT_TRUE(minted.status.ok()) << minted.status.error_message();
  EXPECT_EQ(minted.request_id.size(), 32u) << minted.request_id;
}

// Issue 15, point 5: the operators' and the services' credentials are refused on the public
// listener before any service sees them; a person's access token and no token pass; the
// internal listener takes the operator. On main the operator token created a grant through the
// public gateway.
TEST(GatewayTest, ThePublicListenerRefusesEveryCredentialButAnAccessToken) {
  const StackEnv& env = StackEnv::Get();
  const std::string list = "/wse.identity.v1.IdentityService/ListOrganizations";
  const std::string grant = "/wse.rights.v1.RightsService/CreateGrant";
  const std::string notify_token = std::string(absl::StripAsciiWhitespace(
      ReadFile(env.run_dir + "/secrets/notify.service-token")));
  for (const std::string& credential :
       {OperatorToken(), notify_token, std::string("not-a-jwt"), std::string("a.b")}) {
    for (const std::string& method : {list, grant}) {
      const grpc::Status refused =
          CallUnaryBytes(env.gateway_port, method, credential, "").status;
      EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
      EXPECT_NE(refused.error_message().find("internal listener"), std::string::npos)
          << refused.error_message();
    }
  }
  // Other schemes than Bearer too.
  EXPECT_EQ(CallEmpty(env.gateway_port, list, "", "Basic b3BlcmF0b3I6c2VjcmV0").status.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // A JWT-shaped bearer passes the gateway; the service judges it (a forged one: UNAUTHENTICATED
  // from the service, with its own reason, not the gateway's message).
  const grpc::Status forged =
      CallUnaryBytes(env.gateway_port, list, "eyJhbGciOiJFUzI1NiJ9.e30.c2ln", "").status;
  EXPECT_EQ(forged.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(forged.error_message().find("internal listener"), std::string::npos);
  // No token: the open methods work through the public listener.
  EXPECT_TRUE(CallEmpty(env.gateway_port, "/wse.identity.v1.IdentityService/GetJwks").status.ok());
  // The internal listener takes the operator.
  const grpc::Status listed = CallUnaryBytes(env.operator_gateway_port, list, OperatorToken(), "").status;
  EXPECT_TRUE(listed.ok()) << listed.error_message();
}

TEST(GatewayTest, UnknownServiceIsUnimplemented) {
  Answer answer = CallEmpty(StackEnv::Get().gateway_port, "/wse.nothing.v1.Nope/Call");
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(answer.status.error_message(), "unknown service");
}

// A gateway of the test's own, rendered from the same template, whose backends are all down.
TEST(GatewayTest, StoppedBackendIsUnavailable) {
  const StackEnv& env = StackEnv::Get();
  const std::string dir = MakeTempDir("wse-nginx-");
  const int port = FreePort();
  const std::string dead = absl::StrCat(FreePort());
  const std::string conf = absl::StrReplaceAll(ReadFile(env.root + "/deploy/local/nginx.conf.in"),
                                               {{"@RUN@", dir},
                                                {"@GRPC_GATEWAY_PORT@", absl::StrCat(port)},
                                                {"@OPERATOR_GATEWAY_PORT@",
                                                 absl::StrCat(FreePort())},
                                                {"@IDENTITY_PORT@", dead},
                                                {"@RIGHTS_PORT@", dead},
                                                {"@REGISTRATION_PORT@", dead},
                                                {"@NOTIFY_PORT@", dead}});
  ASSERT_EQ(system(("mkdir -p " + dir + "/nginx " + dir + "/logs").c_str()), 0);
  {
    FILE* f = fopen((dir + "/nginx.conf").c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs(conf.c_str(), f);
    fclose(f);
  }
  auto nginx = ChildProcess::Start({"/usr/sbin/nginx", "-p", dir, "-c", dir + "/nginx.conf", "-e",
                                    dir + "/logs/error.log", "-g", "daemon off;"},
                                   dir + "/nginx.out");
  ASSERT_TRUE(nginx.ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        return CallEmpty(port, "/wse.x.v1.Y/Z").status.error_code() ==
               grpc::StatusCode::UNIMPLEMENTED;
      },
      absl::Seconds(10)))
      << ReadFile(dir + "/nginx.out");
  Answer answer = CallEmpty(port, "/wse.rights.v1.RightsService/CheckPermission");
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << answer.status.error_message();
  nginx->Signal(SIGTERM);
  nginx->Wait(absl::Seconds(10));
}

}  // namespace
}  // namespace wse::testing
