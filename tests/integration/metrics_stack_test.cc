// The services' Prometheus endpoints on the test stack: the counts a scrape shows follow the
// calls this test makes, by method and code, on the serving and the calling side, through the
// whole story; the suite's own metrics (database, outbox, mails, decisions, lease) move with it.
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/flow/identifiers.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/stack_env.h"
#include "tests/support/stack_quiet.h"
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
}

// (service, method, code) -> RPCs counted, from grpc_<side>_handled_total of one page.
using CallCounts = std::map<std::tuple<std::string, std::string, std::string>, double>;

CallCounts CallsIn(const std::string& page, const std::string& side) {
  CallCounts calls;
  for (const auto& [labels, value] :
       SamplesOf(page, absl::StrCat("grpc_", side, "_handled_total"))) {
    auto field = [&labels = labels](const char* name) {
      auto it = labels.find(name);
      return it == labels.end() ? std::string() : it->second;
    };
    if (!absl::StartsWith(field("grpc_service"), "wse.")) continue;  // Not health or reflection.
    calls[{field("grpc_service"), field("grpc_method"), field("grpc_code")}] += value;
  }
  return calls;
}

CallCounts Minus(const CallCounts& after, const CallCounts& before) {
  CallCounts delta;
  for (const auto& [key, value] : after) {
    auto it = before.find(key);
    const double d = value - (it == before.end() ? 0 : it->second);
    if (d != 0) delta[key] = d;
  }
  return delta;
}

void Add(CallCounts& to, const CallCounts& from) {
  for (const auto& [key, value] : from) to[key] += value;
}

std::string Describe(const CallCounts& calls) {
  std::string out;
  for (const auto& [key, value] : calls) {
    absl::StrAppend(&out, "\n  ", std::get<0>(key), "/", std::get<1>(key), " ", std::get<2>(key),
                    ": ", value);
  }
  return out;
}

// Every page of the four services, and this process's own (the flow's calls).
struct Scrapes {
  std::vector<std::string> services;
  std::string own;
};

Scrapes ScrapeAll(const StackEnv& env) {
  Scrapes s;
  for (int port : {env.identity_metrics_port, env.rights_metrics_port,
                   env.registration_metrics_port, env.notify_metrics_port}) {
    s.services.push_back(Scrape(port));
  }
  s.own = OwnMetricsPage();
  return s;
}

// What the services served between two scrapes, and what was asked of them in that time: the
// test's own calls plus every service's calls to the others.
std::pair<CallCounts, CallCounts> ServedAndAsked(const Scrapes& before, const Scrapes& after) {
  CallCounts served, asked = Minus(CallsIn(after.own, "client"), CallsIn(before.own, "client"));
  for (size_t i = 0; i < before.services.size(); ++i) {
    Add(served, Minus(CallsIn(after.services[i], "server"), CallsIn(before.services[i], "server")));
    Add(asked, Minus(CallsIn(after.services[i], "client"), CallsIn(before.services[i], "client")));
  }
  return {served, asked};
}

