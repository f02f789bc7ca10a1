#include "notify-svc/adapters/smtp_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace wse::notify {
namespace {

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadChunk(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

CurlSmtpSender::CurlSmtpSender(SmtpOptions options) : options_(std::move(options)) { GlobalInit(); }

CurlSmtpSender::~CurlSmtpSender() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* CurlSmtpSender::Borrow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void CurlSmtpSender::Return(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(handle);
}

SendResult CurlSmtpSender::Send(const std::string& envelope_from,
                                const std::vector<std::string>& rcpt, const std::string& data) {
  SendResult result;
  CURL* curl = static_cast<CURL*>(Borrow());
  if (curl == nullptr) {
    result.error = "libcurl: cannot create a handle";
    return result;
  }
  curl_slist* recipients = nullptr;
  for (const std::string& r : rcpt) recipients = curl_slist_append(recipients, r.c_str());
  Upload upload{&data};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  // Options are set anew on every use: the handle keeps only its connection cache.
  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, envelope_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, &ReadChunk);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  if (options_.require_starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, CURLUSESSL_ALL);
  if (!options_.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  }
  const CURLcode code = curl_easy_perform(curl);
  long reply = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
  curl_slist_free_all(recipients);
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_READDATA, nullptr);
  result.smtp_code = static_cast<int>(reply);
  if (code == CURLE_OK) {
    result.sent = true;
    Return(curl);
    return result;
  }
  result.permanent = reply >= 500 && reply <= 599;
  result.error = absl::StrCat(curl_easy_strerror(code), error_buffer[0] != '\0' ? ": " : "",
                              error_buffer, reply > 0 ? absl::StrCat(" (SMTP ", reply, ")") : "");
  // After a failure the connection's state is unknown: start the next mail on a fresh one.
  curl_easy_cleanup(curl);
  return result;
}

}  // namespace wse::notify
