#pragma once
// Building the RFC 5322 / MIME message handed to SMTP: multipart/alternative with a text/plain
// and a text/html part, both UTF-8 and base64 (any byte survives any relay, lines stay short),
// headers From, To, Subject (RFC 2047 encoded-words when not plain ASCII), Date, Message-ID,
// MIME-Version. Lines end in CRLF.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wse::notify {

struct MailAddress {
  std::string email;
  std::string display_name;  // Optional.
};

struct MimeMail {
  MailAddress from;
  std::vector<MailAddress> to;
  std::string subject;
  std::string text_body;
  std::string html_body;
  std::string message_id;  // Without angle brackets: "local@domain".
  absl::Time date = absl::UnixEpoch();
};

// The whole message; `boundary` separates the parts (must not occur in base64 output: any
// string with a character outside the base64 alphabet, e.g. "=_wse_<random>", is safe).
std::string BuildMimeMessage(const MimeMail& mail, absl::string_view boundary);

// An unstructured header value: itself when printable ASCII, else UTF-8 B encoded-words of at
// most 75 characters, folded with CRLF SP, never splitting a UTF-8 sequence.
std::string EncodeHeaderText(absl::string_view text);

// "Name <email>" with the name quoted or encoded as needed; just "email" without a name.
std::string FormatAddress(const MailAddress& address);

// Base64 in lines of 76 characters, each ended with CRLF.
std::string Base64Lines(absl::string_view data);

// A plain ASCII addr-spec we can hand to SMTP: local@domain, no spaces or specials, a dotted
// domain of letters, digits and hyphens, at most 254 characters.
bool IsValidEmailAddress(absl::string_view address);

}  // namespace wse::notify