// The seed's story end to end (a right requested and approved, a registration confirmed, their
// mails sent), and some refusals: every call the services served, by method and status code, is
// one this test or a service made, and the suite's own metrics moved with it.
TEST(MetricsStackTest, TheStorysCallsShowOnEveryServiceWithTheirCodes) {
  const StackEnv& env = StackEnv::Get();
  const MailHighWater mails = CurrentMailHighWater();
  // Quiet first: nothing still on its way from an earlier test (its calls would count here).
  std::string pending;
  ASSERT_TRUE(WaitForMailQuiet(mails, absl::Seconds(30), &pending)) << pending;
  const Scrapes before = ScrapeAll(env);

  flow::Flow flow(env);
  ASSERT_OK_AND_ASSIGN(flow::School school, flow.NewSchool("Metrics School", 0, /*grant=*/false));
  ASSERT_OK_AND_ASSIGN(size_t jan, flow.AddMember(school, "Jan", /*grant=*/false));
  const std::string& token = school.tokens[jan];
  ASSERT_OK_AND_ASSIGN(auto request, flow.RequestRight(token, school.org));
  ASSERT_OK(flow.Approve(school.admin_token, request).status());
  ASSERT_OK(flow.Screen(token).status());
  const std::string odb = flow::NewOdbNumber();
  ASSERT_OK(flow.ImportTraining(odb, school.org).status());
  ASSERT_OK_AND_ASSIGN(flow::PreparedDraft draft, flow.PrepareDraft(token, school.org, odb, 2));
  ASSERT_OK(flow.Validate(token, draft.name).status());
  ASSERT_OK(flow.Confirm(token, draft).status());
  // Refusals: 'Bevestigen' of a draft already confirmed, a right asked for twice.
  flow::PreparedDraft stale = draft;
  stale.etag = "W/\"stale\"";
  stale.request_id = flow::NewRequestId();
  EXPECT_FALSE(flow.Confirm(token, stale).ok());
  EXPECT_FALSE(flow.RequestRight(token, school.org).ok());
  ASSERT_TRUE(WaitForMailQuiet(mails, absl::Seconds(30), &pending)) << pending;

  // A call counted by its server before its client has the answer: scrape again until both
  // sides agree (never agreeing fails the test with the difference).
  CallCounts served, asked;
  Scrapes after;
  for (int attempt = 0; attempt < 50; ++attempt) {
    after = ScrapeAll(env);
    std::tie(served, asked) = ServedAndAsked(before, after);
    if (served == asked) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_EQ(served, asked) << "served:" << Describe(served) << "\nasked:" << Describe(asked);
  // The story's own steps are in there, with their codes.
  const std::string rights = "wse.rights.v1.RightsService";
  const std::string registration = "wse.registration.v1.RegistrationService";
  EXPECT_EQ((served[{registration, "ConfirmDraft", "OK"}]), 1) << Describe(served);
  EXPECT_EQ((served[{registration, "ConfirmDraft", "FailedPrecondition"}]), 1) << Describe(served);
  EXPECT_EQ((served[{rights, "CreateAccessRequest", "OK"}]), 1) << Describe(served);
  const double refused = served[{rights, "CreateAccessRequest", "AlreadyExists"}] +
                         served[{rights, "CreateAccessRequest", "FailedPrecondition"}];
  EXPECT_EQ(refused, 1) << Describe(served);
  EXPECT_EQ((served[{rights, "ApproveAccessRequest", "OK"}]), 1) << Describe(served);
  // The relays hand their mails over in SendMails calls (one per pass).
  EXPECT_GE((served[{"wse.notify.v1.NotifyService", "SendMails", "OK"}]), 1) << Describe(served);

  // The suite's own metrics moved with the story.
  auto moved = [&](size_t service, const char* name, const Labels& labels) {
    return SampleOf(after.services[service], name, labels) -
           SampleOf(before.services[service], name, labels);
  };
  enum { kIdentity, kRights, kRegistration, kNotify };
  for (size_t service : {kIdentity, kRights, kRegistration, kNotify}) {
    EXPECT_GT(moved(service, "wse_db_transactions_total", {{"outcome", "committed"}}), 0)
        << service;
    EXPECT_GT(moved(service, "wse_db_commit_seconds_count", {}), 0) << service;
  }
  EXPECT_GE(moved(kRights, "wse_permission_decisions_total",
                  {{"result", "allowed"}, {"reason", "grant_matched"}}),
            1);
  EXPECT_GE(moved(kRights, "wse_outbox_deliveries_total", {{"result", "delivered"}}), 1);
  EXPECT_GE(moved(kRegistration, "wse_outbox_deliveries_total", {{"result", "delivered"}}), 1);
  EXPECT_GE(moved(kNotify, "wse_mails_accepted_total", {{"replay", "false"}}), 2);
  EXPECT_GE(moved(kNotify, "wse_mail_deliveries_total", {{"result", "sent"}}), 2);
  EXPECT_EQ(SampleOf(after.services[kRights], "wse_replica_lease_held", {}), 1);
  EXPECT_EQ(SampleOf(after.services[kRights], "wse_db_connection_waiters", {}), 0);
}

// The stack's Prometheus scrapes the four services and has the suite's rules loaded.
TEST(MetricsStackTest, PrometheusScrapesTheFourServicesWithTheRules) {
  const StackEnv& env = StackEnv::Get();
  std::map<std::string, std::string> up;  // job -> value of `up`.
  // Its first scrapes come within a scrape interval (5 s) of its start.
  for (int attempt = 0; attempt < 60; ++attempt) {
    up.clear();
    const std::string answer = HttpGet(env.prometheus_port, "/api/v1/query?query=up");
    const size_t body = answer.find("\r\n\r\n");
    if (body != std::string::npos) {
      const auto json = nlohmann::json::parse(answer.substr(body + 4), nullptr, false);
      if (!json.is_discarded() && json.value("status", "") == "success") {
        for (const auto& sample : json["data"]["result"]) {
          up[sample["metric"].value("job", "")] = sample["value"][1].get<std::string>();
        }
      }
    }
    if (up.size() >= 4 && up["identity-svc"] == "1" && up["rights-svc"] == "1" &&
        up["registration-svc"] == "1" && up["notify-svc"] == "1") {
      break;
    }
    absl::SleepFor(absl::Milliseconds(500));
  }
  for (const char* job : {"identity-svc", "rights-svc", "registration-svc", "notify-svc"}) {
    EXPECT_EQ(up[job], "1") << job;
  }
  const std::string rules = HttpGet(env.prometheus_port, "/api/v1/rules?type=alert");
  for (const char* alert : {"WseServiceDown", "WseHighErrorRatio", "WseOutboxStuck", "WseMailsDead",
                            "WseDatabaseDown"}) {
    EXPECT_TRUE(absl::StrContains(rules, absl::StrCat("\"name\":\"", alert, "\"")))
        << alert << " not loaded: " << rules.substr(0, 300);
  }
}

}  // namespace
}  // namespace wse::testing
