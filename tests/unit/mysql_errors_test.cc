#include "common/mysql_errors.h"

#include "gtest/gtest.h"

namespace wse {
namespace {

TEST(MysqlErrorsTest, MapsByRetryMeaning) {
  EXPECT_EQ(MysqlErrorCode(1062), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(MysqlErrorCode(1213), absl::StatusCode::kAborted);
  EXPECT_EQ(MysqlErrorCode(1205), absl::StatusCode::kAborted);
  EXPECT_EQ(MysqlErrorCode(2006), absl::StatusCode::kUnavailable);
  EXPECT_EQ(MysqlErrorCode(2013), absl::StatusCode::kUnavailable);
  EXPECT_EQ(MysqlErrorCode(2002), absl::StatusCode::kUnavailable);
  EXPECT_EQ(MysqlErrorCode(1040), absl::StatusCode::kUnavailable);
  EXPECT_EQ(MysqlErrorCode(1146), absl::StatusCode::kInternal);
}

TEST(MysqlErrorsTest, OnlyLostConnectionsAreDiscarded) {
  EXPECT_TRUE(IsConnectionLost(2006));
  EXPECT_TRUE(IsConnectionLost(2013));
  EXPECT_FALSE(IsConnectionLost(1062));
  EXPECT_FALSE(IsConnectionLost(1213));
}

TEST(MysqlErrorsTest, MessagesDoNotLeakSqlForClientVisibleCodes) {
  absl::Status dup = MysqlErrorToStatus(1062, "Duplicate entry 'x' for key 'PRIMARY'");
  EXPECT_EQ(dup.message().find("Duplicate entry"), absl::string_view::npos);
  absl::Status gone = MysqlErrorToStatus(2006, "MySQL server has gone away");
  EXPECT_EQ(gone.message().find("gone away"), absl::string_view::npos);
}

}  // namespace
}  // namespace wse
