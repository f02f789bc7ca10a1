// A person's own e-mail address: which source wins (MergeEmail) and the code that confirms a
// given one (EmailVerifier), on an in-memory store that keeps what the SQL one keeps.
#include "identity-svc/domain/email_verification.h"

#include <map>

#include "common/status.h"
#include "gtest/gtest.h"
#include "identity-svc/domain/email_address.h"
#include "tests/support/identity_fakes.h"
#include "wse/notify/v1/notify_service.pb.h"

namespace wse::identity {
namespace {

TEST(MergeEmailTest, ThePersonsOwnWordOutranksAnImport) {
  const EmailAddress none;
  const EmailAddress imported{"an@school.be", kEmailFromImport};
  const EmailAddress from_idp{"an@idp.be", kEmailFromIdp};
  const EmailAddress verified{"an@thuis.be", kEmailVerified};
  // An import fills or replaces an imported address, and may clear it.
  EXPECT_EQ(MergeEmail(none, imported), imported);
  EXPECT_EQ(MergeEmail(imported, EmailAddress{"an@nieuw.be", kEmailFromImport}),
            (EmailAddress{"an@nieuw.be", kEmailFromImport}));
  EXPECT_EQ(MergeEmail(imported, EmailAddress{"", kEmailFromImport}), none);
  // ...but never replaces nor clears what the person gave.
  EXPECT_EQ(MergeEmail(from_idp, imported), from_idp);
  EXPECT_EQ(MergeEmail(verified, imported), verified);
  EXPECT_EQ(MergeEmail(verified, EmailAddress{"", kEmailFromImport}), verified);
  // The provider's claim fills, replaces an import or its own earlier claim...
  EXPECT_EQ(MergeEmail(none, from_idp), from_idp);
  EXPECT_EQ(MergeEmail(imported, from_idp), from_idp);
  EXPECT_EQ(MergeEmail(EmailAddress{"oud@idp.be", kEmailFromIdp}, from_idp), from_idp);
  // ...but not an address the person confirmed here with a code; an empty claim changes nothing.
  EXPECT_EQ(MergeEmail(verified, from_idp), verified);
  EXPECT_EQ(MergeEmail(imported, EmailAddress{"", kEmailFromIdp}), imported);
  // A confirmed address always wins.
  EXPECT_EQ(MergeEmail(from_idp, verified), verified);
  EXPECT_EQ(MergeEmail(imported, verified), verified);
  // Rows from before sources were recorded count as imported.
  EXPECT_EQ(MergeEmail(EmailAddress{"an@school.be", ""}, from_idp), from_idp);
  EXPECT_EQ(MergeEmail(EmailAddress{"an@school.be", ""}, EmailAddress{"", kEmailFromIdp}),
            imported);
}

TEST(MergeEmailTest, PlausibleAddresses) {
  EXPECT_TRUE(IsPlausibleEmail("an.peeters@school.be"));
  EXPECT_FALSE(IsPlausibleEmail(""));
  EXPECT_FALSE(IsPlausibleEmail("an.peeters"));
  EXPECT_FALSE(IsPlausibleEmail("@school.be"));
  EXPECT_FALSE(IsPlausibleEmail("an@school"));
  EXPECT_FALSE(IsPlausibleEmail("an@@school.be"));
  EXPECT_FALSE(IsPlausibleEmail("an peeters@school.be"));
  EXPECT_FALSE(IsPlausibleEmail("an@school.be\r\nBcc: x@y.z"));
  EXPECT_FALSE(IsPlausibleEmail(std::string(320, 'a') + "@school.be"));
}

class EmailVerifierTest : public ::testing::Test {
 protected:
  EmailVerifierTest() {
    who_.person.id = "p1";
    who_.person.given_name = "An";
    who_.person.family_name = "Peeters";
    who_.person.preferred_locale = "fr";
    who_.session.id = "s1";
    who_.session.key_type = "ITSME";
  }

  notify::v1::SendMailRequest LastMail() {
    notify::v1::SendMailRequest mail;
    EXPECT_FALSE(store_.outbox.empty());
    if (!store_.outbox.empty()) {
      EXPECT_TRUE(mail.ParseFromString(store_.outbox.back().payload));
    }
    return mail;
  }

  absl::Time now_ = absl::FromUnixSeconds(1800000000);
  int codes_ = 0;
  testing::FakeEmailVerificationStore store_;
  EmailVerifier verifier_{store_, EmailVerificationPolicy{}, [this] { return now_; },
                          [this] { return "00000" + std::to_string(++codes_ % 10); }};
  VerifyingPerson who_;
};

TEST_F(EmailVerifierTest, TheMailedCodeConfirmsTheAddress) {
  auto started = verifier_.Start(who_, "an@thuis.be");
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->expire_time, now_ + absl::Minutes(15));
  auto mail = LastMail();
  EXPECT_EQ(mail.template_id(), "email-verification");
  EXPECT_EQ(mail.recipients(0).email_address(), "an@thuis.be");
  EXPECT_EQ(mail.locale(), "fr");
  EXPECT_EQ(mail.parameters().at("code"), "000001");
  EXPECT_EQ(mail.parameters().at("valid_minutes"), "15");
  EXPECT_EQ(mail.source_event().find("an@thuis.be"), std::string::npos) << "no address in logs";
  // Only the hash is stored; the audit names the address masked.
  EXPECT_EQ(store_.rows["p1"].code_hash.find("000001"), std::string::npos);
  EXPECT_EQ(store_.audits.back().action, "EMAIL_VERIFICATION_STARTED");
  EXPECT_EQ(store_.audits.back().details, "a***@thuis.be");

