#include "registration-svc/domain/school_year.h"

#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "registration-svc/domain/belgian_time.h"
#include "registration-svc/domain/date.h"
#include "registration-svc/domain/deadlines.h"

namespace wse::registration {
namespace {

TEST(DateTest, ValidDates) {
  EXPECT_TRUE(IsValidDate({2025, 9, 1}));
  EXPECT_TRUE(IsValidDate({2025, 12, 31}));
  EXPECT_TRUE(IsValidDate({2024, 2, 29}));  // Leap year.
  EXPECT_TRUE(IsValidDate({2000, 2, 29}));  // Divisible by 400.
  EXPECT_TRUE(IsValidDate({2025, 4, 30}));
}

TEST(DateTest, InvalidDates) {
  EXPECT_FALSE(IsValidDate({2025, 2, 29}));  // Not a leap year.
  EXPECT_FALSE(IsValidDate({2100, 2, 29}));  // Divisible by 100, not by 400.
  EXPECT_FALSE(IsValidDate({2025, 4, 31}));
  EXPECT_FALSE(IsValidDate({2025, 0, 1}));
  EXPECT_FALSE(IsValidDate({2025, 13, 1}));
  EXPECT_FALSE(IsValidDate({2025, 1, 0}));
  EXPECT_FALSE(IsValidDate({2025, 1, 32}));
  EXPECT_FALSE(IsValidDate({0, 1, 1}));
  EXPECT_FALSE(IsValidDate({}));
}

TEST(DateTest, LeapYears) {
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2025));
}

TEST(DateTest, ComparesChronologically) {
  EXPECT_LT((Date{2025, 8, 31}), (Date{2025, 9, 1}));
  EXPECT_LT((Date{2024, 12, 31}), (Date{2025, 1, 1}));
  EXPECT_LT((Date{2025, 1, 9}), (Date{2025, 1, 10}));
  EXPECT_EQ((Date{2025, 1, 9}), (Date{2025, 1, 9}));
  EXPECT_GT((Date{2026, 1, 1}), (Date{2025, 12, 31}));
}

TEST(DateTest, Formats) {
  EXPECT_EQ(FormatDate({2025, 9, 1}), "2025-09-01");
  EXPECT_EQ(FormatDate({999, 12, 31}), "0999-12-31");
}

TEST(SchoolYearTest, ParsesAndSpansSeptemberToAugust) {
  auto year = SchoolYear::Parse("2025-2026");
  ASSERT_TRUE(year.ok()) << year.status();
  EXPECT_EQ(year->first_year(), 2025);
  EXPECT_EQ(year->start(), (Date{2025, 9, 1}));
  EXPECT_EQ(year->end(), (Date{2026, 8, 31}));
  EXPECT_EQ(year->ToString(), "2025-2026");
}

TEST(SchoolYearTest, AcceptsTheBoundsOfTheRange) {
  EXPECT_TRUE(SchoolYear::Parse("2000-2001").ok());
  EXPECT_TRUE(SchoolYear::Parse("2099-2100").ok());
}

TEST(SchoolYearTest, Contains) {
  const SchoolYear year = SchoolYear::StartingIn(2025);
  EXPECT_TRUE(year.contains({2025, 9, 1}));
  EXPECT_TRUE(year.contains({2025, 12, 31}));
  EXPECT_TRUE(year.contains({2026, 2, 28}));
  EXPECT_TRUE(year.contains({2026, 8, 31}));
  EXPECT_FALSE(year.contains({2025, 8, 31}));
  EXPECT_FALSE(year.contains({2026, 9, 1}));
  EXPECT_FALSE(year.contains({2030, 1, 1}));
}

TEST(SchoolYearTest, OfDate) {
  EXPECT_EQ(SchoolYear::Of({2025, 9, 1}).ToString(), "2025-2026");
  EXPECT_EQ(SchoolYear::Of({2025, 12, 31}).ToString(), "2025-2026");
  EXPECT_EQ(SchoolYear::Of({2026, 1, 1}).ToString(), "2025-2026");
  EXPECT_EQ(SchoolYear::Of({2026, 8, 31}).ToString(), "2025-2026");
  EXPECT_EQ(SchoolYear::Of({2026, 9, 1}).ToString(), "2026-2027");
  EXPECT_EQ(SchoolYear::Of({2025, 8, 31}).ToString(), "2024-2025");
  for (const Date date : {Date{2025, 9, 1}, Date{2026, 3, 15}, Date{2026, 8, 31}}) {
    EXPECT_TRUE(SchoolYear::Of(date).contains(date)) << FormatDate(date);
  }
}

