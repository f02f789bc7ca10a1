// wse-echo-server: the test EchoService on the shared bootstrap (no database). Used by the
// drain and status-mapping tests. With --bare, the benchmarks' baseline instead: the fastest
// unary server gRPC C++ offers here (the callback API on a plain ServerBuilder: no interceptors,
// no logging, no request context), so a ratio to it counts all of the suite's own overhead,
// its server model included.
#include <memory>
#include <thread>

#include "absl/flags/flag.h"
#include "common/call_context.h"
#include "common/config.h"
#include "common/log.h"
#include "common/service_host.h"
#include "common/status.h"
#include "wse/testing/v1/echo.grpc.pb.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "host:port to serve on");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10), "drain time on SIGTERM");
ABSL_FLAG(bool, bare, false, "serve Echo with the callback API and nothing else (the baseline)");

namespace {

class EchoService final : public wse::testing::v1::EchoService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext* context, const wse::testing::v1::EchoRequest* request,
                    wse::testing::v1::EchoResponse* response) override {
    return wse::Serve(context, "Echo", [&](const wse::RequestContext& call) -> absl::Status {
      if (!request->invalid_field().empty()) {
        return wse::InvalidArgument({{request->invalid_field(), "is not acceptable"}});
      }
      if (!request->internal_error().empty()) return absl::InternalError(request->internal_error());
      const auto until =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(request->delay_ms());
      while (std::chrono::steady_clock::now() < until && !call.Cancelled()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      response->set_message(request->message());
      response->set_request_id(call.request_id);
      return absl::OkStatus();
    });
  }
};

// Echoes the message and nothing more; the reactor finishes inline.
class BareEchoService final : public wse::testing::v1::EchoService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const wse::testing::v1::EchoRequest* request,
                                 wse::testing::v1::EchoResponse* response) override {
    response->set_message(request->message());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

int ServeBare(const std::string& address) {
  BareEchoService service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    wse::LogError("cannot start", {{"address", address}});
    return 1;
  }
  wse::AwaitTerminationSignal();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  wse::BlockTerminationSignals();
  wse::ParseConfig(argc, argv, "wse-echo-server: test echo service");
  wse::InitLogging("wse-echo-server", "info");
  if (absl::GetFlag(FLAGS_bare)) return ServeBare(absl::GetFlag(FLAGS_listen));
  wse::ServiceHostOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  EchoService service;
  wse::ServiceHost host(options);
  host.AddService(&service, "wse.testing.v1.EchoService");
  auto port = host.Start();
  if (!port.ok()) {
    wse::LogError("cannot start", {{"error", port.status().message()}});
    return 1;
  }
  return host.WaitForTerminationSignal();
}
