// The request checks every service shares (common/request_checks.h): the field each failure
// names, and the boundaries.
#include "common/request_checks.h"

#include "common/status.h"
#include "gtest/gtest.h"

namespace wse {
namespace {

std::string FieldOf(const absl::Status& status) {
  const auto violations = FieldViolationsOf(status);
  return violations.empty() ? "" : violations[0].field;
}

TEST(RequestChecksTest, PageSizeDefaultsCapsAndRefusesNegatives) {
  EXPECT_EQ(*PageSize(0), kDefaultPageSize);
  EXPECT_EQ(*PageSize(1), 1);
  EXPECT_EQ(*PageSize(kMaxPageSize), kMaxPageSize);
  EXPECT_EQ(*PageSize(kMaxPageSize + 1), kMaxPageSize);
  EXPECT_EQ(FieldOf(PageSize(-1).status()), "page_size");
}

TEST(RequestChecksTest, KeysetTokensAreIdsAndNothingElse) {
  auto first = KeysetPageFrom(0, "");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->after, "");
  auto next = KeysetPageFrom(10, "0123abcd");
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->size, 10);
  EXPECT_EQ(next->after, "0123abcd");
  EXPECT_EQ(FieldOf(KeysetPageFrom(10, "1' OR '1'='1").status()), "page_token");
  EXPECT_EQ(FieldOf(KeysetPageFrom(10, "../etc").status()), "page_token");
  EXPECT_EQ(FieldOf(KeysetPageFrom(-5, "abc").status()), "page_size");
}

TEST(RequestChecksTest, RequestIdsAreShortTokensOfLettersDigitsAndDashes) {
  EXPECT_TRUE(CheckRequestId("0f9c2b1e-7a41-4f8e-9b0d-3c2a1e5f6a7b").ok());
  EXPECT_TRUE(CheckRequestId(std::string(64, 'a')).ok());
  EXPECT_EQ(FieldOf(CheckRequestId("")), "request_id");
  EXPECT_EQ(FieldOf(CheckRequestId(std::string(65, 'a'))), "request_id");
  EXPECT_EQ(FieldOf(CheckRequestId("abc; DROP TABLE")), "request_id");
  EXPECT_EQ(FieldOf(CheckRequestId("abc_def")), "request_id");
}

}  // namespace
}  // namespace wse
