#pragma once
// For the notify-svc tests: a stored mail of the SMTP sink (deploy/local/smtp_sink.py) parsed
// and decoded like a mail reader would, and a private sink process for fault tests.
// (mail_sink.h finds mails by recipient; this one also decodes headers and MIME parts.)

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/support/process.h"

namespace wse::testing {

struct DecodedMail {
  std::string path;
  std::string rcpt_to;                         // X-Sink-Rcpt-To: the envelope recipients.
  std::map<std::string, std::string> headers;  // Top-level headers, folding kept.
  std::string subject;                         // Decoded (RFC 2047).
  std::string text_body;                       // Decoded text/plain part.
  std::string html_body;                       // Decoded text/html part.
};

DecodedMail DecodeStoredMail(const std::string& path);
// The stored *.eml files of `maildir` (not the temporary ones), sorted.
std::vector<std::string> StoredMailFiles(const std::string& maildir);

// A private smtp_sink.py on a free port with its own folder: <dir>/mail, and the reject flag
// <dir>/smtp_reject (550 to every RCPT while it exists). Stopped on destruction.
class PrivateSmtpSink {
 public:
  PrivateSmtpSink();
  ~PrivateSmtpSink();
  bool Start();  // Waits until it accepts connections.
  void Stop();
  void Reject(bool on);
  // Answers each mail's DATA only after `per_mail` (a slow relay); zero: at once.
  void Delay(absl::Duration per_mail);
  int port() const { return port_; }
  const std::string& maildir() const { return maildir_; }

 private:
  std::string dir_, maildir_;
  int port_;
  std::optional<ChildProcess> process_;
};

}  // namespace wse::testing
