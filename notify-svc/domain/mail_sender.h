#pragma once
// Handing a message to a mail server: the seam the delivery workers use (tests substitute a
// fake; clients/smtp_sender.h speaks SMTP through libcurl).

#include <string>
#include <vector>

namespace wse::notify {

struct SendResult {
  bool sent = false;
  // The server refused for good (a 5xx reply): sending the same message again will not help.
  bool permanent = false;
  int smtp_code = 0;  // Last reply code; 0 when none was received (connection failure).
  std::string error;  // Empty when sent.
};

class MailSender {
 public:
  virtual ~MailSender() = default;
  // Thread-safe. `data` is the complete message (mime.h).
  virtual SendResult Send(const std::string& envelope_from, const std::vector<std::string>& rcpt,
                          const std::string& data) = 0;
};

}  // namespace wse::notify
