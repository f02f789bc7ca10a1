// W3C Trace Context (common/trace_context.h): the header as the specification reads it, a span
// per hop of one trace across two in-process services, and the trace on every log line.
#include "common/trace_context.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/call_context.h"
#include "common/log.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/in_process.h"
#include "wse/testing/v1/echo.grpc.pb.h"

namespace wse {
namespace {

namespace tv1 = wse::testing::v1;

constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kParentId[] = "00f067aa0ba902b7";

TEST(TraceContextTest, ParsesTheSpecificationsExample) {
  auto parent = TraceContext::Parse(absl::StrCat("00-", kTraceId, "-", kParentId, "-01"));
  ASSERT_TRUE(parent.has_value());
  EXPECT_EQ(parent->trace_id, kTraceId);
  EXPECT_EQ(parent->span_id, kParentId);
  EXPECT_TRUE(parent->sampled);
  EXPECT_EQ(parent->Traceparent(), absl::StrCat("00-", kTraceId, "-", kParentId, "-01"));
  EXPECT_FALSE(TraceContext::Parse(absl::StrCat("00-", kTraceId, "-", kParentId, "-00"))->sampled);
  // A later version may add fields; only its first four are read.
  auto later = TraceContext::Parse(absl::StrCat("cc-", kTraceId, "-", kParentId, "-01-what"));
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->trace_id, kTraceId);
}

TEST(TraceContextTest, RefusesWhatTheSpecificationRefuses) {
  const std::string good = absl::StrCat("00-", kTraceId, "-", kParentId, "-01");
  for (const std::string& bad : {
           std::string(), good.substr(0, 54),  // Too short.
           good + "-extra",                    // Version 00 is exact.
           "ff" + good.substr(2),              // Version ff.
           absl::StrCat("00-", std::string(32, '0'), "-", kParentId, "-01"),  // Zero trace id.
           absl::StrCat("00-", kTraceId, "-", std::string(16, '0'), "-01"),   // Zero parent.
           absl::StrCat("00-4BF92F3577B34DA6A3CE929D0E0E4736-", kParentId, "-01"),  // Upper case.
           absl::StrCat("00_", kTraceId, "-", kParentId, "-01"),                    // Separator.
           absl::StrCat("00-", kTraceId, "-", kParentId, "-0g"),   // Flags not hex.
           absl::StrCat("cc-", kTraceId, "-", kParentId, "-01x"),  // No dash after flags.
       }) {
    EXPECT_FALSE(TraceContext::Parse(bad).has_value()) << bad;
  }
}

TEST(TraceContextTest, AChildKeepsTheTraceWithASpanOfItsOwn) {
  const TraceContext parent =
      *TraceContext::Parse(absl::StrCat("00-", kTraceId, "-", kParentId, "-01"));
  const TraceContext child = TraceContext::ChildOf(parent);
  EXPECT_EQ(child.trace_id, kTraceId);
  EXPECT_NE(child.span_id, kParentId);
  EXPECT_EQ(child.span_id.size(), 16u);
  EXPECT_TRUE(child.sampled);
  // tracestate goes along with a valid parent, and only then.
  EXPECT_EQ(TraceContext::Continue(parent.Traceparent(), "congo=t61rcWkgMzE").state,
            "congo=t61rcWkgMzE");
  EXPECT_EQ(TraceContext::Continue("garbage", "congo=t61rcWkgMzE").state, "");
  EXPECT_EQ(TraceContext::Continue(parent.Traceparent(), std::string(513, 'a')).state, "");
  EXPECT_EQ(TraceContext::Continue(parent.Traceparent(), "a=\n").state, "");
  // A new trace when the header does not parse.
  const TraceContext fresh = TraceContext::Continue("garbage");
  EXPECT_EQ(fresh.trace_id.size(), 32u);
  EXPECT_NE(fresh.trace_id, kTraceId);
  EXPECT_TRUE(TraceContext::Parse(fresh.Traceparent()).has_value());
}

TEST(TraceContextTest, EveryLogLineNamesTheTraceOfItsScope) {
  InitLogging("trace-test", "info");
  const TraceContext outer = TraceContext::Start();
  const TraceContext inner = TraceContext::ChildOf(outer);
  auto line = [](auto&& log) {
    ::testing::internal::CaptureStderr();
    log();
    const std::string out = ::testing::internal::GetCapturedStderr();
    return nlohmann::json::parse(out.substr(0, out.size() - 1));
  };
  EXPECT_FALSE(line([] { LogInfo("outside"); }).contains("trace_id"));
  {
    const ScopedTrace a(outer, "req-1");
    auto in_a = line([] { LogInfo("in a"); });
    EXPECT_EQ(in_a["trace_id"], outer.trace_id);
    EXPECT_EQ(in_a["span_id"], outer.span_id);
    EXPECT_EQ(in_a["request_id"], "req-1");
    {
      const ScopedTrace b(inner, "req-2");
      auto in_b = line([] { LogInfo("in b", {{"request_id", "given"}}); });
      EXPECT_EQ(in_b["span_id"], inner.span_id);
      EXPECT_EQ(in_b["request_id"], "given");  // A field given wins, and appears once.
    }
    EXPECT_EQ(line([] { LogInfo("a again"); })["span_id"], outer.span_id);
    // Background work started inside a scope continues its trace.
    EXPECT_EQ(BackgroundContext("job").trace.trace_id, outer.trace_id);
  }
  EXPECT_FALSE(line([] { LogInfo("outside again"); }).contains("trace_id"));
  EXPECT_NE(BackgroundContext("job").trace.trace_id, outer.trace_id);
}

// Answers "<traceparent it received>|<its own span's traceparent>", and for "hop" first asks
// `next` the same, so one call shows what each hop received and sent.
class TracingEcho final : public tv1::EchoService::Service {
 public:
  explicit TracingEcho(tv1::EchoService::Stub* next = nullptr) : next_(next) {}

