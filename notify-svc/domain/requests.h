#pragma once
// SendMail requests: validation with field paths (wse::InvalidArgument) and conversion into the
// message to store, with the content fingerprint that idempotent repeats are compared by.

#include <string>

#include "absl/status/statusor.h"
#include "notify-svc/domain/model.h"
#include "notify-svc/domain/template_catalog.h"
#include "wse/notify/v1/notify_service.pb.h"

namespace wse::notify {

inline constexpr size_t kMaxIdempotencyKey = 200;
inline constexpr int kMaxRecipients = 50;
inline constexpr size_t kMaxParameterValue = 10000;

// Every violation at once, e.g. `recipients[1].email_address`, `parameters.reason`,
// `template_id`; OK and the message to store (QUEUED, not yet rendered) otherwise.
absl::StatusOr<MessageRecord> MessageFromRequest(const v1::SendMailRequest& request,
                                                 const TemplateCatalog& templates);

// SHA-256 (hex) of what the caller asked for: template, locale, recipients, parameters, source
// event. Equal for equal requests whatever the map order.
std::string ContentSha256(const MessageRecord& message);

}  // namespace wse::notify
