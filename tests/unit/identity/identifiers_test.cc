#include "common/identifiers.h"

#include "common/status.h"
#include "gtest/gtest.h"

namespace wse::identity {
namespace {

TEST(InszTest, NationalRegisterNumberBefore2000) {
  auto insz = ParseInsz("85.07.30-033.28");
  ASSERT_TRUE(insz.ok()) << insz.status();
  EXPECT_EQ(insz->digits, "85073003328");
  EXPECT_EQ(insz->kind, InszKind::kNationalRegister);
  EXPECT_EQ(insz->birth_year, 1985);
  EXPECT_EQ(insz->sex, Sex::kMale);  // Odd sequence number.
}

TEST(InszTest, NationalRegisterNumberFrom2000UsesThePrefixTwo) {
  auto insz = ParseInsz("01020300467");
  ASSERT_TRUE(insz.ok()) << insz.status();
  EXPECT_EQ(insz->birth_year, 2001);
  EXPECT_EQ(insz->sex, Sex::kFemale);  // Even sequence number.
  // The same first nine digits with the pre-2000 check digits mean 1901.
  EXPECT_EQ(ParseInsz("01020300438")->birth_year, 1901);
}

TEST(InszTest, LeapDayDependsOnTheCentury) {
  EXPECT_TRUE(ParseInsz("00022900244").ok());   // 2000-02-29 exists.
  EXPECT_FALSE(ParseInsz("01022900265").ok());  // 2001-02-29 does not.
}

TEST(InszTest, BisNumbers) {
  auto unknown_sex = ParseInsz("85273003371");  // Month + 20.
  ASSERT_TRUE(unknown_sex.ok()) << unknown_sex.status();
  EXPECT_EQ(unknown_sex->kind, InszKind::kBis);
  EXPECT_EQ(unknown_sex->sex, Sex::kUnknown);
  EXPECT_EQ(unknown_sex->birth_year, 1985);
  auto known_sex = ParseInsz("85473003416");  // Month + 40.
  ASSERT_TRUE(known_sex.ok()) << known_sex.status();
  EXPECT_EQ(known_sex->kind, InszKind::kBis);
  EXPECT_EQ(known_sex->sex, Sex::kFemale);
}

TEST(InszTest, UnknownBirthDatePartsAreAccepted) {
  EXPECT_TRUE(ParseInsz("85003003376").ok());  // Month 00.
  EXPECT_TRUE(ParseInsz("85070003355").ok());  // Day 00.
  EXPECT_TRUE(ParseInsz("85000003306").ok());  // Both 00.
  EXPECT_FALSE(ParseInsz("85070003356").ok()) << "day 00 with wrong check digits";
}

// When the first nine digits (or 2 followed by them) are a multiple of 97, the check number is
// 97, not 00.
TEST(InszTest, CheckNumber97) {
  auto before_2000 = ParseInsz("60010107397");
  ASSERT_TRUE(before_2000.ok()) << before_2000.status();
  EXPECT_EQ(before_2000->birth_year, 1960);
  auto from_2000 = ParseInsz("00010100697");
  ASSERT_TRUE(from_2000.ok()) << from_2000.status();
  EXPECT_EQ(from_2000->birth_year, 2000);
  EXPECT_FALSE(ParseInsz("60010107300").ok()) << "00 is never a check number";
}

TEST(InszTest, InvalidNumbersNameTheFieldAndReason) {
  for (const char* bad : {"85073003329",   // Wrong check digits.
                          "85133003370",   // Month 13.
                          "85073000061",   // Sequence 000.
                          "85073099833",   // Sequence 998.
                          "8507300332",    // 10 digits.
                          "850730033281",  // 12 digits.
                          "85O73003328",   // Letter O.
                          "",              //
                          "85073003328; DROP TABLE persons"}) {
    auto insz = ParseInsz(bad, "participants[2].insz");
    ASSERT_FALSE(insz.ok()) << bad;
    EXPECT_EQ(insz.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    ASSERT_EQ(FieldViolationsOf(insz.status()).size(), 1u) << bad;
    EXPECT_EQ(FieldViolationsOf(insz.status())[0].field, "participants[2].insz");
    EXPECT_EQ(ReasonOf(insz.status()), "INVALID_INSZ");
  }
}

TEST(InszTest, MaskKeepsOnlyTheBirthDate) {
  EXPECT_EQ(MaskInsz("85073003328"), "85.07.30-***.**");
  EXPECT_EQ(MaskInsz("short"), "***********");
}

TEST(KboNumberTest, ValidNumbersFromTheRegister) {
  for (const char* good : {"0440966354", "0403019261", "0428759497"}) {
    auto kbo = NormalizeKboNumber(good);
    ASSERT_TRUE(kbo.ok()) << good << ": " << kbo.status();
    EXPECT_EQ(*kbo, good);
  }
}

// Enterprise numbers starting with 1 (issued since the 0 range ran out) are valid too.
TEST(KboNumberTest, NumbersStartingWithOne) {
  EXPECT_EQ(NormalizeKboNumber("1000000021").value(), "1000000021");
  EXPECT_EQ(NormalizeKboNumber("BE 1000.000.021").value(), "1000000021");
  EXPECT_FALSE(NormalizeKboNumber("1000000022").ok());
}

TEST(KboNumberTest, NormalisesPrefixSeparatorsAndOldNumbers) {
  EXPECT_EQ(NormalizeKboNumber("BE 0403.019.261").value(), "0403019261");
  EXPECT_EQ(NormalizeKboNumber("be0403019261").value(), "0403019261");
  EXPECT_EQ(NormalizeKboNumber("403.019.261").value(), "0403019261");  // Old 9-digit form.
}

TEST(KboNumberTest, InvalidNumbersAreRefused) {
  for (const char* bad : {"0431150351", "2403019261", "04030192", "04030192611", "BE", "abc"}) {
    auto kbo = NormalizeKboNumber(bad, "organizations[0].kbo_number");
    ASSERT_FALSE(kbo.ok()) << bad;
    EXPECT_EQ(ReasonOf(kbo.status()), "INVALID_KBO_NUMBER") << bad;
    EXPECT_EQ(FieldViolationsOf(kbo.status())[0].field, "organizations[0].kbo_number");
  }
}

TEST(InstitutionNumberTest, SixDigits) {
  EXPECT_EQ(NormalizeInstitutionNumber(" 123456 ").value(), "123456");
  EXPECT_FALSE(NormalizeInstitutionNumber("12345").ok());
  EXPECT_FALSE(NormalizeInstitutionNumber("1234567").ok());
  EXPECT_FALSE(NormalizeInstitutionNumber("12a456").ok());
}

}  // namespace
}  // namespace wse::identity
