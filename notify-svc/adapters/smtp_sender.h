#pragma once
// CurlSmtpSender: the MailSender that speaks SMTP through libcurl.

#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "notify-svc/domain/mail_sender.h"

namespace wse::notify {

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
