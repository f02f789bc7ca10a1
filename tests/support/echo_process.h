#pragma once
// Starts the test echo server (tests/echo_server.cc) on a free port and waits until it serves.

#include <memory>
#include <string>

#include "tests/support/process.h"
#include "wse/testing/v1/echo.grpc.pb.h"

namespace wse::testing {

struct EchoProcess {
  std::unique_ptr<ChildProcess> child;
  int port = 0;
  std::string log_path;
  std::unique_ptr<wse::testing::v1::EchoService::Stub> stub;
};

EchoProcess StartEchoServer(const std::string& drain_timeout = "10s");

}  // namespace wse::testing
