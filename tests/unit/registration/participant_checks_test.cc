// What a draft refuses at the door (malformed values), and the resource names of the API.
#include "registration-svc/domain/participant_checks.h"

#include "common/status.h"
#include "gtest/gtest.h"
#include "registration-svc/domain/names.h"

namespace wse::registration {
namespace {

std::vector<std::string> Fields(const std::vector<Violation>& violations) {
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field + ":" + v.reason);
  return fields;
}

TEST(ParticipantChecksTest, NormalisesAValidInszAndAcceptsIncompleteData) {
  ParticipantInput p;
  p.insz = "85.07.30-033.28";
  EXPECT_TRUE(CheckParticipantValues(&p, "An Peeters", {}).empty());
  EXPECT_EQ(p.insz, "85073003328");
}

TEST(ParticipantChecksTest, ReportsEachMalformedValueWithItsPath) {
  absl::flat_hash_set<std::string> modules = {"M1"};
  MalformedCheck check;
  check.module_codes = &modules;
  ParticipantInput p;
  p.insz = "85073003329";  // Wrong check digits.
  AttendanceInput a;
  a.hours_present = -1;
  a.contact_hours_to_follow = 12.345;  // Three decimals.
  a.unjustified_absence_hours = std::numeric_limits<double>::quiet_NaN();
  p.measurement = a;
  p.actual_end_date = Date{2026, 2, 30};
  EXPECT_EQ(Fields(CheckParticipantValues(&p, "line\nbreak", check)),
            (std::vector<std::string>{"insz:INVALID_INSZ", "display_name:INVALID_TEXT",
                                      "attendance.hours_present:INVALID_HOURS",
                                      "attendance.contact_hours_to_follow:INVALID_HOURS",
                                      "attendance.unjustified_absence_hours:INVALID_HOURS",
                                      "actual_end_date:INVALID_DATE"}));

  ParticipantInput q;
  q.insz = "85073003328";
  ParticipationInput part;
  part.completed_module_codes = {"M1", "M9"};
  q.measurement = part;
  EXPECT_EQ(Fields(CheckParticipantValues(&q, std::string(201, 'x'), check)),
            (std::vector<std::string>{"display_name:INVALID_TEXT",
                                      "participation.completed_module_codes[1]:UNKNOWN_MODULE"}));
}

TEST(ParticipantChecksTest, TwoDecimals) {
  EXPECT_TRUE(HasAtMostTwoDecimals(0));
  EXPECT_TRUE(HasAtMostTwoDecimals(12.25));
  EXPECT_TRUE(HasAtMostTwoDecimals(0.1 + 0.2));  // Binary noise is not a third decimal.
  EXPECT_FALSE(HasAtMostTwoDecimals(12.255));
}

TEST(NamesTest, ParsesAndBuildsEveryResourceName) {
  auto draft = ParseDraft("organizations/o1/drafts/d1", "name");
  ASSERT_TRUE(draft.ok());
  EXPECT_EQ(draft->organization_id, "o1");
  EXPECT_EQ(draft->id, "d1");
  EXPECT_EQ(DraftName("o1", "d1"), "organizations/o1/drafts/d1");
  auto participant = ParseParticipant("organizations/o1/drafts/d1/participants/p1", "name");
  ASSERT_TRUE(participant.ok());
  EXPECT_EQ(participant->participant_id, "p1");
  auto latest = ParseRegistration("organizations/o1/registrations/r1", "name", true);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, 0);
  auto second = ParseRegistration("organizations/o1/registrations/r1@2", "name", true);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->version, 2);
  auto receipt = ParseReceipt("organizations/o1/registrations/r1/receipts/3", "name");
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->registration_id, "r1");
  EXPECT_EQ(receipt->version, 3);
  EXPECT_EQ(ReceiptName("o1", "r1", 3), "organizations/o1/registrations/r1/receipts/3");
  EXPECT_EQ(*ParseTraining("trainings/ODB-X123", "t"), "ODB-X123");
  // ODB numbers compare case-insensitively: held in capitals.
  EXPECT_EQ(*ParseTraining("trainings/odb-x123", "t"), "ODB-X123");
  EXPECT_EQ(NormalizeOdbNumber("Odb-12a"), "ODB-12A");
}

TEST(NamesTest, MalformedNamesAreInvalidArgumentOnTheirField) {
  for (const char* bad : {"", "organizations/o1", "organizations/o1/drafts/", "orgs/o1/drafts/d1",
                          "organizations/o1/drafts/d1/x", "organizations/o 1/drafts/d1",
                          "organizations/o1/drafts/d1;DROP TABLE drafts"}) {
    auto parsed = ParseDraft(bad, "name");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    ASSERT_FALSE(FieldViolationsOf(parsed.status()).empty());
    EXPECT_EQ(FieldViolationsOf(parsed.status())[0].field, "name");
  }
  EXPECT_FALSE(ParseRegistration("organizations/o1/registrations/r1@2", "name", false).ok());
  EXPECT_FALSE(ParseRegistration("organizations/o1/registrations/r1@0", "name", true).ok());
  EXPECT_FALSE(ParseRegistration("organizations/o1/registrations/r1@x", "name", true).ok());
  EXPECT_FALSE(ParseReceipt("organizations/o1/registrations/r1/receipts/-1", "name").ok());
}

}  // namespace
}  // namespace wse::registration
