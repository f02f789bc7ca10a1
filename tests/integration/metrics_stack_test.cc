// The services' Prometheus endpoints on the test stack: the counts a scrape shows follow the
// calls this test makes, by method and code, on the serving side (rights-svc) and on the calling
// side (registration-svc asking rights-svc live for every decision).
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/stack_env.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::testing {
namespace {

namespace rv1 = wse::rights::v1;
using Labels = std::map<std::string, std::string>;

std::string Scrape(int port) {
  const std::string page = HttpGet(port, "/metrics");
  EXPECT_TRUE(absl::StrContains(page, "200 OK")) << "port " << port << ": " << page.substr(0, 200);
  return page;
}

TEST(MetricsStackTest, EveryServiceIsScrapedAndCountsFollowTheCalls) {
  const StackEnv& env = StackEnv::Get();
  for (int port : {env.identity_metrics_port, env.rights_metrics_port,
                   env.registration_metrics_port, env.notify_metrics_port}) {
    EXPECT_TRUE(absl::StrContains(Scrape(port), "# TYPE grpc_server_handled_total counter"));
  }

  const Labels list_roles = {{"grpc_service", "wse.rights.v1.RightsService"},
                             {"grpc_method", "ListRoles"}};
  auto with = [](Labels labels, const char* code) {
    labels["grpc_code"] = code;
    return labels;
  };
  std::string before = Scrape(env.rights_metrics_port);
  auto rights = rv1::RightsService::NewStub(Channel(env.rights_port));
  for (int i = 0; i < 10; ++i) {
    grpc::ClientContext context;
    if (i < 7) Bearer(&context, env.operator_token);  // The last three without a token.
    rv1::ListRolesResponse roles;
    rights->ListRoles(&context, rv1::ListRolesRequest(), &roles);
  }
  std::string after = Scrape(env.rights_metrics_port);
  EXPECT_EQ(SampleOf(after, "grpc_server_handled_total", with(list_roles, "OK")) -
                SampleOf(before, "grpc_server_handled_total", with(list_roles, "OK")),
            7);
  EXPECT_EQ(SampleOf(after, "grpc_server_handled_total", with(list_roles, "Unauthenticated")) -
                SampleOf(before, "grpc_server_handled_total", with(list_roles, "Unauthenticated")),
            3);
  EXPECT_EQ(SampleOf(after, "grpc_server_started_total", list_roles) -
                SampleOf(before, "grpc_server_started_total", list_roles),
            10);
  EXPECT_EQ(SampleOf(after, "grpc_server_handling_seconds_count", list_roles) -
                SampleOf(before, "grpc_server_handling_seconds_count", list_roles),
            10);
  // The three calls without a token were refused by the token check, which counts why.
  const Labels missing = {{"result", "TOKEN_MISSING"}};
  EXPECT_EQ(SampleOf(after, "wse_token_verifications_total", missing) -
                SampleOf(before, "wse_token_verifications_total", missing),
            3);
  EXPECT_EQ(SampleOf(after, "wse_build_info", {{"service", "rights-svc"}}), 1);

  // registration-svc asks rights-svc on every call: its client side counts those questions.
  flow::Flow flow(env);
  ASSERT_OK_AND_ASSIGN(flow::School school, flow.NewSchool("Metrics School", 1, /*grant=*/true));
  // Whatever it asks (the screen explains the permission), summed over methods.
  const Labels check = {{"grpc_service", "wse.rights.v1.RightsService"}, {"grpc_code", "OK"}};
  before = Scrape(env.registration_metrics_port);
  for (int i = 0; i < 3; ++i) ASSERT_OK(flow.Screen(school.tokens[0]).status());
  after = Scrape(env.registration_metrics_port);
  EXPECT_GE(SampleOf(after, "grpc_client_handled_total", check) -
                SampleOf(before, "grpc_client_handled_total", check),
            3);
}

}  // namespace
}  // namespace wse::testing
