#include "tests/support/mail_sink.h"

#include <dirent.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "tests/support/process.h"

namespace wse::testing {

std::vector<SinkMail> MailsTo(const std::string& maildir, const std::string& address) {
  std::vector<SinkMail> out;
  DIR* dir = opendir(maildir.c_str());
  if (dir == nullptr) return out;
  while (dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (!absl::EndsWith(name, ".eml") || absl::StartsWith(name, ".")) continue;
    SinkMail mail{maildir + "/" + name, ReadFile(maildir + "/" + name)};
    const std::string envelope = mail.content.substr(0, mail.content.find("\r\n\r\n"));
    const auto rcpt = envelope.find("X-Sink-Rcpt-To:");
    if (rcpt == std::string::npos) continue;
    const std::string line = envelope.substr(rcpt, envelope.find('\n', rcpt) - rcpt);
    if (absl::StrContains(line, address)) out.push_back(std::move(mail));
  }
  closedir(dir);
  std::sort(out.begin(), out.end(),
            [](const SinkMail& a, const SinkMail& b) { return a.path < b.path; });
  return out;
}

std::vector<SinkMail> WaitForMailsTo(const std::string& maildir, const std::string& address,
                                     size_t count, absl::Duration timeout) {
  std::vector<SinkMail> mails;
  WaitFor(
      [&] {
        mails = MailsTo(maildir, address);
        return mails.size() >= count;
      },
      timeout);
  return mails;
}

}  // namespace wse::testing
