// The local nginx gateway: routes each service prefix, keeps x-request-id, answers
// UNIMPLEMENTED for unknown services and UNAVAILABLE when a backend is down.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <future>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

struct Answer {
  grpc::Status status;
  std::string request_id;  // x-request-id in the response headers, if any.
};

// Calls `method` with an empty request message through the channel on `port`.
Answer CallEmpty(int port, const std::string& method, const std::string& request_id = "") {
  grpc::GenericStub stub(Channel(port));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (!request_id.empty()) context.AddMetadata("x-request-id", request_id);
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
  const int gateway = StackEnv::Get().gateway_port;
  for (const char* method : {"/wse.identity.v1.IdentityService/NoSuchMethod",
                             "/wse.rights.v1.RightsService/NoSuchMethod",
                             "/wse.registration.v1.RegistrationService/NoSuchMethod",
                             "/wse.notify.v1.NotifyService/NoSuchMethod"}) {
    Answer answer = CallEmpty(gateway, method, "gw-test-1");
    // The service itself answered (gRPC's own unknown-method reply) ...
    EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << method;
    EXPECT_NE(answer.status.error_message(), "unknown service") << method;
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
                                                {"@GATEWAY_PORT@", absl::StrCat(port)},
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
