// One trace through the suite on the test stack: a 'Bevestigen' sent with a W3C traceparent is
// served by registration-svc under that trace, asks rights-svc under it, and the receipt mail
// it causes is queued (SendMail) and sent by notify-svc under it too, across the outbox: the
// trace_id is on each of those services' log lines.
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/trace_context.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/flow/identifiers.h"
#include "tests/support/stack_env.h"
#include "tests/support/stack_quiet.h"

namespace wse::testing {
namespace {

// The JSON log lines of `service` ("registration-svc") that name `trace_id`.
std::vector<nlohmann::json> LinesOfTrace(const std::string& run_dir, const std::string& service,
                                         const std::string& trace_id) {
  std::vector<nlohmann::json> lines;
  std::ifstream log(absl::StrCat(run_dir, "/logs/", service, ".log"));
  for (std::string line; std::getline(log, line);) {
    if (!absl::StrContains(line, trace_id)) continue;
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (!json.is_discarded() && json.value("trace_id", "") == trace_id) lines.push_back(json);
  }
  return lines;
}

// The first line with "msg" `msg` (and "method" `method` when given); null when none.
nlohmann::json Find(const std::vector<nlohmann::json>& lines, const std::string& msg,
                    const std::string& method = "") {
  for (const auto& line : lines) {
    if (line.value("msg", "") == msg && (method.empty() || line.value("method", "") == method)) {
      return line;
    }
  }
  return nullptr;
}

TEST(TraceStackTest, AConfirmsTraceReachesItsReceiptMail) {
  const StackEnv& env = StackEnv::Get();
  const MailHighWater mails = CurrentMailHighWater();
  flow::Flow flow(env);
  ASSERT_OK_AND_ASSIGN(flow::School school, flow.NewSchool("Trace School", 1, /*grant=*/true));
  const std::string odb = flow::NewOdbNumber();
  ASSERT_OK(flow.ImportTraining(odb, school.org).status());
  ASSERT_OK_AND_ASSIGN(flow::PreparedDraft draft,
                       flow.PrepareDraft(school.tokens[0], school.org, odb, 1));
  // A rights change in the organisation (a new colleague) makes registration-svc forget the
  // answers it kept while the draft was prepared, so the confirm asks rights-svc in its trace.
  ASSERT_OK(flow.AddMember(school, "Collega", /*grant=*/false).status());

  const TraceContext gateway = TraceContext::Start();  // What Envoy would send.
  flow::Call call;
  call.traceparent = gateway.Traceparent();
  ASSERT_OK(flow.Confirm(school.tokens[0], draft, call).status());
  std::string pending;
  ASSERT_TRUE(WaitForMailQuiet(mails, absl::Seconds(30), &pending)) << pending;

  const auto registration = LinesOfTrace(env.run_dir, "registration-svc", gateway.trace_id);
  const nlohmann::json confirm = Find(registration, "call", "ConfirmDraft");
  ASSERT_FALSE(confirm.is_null()) << "registration-svc logged no ConfirmDraft in the trace";
  EXPECT_EQ(confirm["code"], "OK");
  EXPECT_NE(confirm["span_id"], gateway.span_id);  // A span of its own.

  const auto rights = LinesOfTrace(env.run_dir, "rights-svc", gateway.trace_id);
  EXPECT_FALSE(Find(rights, "call", "CheckPermission").is_null())
      << "rights-svc answered no CheckPermission in the trace";

  // "mail sent" is written just after the delivery is recorded, which is what the quiet wait
  // sees: read the log again for a little while.
  std::vector<nlohmann::json> notify;
  for (int attempt = 0; attempt < 50; ++attempt) {
    notify = LinesOfTrace(env.run_dir, "notify-svc", gateway.trace_id);
    if (!Find(notify, "mail sent").is_null()) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  // The relay hands its pass over in one SendMails call (its own trace); each mail is logged as
  // queued under the trace of the row that caused it.
  const nlohmann::json queued = Find(notify, "mail queued");
  ASSERT_FALSE(queued.is_null()) << "the receipt mail was not queued in the confirm's trace";
  const nlohmann::json sent = Find(notify, "mail sent");
  ASSERT_FALSE(sent.is_null()) << "the receipt mail was not sent in the confirm's trace";
  // Each hop its own span: the confirm, the outbox delivery's call, the sending.
  EXPECT_NE(queued["span_id"], confirm["span_id"]);
  EXPECT_NE(sent["span_id"], queued["span_id"]);
}

}  // namespace
}  // namespace wse::testing
