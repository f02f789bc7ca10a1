#include "common/status.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wse {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

TEST(ErrorBuilderTest, CarriesViolationsReasonAndDutchMessage) {
  absl::Status status = ErrorBuilder(absl::StatusCode::kInvalidArgument, "bad participant")
                            .Violation("participants[2].insz", "check digits do not match")
                            .Violation("school_year", "must look like 2025-2026")
                            .Reason("INVALID_PARTICIPANT", {{"row", "2"}})
                            .Dutch("Het rijksregisternummer is ongeldig.");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "bad participant");
  EXPECT_THAT(FieldViolationsOf(status),
              ElementsAre(Field(&FieldViolation::field, "participants[2].insz"),
                          Field(&FieldViolation::field, "school_year")));
  EXPECT_EQ(ReasonOf(status), "INVALID_PARTICIPANT");
  EXPECT_EQ(DutchMessageOf(status), "Het rijksregisternummer is ongeldig.");
}

TEST(ErrorBuilderTest, PlainStatusHasNoDetails) {
  absl::Status status = absl::NotFoundError("no such registration");
  EXPECT_TRUE(FieldViolationsOf(status).empty());
  EXPECT_EQ(ReasonOf(status), "");
  EXPECT_EQ(DutchMessageOf(status), "");
}

TEST(InvalidArgumentTest, OneViolationNamesTheFieldInTheMessage) {
  absl::Status status = InvalidArgument({{"organization", "unknown KBO number"}});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "organization: unknown KBO number");
  EXPECT_EQ(ReasonOf(status), "INVALID_ARGUMENT");
  ASSERT_EQ(FieldViolationsOf(status).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(status)[0].description, "unknown KBO number");
}

}  // namespace
}  // namespace wse
