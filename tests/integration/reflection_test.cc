// Operators' view of the running stack: every service lists itself, health and reflection
// through reflection (as `buf curl --list-services` does) and answers SERVING for its name.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

struct Svc {
  const char* full_name;
  int StackEnv::*port;
};

const Svc kServices[] = {
    {"wse.identity.v1.IdentityService", &StackEnv::identity_port},
    {"wse.rights.v1.RightsService", &StackEnv::rights_port},
    {"wse.registration.v1.RegistrationService", &StackEnv::registration_port},
    {"wse.notify.v1.NotifyService", &StackEnv::notify_port},
};

TEST(ReflectionTest, BufCurlListsServiceHealthAndReflection) {
  const StackEnv& env = StackEnv::Get();
  for (const Svc& svc : kServices) {
    const std::string log = MakeTempDir("wse-buf-") + "/list.txt";
    auto buf =
        ChildProcess::Start({env.root + "/.tools/node_modules/.bin/buf", "curl", "--protocol",
                             "grpc", "--http2-prior-knowledge", "--list-services",
                             absl::StrCat("http://127.0.0.1:", env.*svc.port)},
                            log);
    ASSERT_TRUE(buf.ok());
    ASSERT_EQ(buf->Wait(absl::Seconds(60)), 0) << ReadFile(log);
    const std::string listed = ReadFile(log);
    EXPECT_NE(listed.find(svc.full_name), std::string::npos) << listed;
    EXPECT_NE(listed.find("grpc.health.v1.Health"), std::string::npos) << listed;
    EXPECT_NE(listed.find("grpc.reflection.v1alpha.ServerReflection"), std::string::npos) << listed;
  }
}

TEST(ReflectionTest, EveryServiceIsServingUnderItsOwnName) {
  const StackEnv& env = StackEnv::Get();
  for (const Svc& svc : kServices) {
    EXPECT_EQ(HealthOf(env.*svc.port, svc.full_name), "SERVING") << svc.full_name;
    EXPECT_EQ(HealthOf(env.*svc.port, ""), "SERVING") << svc.full_name;
  }
}

}  // namespace
}  // namespace wse::testing
