#include "tests/support/echo_process.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/stack_env.h"

namespace wse::testing {

EchoProcess StartEchoServer(const std::string& drain_timeout) {
  EchoProcess echo;
  echo.port = FreePort();
  echo.log_path = MakeTempDir("wse-echo-") + "/echo.log";
  auto child = ChildProcess::Start(
      {StackEnv::Get().Binary("tests/wse-echo-server"),
       absl::StrCat("--listen=127.0.0.1:", echo.port), "--drain_timeout=" + drain_timeout},
      echo.log_path);
  EXPECT_TRUE(child.ok());
  echo.child = std::make_unique<ChildProcess>(*std::move(child));
  EXPECT_TRUE(
      WaitFor([&] { return HealthOf(echo.port, "wse.testing.v1.EchoService") == "SERVING"; },
              absl::Seconds(20)))
      << ReadFile(echo.log_path);
  echo.stub = wse::testing::v1::EchoService::NewStub(Channel(echo.port));
  return echo;
}

}  // namespace wse::testing
