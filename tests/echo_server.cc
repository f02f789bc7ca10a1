// wse-echo-server: the test EchoService on the shared bootstrap (no database). Used by the
// drain and status-mapping tests and as the bare unary baseline of the benchmarks.
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

}  // namespace

int main(int argc, char** argv) {
  wse::BlockTerminationSignals();
  wse::ParseConfig(argc, argv, "wse-echo-server: test echo service");
  wse::InitLogging("wse-echo-server", "info");
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
