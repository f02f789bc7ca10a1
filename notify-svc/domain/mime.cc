#include "notify-svc/domain/mime.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/email_syntax.h"

namespace wse::notify {
namespace {

bool IsPlainAscii(absl::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return text.find("=?") == absl::string_view::npos;  // Would read as an encoded-word.
}

// Length of the longest prefix of `text` of at most `max` bytes that ends on a UTF-8 boundary.
size_t Utf8Prefix(absl::string_view text, size_t max) {
  if (text.size() <= max) return text.size();
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return n == 0 ? max : n;
}

// Text bodies in canonical form: every line break CRLF.
std::string CanonicalLines(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') continue;
    if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::string EncodeHeaderText(absl::string_view text) {
  if (IsPlainAscii(text)) return std::string(text);
  // 75 characters per encoded-word: 12 of "=?UTF-8?B?" + "?=" leave 63, i.e. 45 input bytes.
  std::vector<std::string> words;
  while (!text.empty()) {
    const size_t n = Utf8Prefix(text, 45);
    words.push_back(absl::StrCat("=?UTF-8?B?", absl::Base64Escape(text.substr(0, n)), "?="));
    text.remove_prefix(n);
  }
  return absl::StrJoin(words, "\r\n ");
}

std::string FormatAddress(const MailAddress& address) {
  if (address.display_name.empty()) return address.email;
  const std::string& name = address.display_name;
  std::string shown;
  if (!IsPlainAscii(name)) {
    shown = EncodeHeaderText(name);
  } else if (std::all_of(name.begin(), name.end(), [](char c) { return IsAtext(c) || c == ' '; })) {
    shown = name;
  } else {
    // A quoted-string: quote and backslash escaped.
    shown.push_back('"');
    for (char c : name) {
      if (c == '"' || c == '\\') shown.push_back('\\');
      shown.push_back(c);
    }
    shown.push_back('"');
  }
  return absl::StrCat(shown, " <", address.email, ">");
}

std::string Base64Lines(absl::string_view data) {
  const std::string encoded = absl::Base64Escape(data);
  std::string out;
  out.reserve(encoded.size() + encoded.size() / 38 + 2);
  for (size_t i = 0; i < encoded.size(); i += 76) {
    absl::StrAppend(&out, absl::string_view(encoded).substr(i, 76), "\r\n");
  }
  return out;
}

std::string BuildMimeMessage(const MimeMail& mail, absl::string_view boundary) {
  std::vector<std::string> to;
  for (const MailAddress& a : mail.to) to.push_back(FormatAddress(a));
  std::string out;
  absl::StrAppend(&out, "From: ", FormatAddress(mail.from), "\r\n");
  absl::StrAppend(&out, "To: ", absl::StrJoin(to, ",\r\n "), "\r\n");
  absl::StrAppend(&out, "Subject: ", EncodeHeaderText(mail.subject), "\r\n");
  absl::StrAppend(&out, "Date: ",
                  absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", mail.date, absl::UTCTimeZone()),
                  "\r\n");
  absl::StrAppend(&out, "Message-ID: <", mail.message_id, ">\r\n");
  absl::StrAppend(&out, "MIME-Version: 1.0\r\n");
  absl::StrAppend(&out, "Content-Type: multipart/alternative; boundary=\"", boundary, "\"\r\n");
  absl::StrAppend(&out, "\r\nThis is a multi-part message in MIME format.\r\n");
  const std::pair<const char*, const std::string*> parts[] = {{"text/plain", &mail.text_body},
                                                              {"text/html", &mail.html_body}};
  for (const auto& [type, body] : parts) {
    absl::StrAppend(&out, "\r\n--", boundary, "\r\n");
    absl::StrAppend(&out, "Content-Type: ", type, "; charset=UTF-8\r\n");
    absl::StrAppend(&out, "Content-Transfer-Encoding: base64\r\n\r\n");
    absl::StrAppend(&out, Base64Lines(CanonicalLines(*body)));
  }
  absl::StrAppend(&out, "\r\n--", boundary, "--\r\n");
  return out;
}

bool IsValidEmailAddress(absl::string_view address) { return IsDeliverableEmailAddress(address); }

}  // namespace wse::notify
