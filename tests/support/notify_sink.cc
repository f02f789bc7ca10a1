#include "tests/support/notify_sink.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

std::string DecodeWords(const std::string& value) {
  std::string out;
  for (absl::string_view word :
       absl::StrSplit(value, absl::ByAnyChar(" \r\n\t"), absl::SkipEmpty())) {
    std::string decoded;
    if (absl::ConsumePrefix(&word, "=?UTF-8?B?") && absl::ConsumeSuffix(&word, "?=") &&
        absl::Base64Unescape(word, &decoded)) {
      out += decoded;
    } else {
      if (!out.empty()) out += " ";
      out += std::string(word);
    }
  }
  return out;
}

// The base64 part following the Content-Type line of `type`.
std::string DecodePart(const std::string& data, absl::string_view type) {
  const size_t at = data.find(absl::StrCat("Content-Type: ", type));
  if (at == std::string::npos) return "";
  const size_t start = data.find("\r\n\r\n", at);
  if (start == std::string::npos) return "";
  std::string b64 = data.substr(start + 4, data.find("\r\n--", start + 4) - start - 4);
  b64.erase(std::remove_if(b64.begin(), b64.end(), [](char c) { return c == '\r' || c == '\n'; }),
            b64.end());
  std::string decoded;
  absl::Base64Unescape(b64, &decoded);
  return decoded;
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

}  // namespace

DecodedMail DecodeStoredMail(const std::string& path) {
  DecodedMail mail;
  mail.path = path;
  const std::string data = ReadFile(path);
  const std::string head = data.substr(0, data.find("\r\n\r\n"));
  std::string name;
  for (absl::string_view line : absl::StrSplit(head, "\r\n")) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      mail.headers[name] += absl::StrCat("\r\n", line);
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    name = std::string(line.substr(0, colon));
    mail.headers[name] = std::string(absl::StripLeadingAsciiWhitespace(line.substr(colon + 1)));
  }
  mail.rcpt_to = mail.headers["X-Sink-Rcpt-To"];
  mail.subject = DecodeWords(mail.headers["Subject"]);
  mail.text_body = DecodePart(data, "text/plain");
  mail.html_body = DecodePart(data, "text/html");
  return mail;
}

std::vector<std::string> StoredMailFiles(const std::string& maildir) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(maildir, error)) {
    const std::string name = entry.path().filename().string();
    if (absl::EndsWith(name, ".eml") && name[0] != '.') files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

PrivateSmtpSink::PrivateSmtpSink()
    : dir_(MakeTempDir("wse-sink-")), maildir_(dir_ + "/mail"), port_(FreePort()) {
  std::filesystem::create_directories(maildir_);
}

PrivateSmtpSink::~PrivateSmtpSink() {
  Stop();
  std::error_code error;
  std::filesystem::remove_all(dir_, error);
}

bool PrivateSmtpSink::Start() {
  auto process =
      ChildProcess::Start({"/usr/bin/python3", StackEnv::Get().root + "/deploy/local/smtp_sink.py",
                           "--port", absl::StrCat(port_), "--maildir", maildir_},
                          dir_ + "/sink.log");
  if (!process.ok()) return false;
  process_.emplace(*std::move(process));
  return WaitFor([&] { return Accepts(port_); }, absl::Seconds(10));
}

void PrivateSmtpSink::Stop() {
  if (!process_) return;
  process_->Signal(SIGTERM);
  if (!process_->Wait(absl::Seconds(5))) process_->Signal(SIGKILL);
  process_.reset();
}

void PrivateSmtpSink::Delay(absl::Duration per_mail) {
  const std::string flag = dir_ + "/smtp_delay";
  if (per_mail > absl::ZeroDuration()) {
    std::ofstream(flag) << absl::ToDoubleSeconds(per_mail) << "\n";
  } else {
    std::filesystem::remove(flag);
  }
}

void PrivateSmtpSink::Reject(bool on) {
  const std::string flag = dir_ + "/smtp_reject";
  if (on) {
    std::ofstream(flag).put('\n');
  } else {
    std::filesystem::remove(flag);
  }
}

}  // namespace wse::testing
