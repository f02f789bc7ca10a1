#pragma once
// An in-memory NotifyClient for unit tests: keeps every mail by idempotency key (a second mail
// with a known key is a replay, as notify-svc answers it), and can be told to fail.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "notify-svc/client/notify_client.h"

namespace wse::notify {

class FakeNotifyClient final : public NotifyClient {
 public:
  absl::StatusOr<v1::SendMailResponse> SendMail(const v1::SendMailRequest& mail,
                                                const RequestContext&) override {
    ++calls;
    if (!fail_with.ok()) return fail_with;
    v1::SendMailResponse response;
    auto [it, added] = mails.emplace(mail.idempotency_key(), mail);
    response.set_replayed(!added);
    response.mutable_message()->set_name("messages/" + mail.idempotency_key());
    return response;
  }

  absl::StatusOr<std::vector<absl::StatusOr<v1::SendMailResponse>>> SendMails(
      const v1::SendMailsRequest& batch, const RequestContext& call) override {
    ++batch_calls;
    if (!fail_with.ok()) return fail_with;
    std::vector<absl::StatusOr<v1::SendMailResponse>> out;
    for (const v1::SendMailsItem& item : batch.mails()) {
      auto it = fail_keys.find(item.mail().idempotency_key());
      if (it != fail_keys.end()) {
        ++calls;
        out.push_back(it->second);
        continue;
      }
      out.push_back(SendMail(item.mail(), call));
      traceparents[item.mail().idempotency_key()] = item.traceparent();
    }
    return out;
  }

  std::map<std::string, v1::SendMailRequest> mails;  // By idempotency key.
  std::map<std::string, std::string> traceparents;   // SendMails' per mail, by key.
  std::map<std::string, absl::Status> fail_keys;     // SendMails answers these mails so.
  int batch_calls = 0;
  absl::Status fail_with;  // Answered instead when not OK.
  int calls = 0;           // Mails handed over, one by one or in batches.
};

}  // namespace wse::notify
