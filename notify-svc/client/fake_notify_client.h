#pragma once
// An in-memory NotifyClient for unit tests: keeps every mail by idempotency key (a second mail
// with a known key is a replay, as notify-svc answers it), and can be told to fail.

#include <map>
#include <optional>
#include <string>

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

  std::map<std::string, v1::SendMailRequest> mails;  // By idempotency key.
  absl::Status fail_with;                            // Answered instead when not OK.
  int calls = 0;
};

}  // namespace wse::notify
