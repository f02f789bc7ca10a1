#pragma once
// Waiting until the mails a test caused have left the test stack: every outbox row of
// rights-svc and registration-svc and every notify-svc message created after a high-water mark
// is delivered (or final). Tests that cause mails call this before they end, so the mails do not
// land in a later test's window (seed_story_test counts every new mail).

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace wse::testing {

struct MailHighWater {
  uint64_t rights_outbox = 0;
  uint64_t registration_outbox = 0;
  uint64_t notify_messages = 0;
};

// The newest ids now.
MailHighWater CurrentMailHighWater();

// Waits until nothing created after `since` is still on its way; false (with what is pending in
// `pending`) after `timeout`.
bool WaitForMailQuiet(const MailHighWater& since, absl::Duration timeout, std::string* pending);

}  // namespace wse::testing