TEST(SchoolYearTest, Equality) {
  EXPECT_EQ(*SchoolYear::Parse("2025-2026"), SchoolYear::StartingIn(2025));
  EXPECT_FALSE(*SchoolYear::Parse("2025-2026") == SchoolYear::StartingIn(2024));
}

TEST(SchoolYearTest, RejectsWrongForms) {
  for (const char* bad :
       {"", "2025", "2025-26", "2025/2026", "2025 - 2026", " 2025-2026", "2025-2026 ", "20252026x",
        "+025-2026", "2025--026", "abcd-efgh", "2025-2026-2027", "٢٠٢٥-2026"}) {
    auto year = SchoolYear::Parse(bad);
    EXPECT_EQ(year.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SchoolYearTest, RejectsNonConsecutiveYears) {
  for (const char* bad : {"2025-2025", "2025-2027", "2026-2025", "2025-2024"}) {
    EXPECT_EQ(SchoolYear::Parse(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SchoolYearTest, RejectsYearsOutsideRange) {
  for (const char* bad : {"1999-2000", "2100-2101", "0000-0001", "9998-9999"}) {
    EXPECT_EQ(SchoolYear::Parse(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SchoolYearTest, ErrorCarriesFieldPathReasonAndDutch) {
  auto year = SchoolYear::Parse("2025-2027", "drafts[0].school_year");
  ASSERT_FALSE(year.ok());
  const auto violations = FieldViolationsOf(year.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "drafts[0].school_year");
  EXPECT_EQ(ReasonOf(year.status()), "INVALID_SCHOOL_YEAR");
  EXPECT_THAT(DutchMessageOf(year.status()), testing::HasSubstr("schooljaar"));

  auto default_field = SchoolYear::Parse("x");
  ASSERT_EQ(FieldViolationsOf(default_field.status()).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(default_field.status())[0].field, "school_year");
}

// Issue 19: the deadline a window after 31 August gives, and the school years open under it.
TEST(DeadlinesTest, AWindowAfterTheSchoolYearOpensThePreviousYearUntilItsDeadline) {
  const absl::TimeZone brussels = BelgianZone();
  const absl::Duration window = absl::Hours(24 * 61);  // Until 31 October inclusive.
  const Deadlines deadlines = DeadlinesFor(2025, window, std::nullopt);
  ASSERT_TRUE(deadlines.registration.has_value());
  EXPECT_EQ(*deadlines.registration, absl::FromCivil(absl::CivilDay(2026, 11, 1), brussels));
  EXPECT_FALSE(deadlines.correction.has_value());
  EXPECT_EQ(LastDayInDutch(*deadlines.registration), "31 oktober 2026");

  // 31 October 2026, 23:59 in Belgium: 2025-2026 is still open, as is 2026-2027.
  auto at = [&](int y, int m, int d, int h, int min) {
    return absl::FromCivil(absl::CivilMinute(y, m, d, h, min), brussels);
  };
  std::vector<OpenSchoolYear> open = OpenForRegistration(at(2026, 10, 31, 23, 59), window);
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[0].school_year, 2025);
  EXPECT_EQ(open[1].school_year, 2026);
  // At midnight the earlier year closes.
  open = OpenForRegistration(at(2026, 11, 1, 0, 0), window);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].school_year, 2026);
  // 31 August: only the year that ends that day (2024-2025 closed on 31 October 2025, 2026-2027
  // has not started).
  open = OpenForRegistration(at(2026, 8, 31, 12, 0), window);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].school_year, 2025);
  // Without a window nothing is shown.
  EXPECT_TRUE(OpenForRegistration(at(2026, 10, 1, 0, 0), std::nullopt).empty());
  EXPECT_EQ(LastDayInDutch(absl::FromCivil(absl::CivilDay(2027, 1, 1), brussels)),
            "31 december 2026");
}

}  // namespace
}  // namespace wse::registration
