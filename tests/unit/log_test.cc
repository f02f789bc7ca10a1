// Every log line is one JSON object a log shipper can parse, whatever the fields hold.
#include "common/log.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace wse {
namespace {

TEST(LogTest, EachLineIsOneValidJsonObject) {
  InitLogging("log-test", "info");
  ::testing::internal::CaptureStderr();
  LogInfo("call", {{"method", "Confirm\"Draft"}, {"note", "line\nbreak\tand \\ slash"}});
  const std::string out = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(out.empty());
  ASSERT_EQ(out.back(), '\n');
  const auto line = nlohmann::json::parse(out.substr(0, out.size() - 1));
  EXPECT_EQ(line["service"], "log-test");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["msg"], "call");
  EXPECT_EQ(line["method"], "Confirm\"Draft");
  EXPECT_EQ(line["note"], "line\nbreak\tand \\ slash");
}

}  // namespace
}  // namespace wse
