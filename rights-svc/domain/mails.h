#pragma once
// The mails rights-svc promises, as outbox messages (serialized wse.notify.v1.SendMailRequest;
// the relay adds the idempotency key). Template ids and parameters are notify-svc's contract.

#include <string>

#include "common/outbox_message.h"
#include "identity-svc/client/identity_client.h"
#include "rights-svc/domain/catalogue.h"
#include "rights-svc/domain/model.h"

namespace wse::rights {

struct MailContext {
  const RoleDef& role;
  const std::string& organization_name;
  const identity::PersonInfo& requester;
};

// To one local administrator: 'a user asks for a right in your organisation'.
OutboxMessage AccessRequestSubmittedMail(const AccessRequestRecord& request,
                                         const MailContext& context,
                                         const identity::PersonInfo& admin);
// To the requester: granted / refused (with the reason) / expired.
OutboxMessage AccessRequestApprovedMail(const AccessRequestRecord& request,
                                        const MailContext& context);
OutboxMessage AccessRequestRejectedMail(const AccessRequestRecord& request,
                                        const MailContext& context);
OutboxMessage AccessRequestExpiredMail(const AccessRequestRecord& request,
                                       const MailContext& context);

// To a person a local administrator granted a right directly ('grant-created').
OutboxMessage GrantCreatedMail(const GrantRecord& grant, const RoleDef& role,
                               const std::string& organization_name,
                               const identity::PersonInfo& holder);

// To the holder of a grant that ends soon ('grant-expiring').
OutboxMessage GrantExpiringMail(const GrantRecord& grant, const RoleDef& role,
                                const std::string& organization_name,
                                const identity::PersonInfo& holder);

}  // namespace wse::rights
