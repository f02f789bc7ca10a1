// The gRPC metrics (common/grpc_metrics.h) in-process: a service on the process's own host,
// called through a channel with the client interceptor; the counters must match the calls made,
// by code, on both sides, and the endpoint must serve them in Prometheus's text format.
#include "common/grpc_metrics.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/metrics.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_generic.h"
#include "tests/support/in_process.h"
#include "tests/support/metrics_scrape.h"
#include "wse/testing/v1/echo.grpc.pb.h"

namespace wse {
namespace {

namespace tv1 = wse::testing::v1;

class EchoService final : public tv1::EchoService::Service {
  grpc::Status Echo(grpc::ServerContext*, const tv1::EchoRequest* request,
                    tv1::EchoResponse* response) override {
    if (!request->invalid_field().empty()) return {grpc::StatusCode::INVALID_ARGUMENT, "bad"};
    response->set_message(request->message());
    return grpc::Status::OK;
  }
};

// The value of the sample of `name` whose labels include every one of `labels`; 0 if none.
double Sample(const std::string& name, const MetricLabels& labels) {
  for (const auto& family : MetricsRegistry()->Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      bool match = true;
      for (const auto& [key, value] : labels) {
        bool found = false;
        for (const auto& label : metric.label) found |= label.name == key && label.value == value;
        match &= found;
      }
      if (!match) continue;
      if (family.type == prometheus::MetricType::Histogram) {
        return static_cast<double>(metric.histogram.sample_count);
      }
      return metric.counter.value;
    }
  }
  return 0;
}

TEST(GrpcMetricsTest, CountsEveryCallByCodeOnBothSides) {
  EchoService service;
  wse::testing::InProcessServer server({{&service, "wse.testing.v1.EchoService"}});
  ASSERT_TRUE(server.status().ok()) << server.status();
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> counted;
  counted.push_back(MakeClientMetricsInterceptorFactory());
  auto channel = grpc::experimental::CreateCustomChannelWithInterceptors(
      server.target(), grpc::InsecureChannelCredentials(), grpc::ChannelArguments(),
      std::move(counted));
  auto stub = tv1::EchoService::NewStub(channel);

  const MetricLabels echo = {{"grpc_service", "wse.testing.v1.EchoService"},
                             {"grpc_method", "Echo"},
                             {"grpc_type", "unary"}};
  auto with_code = [&](const char* code) {
    MetricLabels labels = echo;
    labels["grpc_code"] = code;
    return labels;
  };
  const double ok_before = Sample("grpc_server_handled_total", with_code("OK"));
  const double bad_before = Sample("grpc_server_handled_total", with_code("InvalidArgument"));
  const double client_bad_before =
      Sample("grpc_client_handled_total", with_code("InvalidArgument"));
  const double started_before = Sample("grpc_server_started_total", echo);
  const double timed_before = Sample("grpc_server_handling_seconds", echo);

  for (int i = 0; i < 7; ++i) {
    grpc::ClientContext context;
    tv1::EchoRequest request;
    request.set_message("hallo");
    if (i % 3 == 2) request.set_invalid_field("message");  // Calls 2 and 5.
    tv1::EchoResponse response;
    const grpc::Status status = stub->Echo(&context, request, &response);
    EXPECT_EQ(status.error_code(),
              i % 3 == 2 ? grpc::StatusCode::INVALID_ARGUMENT : grpc::StatusCode::OK)
        << status.error_message();
  }

  EXPECT_EQ(Sample("grpc_server_handled_total", with_code("OK")) - ok_before, 5);
  EXPECT_EQ(Sample("grpc_server_handled_total", with_code("InvalidArgument")) - bad_before, 2);
  EXPECT_EQ(Sample("grpc_client_handled_total", with_code("InvalidArgument")) - client_bad_before,
            2);
  EXPECT_EQ(Sample("grpc_server_started_total", echo) - started_before, 7);
  EXPECT_EQ(Sample("grpc_server_handling_seconds", echo) - timed_before, 7);
}

TEST(GrpcMetricsTest, MadeUpMethodsShareOneLabelSet) {
  EchoService service;
  wse::testing::InProcessServer server({{&service, "wse.testing.v1.EchoService"}});
  ASSERT_TRUE(server.status().ok()) << server.status();
  const MetricLabels unknown = {
      {"grpc_service", "unknown"}, {"grpc_method", "unknown"}, {"grpc_code", "Unimplemented"}};
  const double before = Sample("grpc_server_handled_total", unknown);
  const int port = std::stoi(server.target().substr(server.target().rfind(':') + 1));
  for (int i = 0; i < 5; ++i) {
    const std::string path = absl::StrCat("/wse.testing.v1.EchoService/Made", i);
    EXPECT_EQ(wse::testing::CallUnaryBytes(port, path, "", "").status.error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
  }
  EXPECT_EQ(Sample("grpc_server_handled_total", unknown) - before, 5);
  // Bytes that are no EchoRequest: the caller gets INVALID_ARGUMENT, and so do the metrics.
  MetricLabels bad = {{"grpc_method", "Echo"}, {"grpc_code", "InvalidArgument"}};
  MetricLabels internal = {{"grpc_method", "Echo"}, {"grpc_code", "Internal"}};
  const double bad_before = Sample("grpc_server_handled_total", bad);
  const double internal_before = Sample("grpc_server_handled_total", internal);
  EXPECT_EQ(wse::testing::CallUnaryBytes(port, "/wse.testing.v1.EchoService/Echo", "", "\xff\xff")
                .status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Sample("grpc_server_handled_total", bad) - bad_before, 1);
  EXPECT_EQ(Sample("grpc_server_handled_total", internal) - internal_before, 0);
  EXPECT_EQ(Sample("grpc_server_started_total", {{"grpc_method", "Made0"}}), 0);
}

TEST(GrpcMetricsTest, OnlyMethodsThisBinaryKnowsGetTheirOwnLabels) {
  using grpc_metrics_internal::ServiceAndMethodLabels;
  using Labels = std::pair<std::string, std::string>;
  EXPECT_EQ(ServiceAndMethodLabels("/wse.testing.v1.EchoService/Echo"),
            Labels("wse.testing.v1.EchoService", "Echo"));
  const Labels unknown("unknown", "unknown");
  for (const char* path : {"/wse.testing.v1.EchoService/Made0", "/wse.testing.v1.Nope/Echo", "",
                           "/", "Echo", "/wse.testing.v1.EchoService/", "//Echo"}) {
    EXPECT_EQ(ServiceAndMethodLabels(path), unknown) << path;
  }
}

TEST(GrpcMetricsTest, TheEndpointWantsAHost) {
  for (const char* listen : {"9452", ":9452", "127.0.0.1:", "127.0.0.1:port", "127.0.0.1:70000"}) {
    auto endpoint = MetricsEndpoint::Start(listen);
    EXPECT_EQ(endpoint.status().code(), absl::StatusCode::kInvalidArgument) << listen;
  }
}

TEST(GrpcMetricsTest, TheEndpointServesThemToPrometheus) {
  CounterOf("wse_test_scrapes_total", "A counter only this test increments.", {{"kind", "probe"}})
      .Increment(3);
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  ASSERT_GT((*endpoint)->port(), 0);
  EXPECT_EQ((*endpoint)->url(), absl::StrCat("http://127.0.0.1:", (*endpoint)->port(), "/metrics"));
  const std::string page = wse::testing::HttpGet((*endpoint)->port(), "/metrics");
  EXPECT_TRUE(absl::StrContains(page, "200 OK")) << page.substr(0, 200);
  EXPECT_TRUE(absl::StrContains(page, "# TYPE wse_test_scrapes_total counter"));
  EXPECT_TRUE(absl::StrContains(page, "wse_test_scrapes_total{kind=\"probe\"} 3"));
  // A taken port is an error, not an exception.
  auto again = MetricsEndpoint::Start(absl::StrCat("127.0.0.1:", (*endpoint)->port()));
  EXPECT_FALSE(again.ok());
}

}  // namespace
}  // namespace wse
