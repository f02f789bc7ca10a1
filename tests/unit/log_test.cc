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

TEST(LogTest, PlainFieldsGoAsTheyAreAndTheRestIsEscaped) {
  InitLogging("log-test", "info");
  ::testing::internal::CaptureStderr();
  LogInfo("call", {{"method", "CheckPermission"},
                   {"control", std::string("a\x01"
                                           "b\x7f")},
                   {"bad_utf8", std::string("caf\xc3")},
                   {"dutch", "Zo\xc3\xab"}});
  const std::string out = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(out.empty());
  EXPECT_NE(out.find("\"method\":\"CheckPermission\""), std::string::npos) << out;
  const auto line = nlohmann::json::parse(out.substr(0, out.size() - 1));
  EXPECT_EQ(line["control"],
            "a\x01"
            "b\x7f");
  EXPECT_EQ(line["bad_utf8"], "caf\xef\xbf\xbd");  // U+FFFD for the broken sequence.
  EXPECT_EQ(line["dutch"], "Zo\xc3\xab");
}

}  // namespace
}  // namespace wse
