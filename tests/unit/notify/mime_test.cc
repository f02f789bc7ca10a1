// The MIME message: headers, RFC 2047 subjects, base64 parts that decode to the bodies.
#include "notify-svc/domain/mime.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "notify-svc/domain/backoff.h"

namespace wse::notify {
namespace {

// Decodes =?UTF-8?B?...?= words (what a mail reader does), joining folded lines.
std::string DecodeHeader(const std::string& value) {
  std::string out;
  for (absl::string_view word :
       absl::StrSplit(value, absl::ByAnyChar(" \r\n"), absl::SkipEmpty())) {
    std::string decoded;
    if (absl::ConsumePrefix(&word, "=?UTF-8?B?") && absl::ConsumeSuffix(&word, "?=") &&
        absl::Base64Unescape(word, &decoded)) {
      out += decoded;
    }
  }
  return out;
}

TEST(MimeTest, PlainAsciiHeadersStayReadable) {
  EXPECT_EQ(EncodeHeaderText("Your request was approved"), "Your request was approved");
  EXPECT_EQ(FormatAddress({"a@example.be", ""}), "a@example.be");
  EXPECT_EQ(FormatAddress({"a@example.be", "An Peeters"}), "An Peeters <a@example.be>");
  EXPECT_EQ(FormatAddress({"a@example.be", "Peeters, An \"x\""}),
            "\"Peeters, An \\\"x\\\"\" <a@example.be>");
}

TEST(MimeTest, NonAsciiSubjectIsEncodedInShortWordsOnCharacterBoundaries) {
  const std::string subject =
      "Ontvangstbevestiging – registratie Vlaams opleidingsverlof é à ü ß € 🎓 lange tekst "
      "om het vouwen te testen";
  const std::string encoded = EncodeHeaderText(subject);
  for (absl::string_view line : absl::StrSplit(encoded, "\r\n")) {
    EXPECT_LE(absl::StripLeadingAsciiWhitespace(line).size(), 75u);
  }
  EXPECT_EQ(DecodeHeader(encoded), subject);
  // Every word decodes to valid UTF-8 on its own (no split sequence).
  for (absl::string_view word :
       absl::StrSplit(encoded, absl::ByAnyChar(" \r\n"), absl::SkipEmpty())) {
    std::string decoded;
    ASSERT_TRUE(absl::ConsumePrefix(&word, "=?UTF-8?B?") && absl::ConsumeSuffix(&word, "?="));
    ASSERT_TRUE(absl::Base64Unescape(word, &decoded));
    EXPECT_NE(static_cast<unsigned char>(decoded[0]) & 0xC0, 0x80);
  }
}

TEST(MimeTest, MessageHasHeadersAndTwoBase64Parts) {
  MimeMail mail;
  mail.from = {"no-reply@wse-loket.vlaanderen.be", "WSE-loket"};
  mail.to = {{"an@example.be", "An Peeters"}, {"bo@example.be", ""}};
  mail.subject = "Uw aanvraag is goedgekeurd – één stap";
  mail.text_body = "Beste An,\n\nGoedgekeurd: é.\n";
  mail.html_body = "<p>Beste An,</p>";
  mail.message_id = "wse-notify.7.abc@wse-loket.vlaanderen.be";
  mail.date = absl::FromUnixSeconds(1767225600);  // 2026-01-01 00:00:00 UTC.
  const std::string data = BuildMimeMessage(mail, "=_wse_7_1");
  EXPECT_TRUE(absl::StartsWith(data, "From: WSE-loket <no-reply@wse-loket.vlaanderen.be>\r\n"));
  EXPECT_TRUE(absl::StrContains(data, "To: An Peeters <an@example.be>,\r\n bo@example.be\r\n"));
  EXPECT_TRUE(absl::StrContains(data, "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"));
  EXPECT_TRUE(
      absl::StrContains(data, "Message-ID: <wse-notify.7.abc@wse-loket.vlaanderen.be>\r\n"));
  EXPECT_TRUE(absl::StrContains(data, "MIME-Version: 1.0\r\n"));
  EXPECT_TRUE(
      absl::StrContains(data, "Content-Type: multipart/alternative; boundary=\"=_wse_7_1\"\r\n"));
  EXPECT_TRUE(absl::StrContains(data, "Content-Type: text/plain; charset=UTF-8\r\n"));
  EXPECT_TRUE(absl::StrContains(data, "Content-Type: text/html; charset=UTF-8\r\n"));
  EXPECT_TRUE(absl::StrContains(data, "\r\n--=_wse_7_1--\r\n"));
  const size_t subject_at = data.find("Subject: ") + 9;
  const std::string subject = data.substr(subject_at, data.find("\r\nDate:") - subject_at);
  EXPECT_EQ(DecodeHeader(subject), mail.subject);
  // The text part decodes to the body with CRLF line ends.
  const size_t start = data.find("\r\n\r\n", data.find("text/plain")) + 4;
  std::string b64 = data.substr(start, data.find("\r\n--", start) - start);
  b64.erase(std::remove(b64.begin(), b64.end(), '\r'), b64.end());
  b64.erase(std::remove(b64.begin(), b64.end(), '\n'), b64.end());
  std::string text;
  ASSERT_TRUE(absl::Base64Unescape(b64, &text));
  EXPECT_EQ(text, "Beste An,\r\n\r\nGoedgekeurd: é.\r\n");
  for (absl::string_view line : absl::StrSplit(data, "\r\n")) EXPECT_LE(line.size(), 78u);
}

TEST(MimeTest, EmailAddressValidation) {
  for (const char* ok : {"an@example.be", "an.peeters+vov@sub.example-school.be", "a_b@x.io"}) {
    EXPECT_TRUE(IsValidEmailAddress(ok)) << ok;
  }
  for (const char* bad : {"", "an", "an@", "@example.be", "an@example", "an peeters@example.be",
                          "an@exa mple.be", "an@-x.be", "an..b@example.be", "an@example.be\r\n",
                          "<an@example.be>", "é@example.be", "an@example.be,bo@example.be"}) {
    EXPECT_FALSE(IsValidEmailAddress(bad)) << bad;
  }
}

TEST(BackoffTest, ExponentialWithEqualJitterAndCap) {
  const BackoffPolicy policy{absl::Seconds(2), absl::Seconds(60)};
  EXPECT_EQ(BackoffDelay(policy, 1, 0.0), absl::Seconds(1));
  EXPECT_LT(BackoffDelay(policy, 1, 0.999999), absl::Seconds(2));
  EXPECT_EQ(BackoffDelay(policy, 3, 0.0), absl::Seconds(4));    // 8s nominal.
  EXPECT_EQ(BackoffDelay(policy, 10, 0.0), absl::Seconds(30));  // Capped at 60s.
  EXPECT_EQ(BackoffDelay(policy, 1000, 0.5), absl::Seconds(45));
  for (int attempt = 1; attempt <= 12; ++attempt) {
    const absl::Duration nominal =
        std::min(absl::Seconds(2) * (1 << (attempt - 1)), absl::Seconds(60));
    for (int i = 0; i < 200; ++i) {
      const absl::Duration d = BackoffDelay(policy, attempt, UnitRandom());
      EXPECT_GE(d, nominal / 2);
      EXPECT_LE(d, nominal);
    }
  }
}

}  // namespace
}  // namespace wse::notify
