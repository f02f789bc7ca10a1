// The receipt's reference (check letter) and content hash (RFC 8785 canonical JSON + SHA-256),
// checked against vectors computed independently (by hand and with Python's hashlib).
#include "registration-svc/domain/receipt.h"

#include "gtest/gtest.h"
#include "registration-svc/domain/mails.h"
#include "wse/notify/v1/notify_service.pb.h"

namespace wse::registration {
namespace {

TEST(ReceiptReferenceTest, CheckLetterFromWeightedDigits) {
  // Digits 2026000123, weights 1.. from the right: 3+4+3+42+16+20 = 88; 88 mod 23 = 19 -> 'W'.
  EXPECT_EQ(ReceiptReference(2026, 123), "VOV-2026-000123-W");
  EXPECT_TRUE(ValidReceiptReference("VOV-2026-000123-W"));
  // Numbers beyond six digits keep all of them.
  EXPECT_TRUE(ValidReceiptReference(ReceiptReference(2026, 12345678)));
  EXPECT_EQ(ReceiptReference(2026, 12345678).size(), std::string("VOV-2026-12345678-X").size());
}

TEST(ReceiptReferenceTest, EveryMistypedDigitAndNeighbourSwapIsCaught) {
  const std::string good = ReceiptReference(2027, 40518);
  ASSERT_TRUE(ValidReceiptReference(good));
  for (size_t i = 4; i < good.size() - 2; ++i) {
    if (good[i] == '-') continue;
    for (char d = '0'; d <= '9'; ++d) {
      if (d == good[i]) continue;
      std::string typo = good;
      typo[i] = d;
      EXPECT_FALSE(ValidReceiptReference(typo)) << typo;
    }
    if (i + 1 < good.size() - 2 && good[i + 1] != '-' && good[i] != good[i + 1]) {
      std::string swapped = good;
      std::swap(swapped[i], swapped[i + 1]);
      EXPECT_FALSE(ValidReceiptReference(swapped)) << swapped;
    }
  }
  EXPECT_FALSE(ValidReceiptReference("VOV-2026-000123"));
  EXPECT_FALSE(ValidReceiptReference("XYZ-2026-000123-W"));
  EXPECT_FALSE(ValidReceiptReference("VOV-20a6-000123-W"));
}

RegistrationVersionRecord Example() {
  RegistrationVersionRecord v;
  v.organization_id = "org1";
  v.registration_id = "r1";
  v.version = 1;
  v.kind = ReceiptKind::kSubmission;
  v.odb_number = "ODB-1";
  v.school_year = 2025;
  v.submitted_by_name = "Not hashed";  // Names are not content.
  RegisteredParticipant second;
  second.input.insz = "90010100187";
  ParticipationInput participation;
  participation.participated = true;
  participation.completed_module_codes = {"M1", "M\"2"};
  second.input.measurement = participation;
  second.input.final_assessment = FinalAssessment::kJustifiedAbsence;
  RegisteredParticipant first;
  first.input.insz = "85073003328";
  AttendanceInput attendance;
  attendance.hours_present = 12.25;
  attendance.contact_hours_to_follow = 40;
  attendance.unjustified_absence_hours = 0.5;
  first.input.measurement = attendance;
  first.input.final_assessment = FinalAssessment::kParticipated;
  first.input.route_completed = true;
  first.input.exam_contract = false;
  first.input.actual_end_date = Date{2026, 6, 30};
  first.warning_reasons = {"NOT_HASHED"};
  v.participants = {second, first};  // Out of INSZ order on purpose.
  return v;
}

TEST(ReceiptContentTest, CanonicalJsonSortsKeysAndParticipants) {
  EXPECT_EQ(
      ReceiptCanonicalContent(Example()),
      R"({"content_format":"wse.vov.receipt.v1","kind":"SUBMISSION","organization":"organizations/org1",)"
      R"("participants":[{"actual_end_date":"2026-06-30","attendance":{"contact_hours_to_follow":40,)"
      R"("hours_present":12.25,"unjustified_absence_hours":0.5},"exam_contract":false,)"
      R"("final_assessment":"PARTICIPATED","insz":"85073003328","route_completed":true},)"
      R"({"final_assessment":"JUSTIFIED_ABSENCE","insz":"90010100187","participation":)"
      R"({"completed_module_codes":["M1","M\"2"],"participated":true}}],"school_year":"2025-2026",)"
      R"("training":"trainings/ODB-1","version":1})");
}

TEST(ReceiptContentTest, Sha256MatchesAnIndependentComputation) {
  EXPECT_EQ(ReceiptContentSha256(Example()),
            "b0bde573face1c796bb87a0afe416a5b407ded5c0ab6069f643b166b44fae145");
}

