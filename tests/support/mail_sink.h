#pragma once
// Reading the mails the SMTP sink stored (one .eml file each, with X-Sink-Rcpt-To).
// Shared by the notify and rights tests (linked through wse_test_support).

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace wse::testing {

struct SinkMail {
  std::string path;
  std::string content;  // Headers and body as received.
};

// Every stored mail whose envelope recipients include `address`.
std::vector<SinkMail> MailsTo(const std::string& maildir, const std::string& address);
// Waits until at least `count` mails to `address` are stored; returns them (maybe fewer).
std::vector<SinkMail> WaitForMailsTo(const std::string& maildir, const std::string& address,
                                     size_t count, absl::Duration timeout);

}  // namespace wse::testing
