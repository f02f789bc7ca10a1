// SIGTERM while a slow call is in flight: the call completes, new calls are refused, exit 0.
#include <signal.h>

#include <future>
#include <thread>

#include "gtest/gtest.h"
#include "tests/support/echo_process.h"
#include "tests/support/grpc_helpers.h"

namespace wse::testing {
namespace {

using wse::testing::v1::EchoRequest;
using wse::testing::v1::EchoResponse;

TEST(DrainTest, InFlightCallFinishesAfterSigterm) {
  EchoProcess echo = StartEchoServer("10s");
  auto slow = std::async(std::launch::async, [&] {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
    EchoRequest request;
    request.set_message("still here");
    request.set_delay_ms(2500);
    EchoResponse response;
    grpc::Status status = echo.stub->Echo(&context, request, &response);
    return std::make_pair(status, response.message());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // The call is in the handler.
  echo.child->Signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  // While draining, a new call is refused (a fresh channel, so nothing is reused).
  auto fresh = wse::testing::v1::EchoService::NewStub(Channel(echo.port));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  EchoRequest request;
  request.set_message("too late");
  EchoResponse response;
  EXPECT_FALSE(fresh->Echo(&context, request, &response).ok());

  auto [status, message] = slow.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(message, "still here");
  EXPECT_EQ(echo.child->Wait(absl::Seconds(15)), 0) << ReadFile(echo.log_path);
}

TEST(DrainTest, IdleServerExitsPromptlyWithZero) {
  EchoProcess echo = StartEchoServer("10s");
  const absl::Time start = absl::Now();
  echo.child->Signal(SIGTERM);
  EXPECT_EQ(echo.child->Wait(absl::Seconds(10)), 0) << ReadFile(echo.log_path);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

}  // namespace
}  // namespace wse::testing
