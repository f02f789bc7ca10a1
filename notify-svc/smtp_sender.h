#pragma once
// Handing a message to an SMTP server. MailSender is the seam the delivery workers use (tests
// substitute a fake); CurlSmtpSender speaks SMTP through libcurl.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"

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

struct SmtpOptions {
  // smtp://host:port (plain, or STARTTLS with require_starttls) or smtps://host:port (TLS).
  std::string url = "smtp://127.0.0.1:2525";
  bool require_starttls = false;
  std::string user;  // AUTH when non-empty.
  std::string password;
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration timeout = absl::Seconds(30);  // Whole transaction.
};

// Keeps one libcurl handle per concurrent sender (pooled), so each worker reuses its SMTP
// connection from message to message instead of connecting for every mail.
class CurlSmtpSender : public MailSender {
 public:
  explicit CurlSmtpSender(SmtpOptions options);
  ~CurlSmtpSender() override;
  SendResult Send(const std::string& envelope_from, const std::vector<std::string>& rcpt,
                  const std::string& data) override;

 private:
  void* Borrow();
  void Return(void* handle);

  const SmtpOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL* handles.
};

}  // namespace wse::notify
