#pragma once
// The mail registration-svc promises: the ontvangstbevestiging to the person who confirmed (or
// corrected, or withdrew), as an outbox message (a serialized wse.notify.v1.SendMailRequest; the
// relay adds the idempotency key). Template id and parameters are notify-svc's contract
// (notify-svc/templates/registration-receipt/).

#include <string>

#include "common/outbox_message.h"
#include "registration-svc/domain/model.h"

namespace wse::registration {

OutboxMessage ReceiptMail(const RegistrationVersionRecord& version, const std::string& reference);

}  // namespace wse::registration