  auto verified = verifier_.Verify(who_, "000001");
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->email_address, "an@thuis.be");
  EXPECT_EQ(store_.audits.back().action, "EMAIL_ADDRESS_VERIFIED");
  // A code works once.
  auto again = verifier_.Verify(who_, "000001");
  EXPECT_EQ(ReasonOf(again.status()), "EMAIL_VERIFICATION_NOT_STARTED");
}

TEST_F(EmailVerifierTest, AWrongCodeCountsAndTheFifthVoidsIt) {
  ASSERT_TRUE(verifier_.Start(who_, "an@thuis.be").ok());
  for (int i = 1; i <= 4; ++i) {
    auto wrong = verifier_.Verify(who_, "999999");
    ASSERT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ReasonOf(wrong.status()), "VERIFICATION_CODE_MISMATCH");
    ASSERT_EQ(FieldViolationsOf(wrong.status()).size(), 1u);
    EXPECT_EQ(FieldViolationsOf(wrong.status())[0].field, "code");
    EXPECT_EQ(store_.rows["p1"].failed_attempts, i) << "the failure is stored, not rolled back";
  }
  auto fifth = verifier_.Verify(who_, "999998");
  EXPECT_EQ(fifth.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(fifth.status()), "EMAIL_VERIFICATION_ATTEMPTS_EXHAUSTED");
  // Even the right code no longer works: guessing stops at five.
  auto right = verifier_.Verify(who_, "000001");
  EXPECT_EQ(ReasonOf(right.status()), "EMAIL_VERIFICATION_NOT_STARTED");
  EXPECT_TRUE(store_.persons.empty());
}

TEST_F(EmailVerifierTest, ACodeExpiresAfterFifteenMinutes) {
  ASSERT_TRUE(verifier_.Start(who_, "an@thuis.be").ok());
  now_ += absl::Minutes(15) - absl::Microseconds(1);
  ASSERT_TRUE(verifier_.Start(who_, "an@thuis.be").ok());  // A new code replaces the first.
  EXPECT_EQ(ReasonOf(verifier_.Verify(who_, "000001").status()), "VERIFICATION_CODE_MISMATCH");
  now_ += absl::Minutes(15);
  auto late = verifier_.Verify(who_, "000002");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(late.status()), "EMAIL_VERIFICATION_EXPIRED");
}

TEST_F(EmailVerifierTest, AtMostFiveCodesAnHour) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(verifier_.Start(who_, "an@thuis.be").ok()) << i;
    now_ += absl::Minutes(1);
  }
  auto sixth = verifier_.Start(who_, "an@thuis.be");
  EXPECT_EQ(sixth.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(sixth.status()), "EMAIL_VERIFICATION_CODES_EXHAUSTED");
  EXPECT_EQ(store_.outbox.size(), 5u) << "no mail for a refused code";
  now_ += absl::Minutes(55);  // The hour since the first code is over.
  EXPECT_TRUE(verifier_.Start(who_, "an@thuis.be").ok());
}

TEST_F(EmailVerifierTest, BadInputIsAFieldViolation) {
  for (const std::string bad : {"", "geen-adres", "a b@c.be", "x@y.be\nBcc: z@q.be"}) {
    auto started = verifier_.Start(who_, bad);
    EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    ASSERT_EQ(FieldViolationsOf(started.status()).size(), 1u) << bad;
    EXPECT_EQ(FieldViolationsOf(started.status())[0].field, "email_address");
  }
  for (const std::string bad : {"", "12345", "1234567", "12a456", "１２３４５６"}) {
    auto verified = verifier_.Verify(who_, bad);
    EXPECT_EQ(verified.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    ASSERT_EQ(FieldViolationsOf(verified.status()).size(), 1u);
    EXPECT_EQ(FieldViolationsOf(verified.status())[0].field, "code");
  }
  EXPECT_TRUE(store_.outbox.empty());
}

TEST(VerificationCodeTest, SixDigits) {
  for (int i = 0; i < 200; ++i) {
    const std::string code = NewVerificationCode();
    ASSERT_EQ(code.size(), 6u) << code;
    EXPECT_EQ(code.find_first_not_of("0123456789"), std::string::npos) << code;
  }
}

}  // namespace
}  // namespace wse::identity
