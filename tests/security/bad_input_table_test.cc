// The bad-input table without a stack: every row names a real unary method, its request parses
// (placeholders expanded, overrides merged), and each row spoils something: the request differs
// from the same request without the overrides, or stands alone. Also the field-path rule.
#include "tests/security/bad_input_table.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace wse::testing::security {
namespace {

const Fixture kFixture{"organizations/o1", "organizations/o1/drafts/d1", "3", "ODB-X0000000001",
                       "persons/p1"};

TEST(BadInputTableTest, EveryRowParsesForARealMethod) {
  std::set<std::string> names;
  int utf8 = 0, oversized = 0;
  for (const BadRequest& row : BadRequests()) {
    const std::string what = absl::StrCat(row.method, ": ", row.what);
    EXPECT_TRUE(names.insert(what).second) << what << " twice";
    EXPECT_FALSE(PathOf(row).empty()) << what << ": no such method";
    absl::StatusOr<std::string> bytes = WireRequest(row, kFixture);
    ASSERT_TRUE(bytes.ok()) << what << ": " << bytes.status();
    if (row.want == grpc::StatusCode::INVALID_ARGUMENT) {
      EXPECT_FALSE(row.field.empty()) << what << ": which field must the violation name?";
    }
    if (bytes->find(kInvalidUtf8) != std::string::npos) ++utf8;
    if (bytes->size() > 4 * 1024 * 1024) ++oversized;
    if (!row.overrides.empty()) {
      BadRequest plain = row;
      plain.overrides.clear();
      absl::StatusOr<std::string> without = WireRequest(plain, kFixture);
      ASSERT_TRUE(without.ok()) << what;
      EXPECT_NE(*without, *bytes) << what << ": the overrides change nothing";
    }
  }
  EXPECT_GE(names.size(), 80u);
  EXPECT_EQ(utf8, 4);       // One per service.
  EXPECT_EQ(oversized, 4);  // One per service.
}

TEST(BadInputTableTest, ABrokenRowIsReported) {
  BadRequest row{"typo",
                 "rights.RightsService/ListGrants",
                 Caller::kAdministrator,
                 grpc::StatusCode::INVALID_ARGUMENT,
                 "parent",
                 R"(parnet: "${org}")"};
  EXPECT_FALSE(WireRequest(row, kFixture).ok());
  row.request = R"(parent: "${orgg}")";
  EXPECT_FALSE(WireRequest(row, kFixture).ok());
  row.method = "rights.RightsService/ListGrant";
  EXPECT_TRUE(PathOf(row).empty());
}

TEST(BadInputTableTest, AFieldCoversItsSubfieldsOnly) {
  EXPECT_TRUE(FieldCovers("participant.attendance", "participant.attendance"));
  EXPECT_TRUE(FieldCovers("participant.attendance", "participant.attendance.hours_present"));
  EXPECT_TRUE(FieldCovers("recipients", "recipients[0].email_address"));
  EXPECT_FALSE(FieldCovers("request", "request_id"));
  EXPECT_FALSE(FieldCovers("participant.attendance", "participant"));
}

}  // namespace
}  // namespace wse::testing::security