// Format v2 (versions confirmed now) adds each participant's counted hours; v1 versions keep
// their own content (above). Vector computed with the Python recipe of docs/receipt-hash.md.
TEST(ReceiptContentTest, FormatV2CarriesTheCountedHours) {
  RegistrationVersionRecord v = Example();
  v.content_format = kReceiptContentFormat;
  v.participants[0].counted_hours = 32.5;
  v.participants[0].input.final_assessment = FinalAssessment::kNotYetHeld;
  v.participants[1].counted_hours = 12.25;
  EXPECT_EQ(
      ReceiptCanonicalContent(v),
      R"({"content_format":"wse.vov.receipt.v2","kind":"SUBMISSION","organization":"organizations/org1",)"
      R"("participants":[{"actual_end_date":"2026-06-30","attendance":{"contact_hours_to_follow":40,)"
      R"("hours_present":12.25,"unjustified_absence_hours":0.5},"counted_hours":12.25,)"
      R"("exam_contract":false,"final_assessment":"PARTICIPATED","insz":"85073003328",)"
      R"("route_completed":true},{"counted_hours":32.5,"final_assessment":"NOT_YET_HELD",)"
      R"("insz":"90010100187","participation":{"completed_module_codes":["M1","M\"2"],)"
      R"("participated":true}}],"school_year":"2025-2026","training":"trainings/ODB-1","version":1})");
  EXPECT_EQ(ReceiptContentSha256(v),
            "764719ae6dd9bd6d90568aff7291a80f610005d1228c59f1877f80aec4efd72f");
  v.participants[0].counted_hours = 32;
  EXPECT_NE(ReceiptContentSha256(v),
            "764719ae6dd9bd6d90568aff7291a80f610005d1228c59f1877f80aec4efd72f");
  RegistrationVersionRecord v1 = Example();
  v1.content_format = kReceiptContentFormatV1;
  v1.participants[0].counted_hours = 99;  // Not part of a v1 document.
  EXPECT_EQ(ReceiptContentSha256(v1),
            "b0bde573face1c796bb87a0afe416a5b407ded5c0ab6069f643b166b44fae145");
}

TEST(ReceiptContentTest, AnyContentChangeChangesTheHashNamesDoNot) {
  const std::string base = ReceiptContentSha256(Example());
  RegistrationVersionRecord renamed = Example();
  renamed.submitted_by_name = "Someone else";
  renamed.organization_name = "Other name";
  EXPECT_EQ(ReceiptContentSha256(renamed), base);
  RegistrationVersionRecord hours = Example();
  std::get<AttendanceInput>(hours.participants[1].input.measurement).hours_present = 12.5;
  EXPECT_NE(ReceiptContentSha256(hours), base);
  RegistrationVersionRecord version = Example();
  version.version = 2;
  EXPECT_NE(ReceiptContentSha256(version), base);
  RegistrationVersionRecord withdrawn = Example();
  withdrawn.kind = ReceiptKind::kWithdrawal;
  withdrawn.participants.clear();
  withdrawn.withdraw_reason = "line\nbreak";
  EXPECT_NE(ReceiptCanonicalContent(withdrawn).find(R"("withdraw_reason":"line\nbreak")"),
            std::string::npos);
}

// notify-svc refuses a parameter over 10,000 bytes, and a refused mail is retried for ever: the
// hours per participant stay well below, however many participants and however long their names.
TEST(ReceiptMailTest, TheHoursListStaysWithinWhatNotifyAccepts) {
  RegistrationVersionRecord v = Example();
  v.participants.clear();
  for (int i = 0; i < 200; ++i) {
    RegisteredParticipant p;
    p.input.insz = "85073003328";
    p.display_name = std::string(150, 'a') + "\xc3\xa9" + std::string(50, 'b');
    p.counted_hours = 12.5;
    v.participants.push_back(p);
  }
  notify::v1::SendMailRequest mail;
  ASSERT_TRUE(mail.ParseFromString(ReceiptMail(v, "VOV-2026-000123-W").payload));
  const std::string& hours = mail.parameters().at("participant_hours");
  EXPECT_LE(hours.size(), 8100u);
  EXPECT_NE(hours.find("85.07.30-***.** " + std::string(60, 'a') + "...: 12,5"), std::string::npos)
      << hours.substr(0, 200);
  EXPECT_NE(hours.find("\n+ 150 ..."), std::string::npos) << "the first 50 listed, then a count";
}

}  // namespace
}  // namespace wse::registration