  grpc::Status Echo(grpc::ServerContext* context, const tv1::EchoRequest* request,
                    tv1::EchoResponse* response) override {
    return Serve(context, "Echo", [&](const RequestContext& call) -> absl::Status {
      auto header = context->client_metadata().find(kTraceparentHeader);
      std::string received = header == context->client_metadata().end()
                                 ? ""
                                 : std::string(header->second.data(), header->second.size());
      std::string answer = absl::StrCat(received, "|", call.trace.Traceparent());
      if (request->message() == "hop" && next_ != nullptr) {
        grpc::ClientContext outgoing;
        PropagateTo(call, &outgoing);
        tv1::EchoRequest forwarded;
        tv1::EchoResponse next;
        grpc::Status status = next_->Echo(&outgoing, forwarded, &next);
        if (!status.ok()) return absl::UnavailableError(status.error_message());
        absl::StrAppend(&answer, "|", next.message());
      }
      response->set_message(answer);
      return absl::OkStatus();
    });
  }

 private:
  tv1::EchoService::Stub* next_;
};

TEST(TraceContextTest, OneTraceAcrossTwoServicesWithASpanEach) {
  TracingEcho last;
  wse::testing::InProcessServer second({{&last, "wse.testing.v1.EchoService"}});
  ASSERT_TRUE(second.status().ok());
  auto to_second = tv1::EchoService::NewStub(
      grpc::CreateChannel(second.target(), grpc::InsecureChannelCredentials()));
  TracingEcho relay(to_second.get());
  wse::testing::InProcessServer first({{&relay, "wse.testing.v1.EchoService"}});
  ASSERT_TRUE(first.status().ok());
  auto stub = tv1::EchoService::NewStub(
      grpc::CreateChannel(first.target(), grpc::InsecureChannelCredentials()));

  const std::string sent = absl::StrCat("00-", kTraceId, "-", kParentId, "-01");
  grpc::ClientContext context;
  context.AddMetadata("traceparent", sent);
  tv1::EchoRequest request;
  request.set_message("hop");
  tv1::EchoResponse response;
  ASSERT_TRUE(stub->Echo(&context, request, &response).ok());
  // received by the first | its span | received by the second | its span
  std::vector<std::string> hops = absl::StrSplit(response.message(), '|');
  ASSERT_EQ(hops.size(), 4u) << response.message();
  EXPECT_EQ(hops[0], sent);
  const TraceContext first_span = *TraceContext::Parse(hops[1]);
  EXPECT_EQ(first_span.trace_id, kTraceId);
  EXPECT_NE(first_span.span_id, kParentId);
  EXPECT_EQ(hops[2], hops[1]);  // The second is told the first's span as its parent.
  const TraceContext second_span = *TraceContext::Parse(hops[3]);
  EXPECT_EQ(second_span.trace_id, kTraceId);
  EXPECT_NE(second_span.span_id, first_span.span_id);
  EXPECT_TRUE(second_span.sampled);

  // Without a traceparent the first starts a trace, and the second continues it.
  grpc::ClientContext plain;
  ASSERT_TRUE(stub->Echo(&plain, request, &response).ok());
  hops = absl::StrSplit(response.message(), '|');
  ASSERT_EQ(hops.size(), 4u);
  EXPECT_EQ(hops[0], "");
  EXPECT_NE(TraceContext::Parse(hops[1])->trace_id, kTraceId);
  EXPECT_EQ(TraceContext::Parse(hops[3])->trace_id, TraceContext::Parse(hops[1])->trace_id);
}

}  // namespace
}  // namespace wse
