#include "rights-svc/domain/mails.h"

#include "absl/time/time.h"
#include "notify-svc/client/notify_client.h"
#include "wse/notify/v1/notify_service.pb.h"

namespace wse::rights {
namespace {

notify::v1::SendMailRequest Base(const std::string& template_id, const AccessRequestRecord& request,
                                 const MailContext& context) {
  notify::v1::SendMailRequest mail;
  mail.set_template_id(template_id);
  mail.set_source_event("rights/organizations/" + request.organization_id + "/accessRequests/" +
                        request.id);
  auto& params = *mail.mutable_parameters();
  params["requester_name"] = context.requester.display_name;
  params["organization_name"] = context.organization_name;
  params["role_label"] = context.role.label;
  params["context"] = context.role.ContextLabel(request.context);
  return mail;
}

void To(const identity::PersonInfo& person, notify::v1::SendMailRequest* mail) {
  auto* recipient = mail->add_recipients();
  recipient->set_email_address(person.email_address);
  recipient->set_display_name(person.display_name);
  mail->set_locale(person.preferred_locale);
}

// A mail about a grant, to its holder.
notify::v1::SendMailRequest GrantBase(const std::string& template_id, const GrantRecord& grant,
                                      const RoleDef& role, const std::string& organization_name,
                                      const identity::PersonInfo& holder) {
  notify::v1::SendMailRequest mail;
  mail.set_template_id(template_id);
  mail.set_source_event("rights/organizations/" + grant.organization_id + "/grants/" + grant.id);
  auto& params = *mail.mutable_parameters();
  params["person_name"] = holder.display_name;
  params["organization_name"] = organization_name;
  params["role_label"] = role.label;
  params["context"] = role.ContextLabel(grant.context);
  To(holder, &mail);
  return mail;
}

OutboxMessage AsOutbox(const notify::v1::SendMailRequest& mail) {
  return notify::MailOutboxMessage(mail);
}

}  // namespace

OutboxMessage AccessRequestSubmittedMail(const AccessRequestRecord& request,
                                         const MailContext& context,
                                         const identity::PersonInfo& admin) {
  auto mail = Base("access-request-submitted", request, context);
  (*mail.mutable_parameters())["reason"] = request.reason;
  To(admin, &mail);
  return AsOutbox(mail);
}

OutboxMessage AccessRequestApprovedMail(const AccessRequestRecord& request,
                                        const MailContext& context) {
  auto mail = Base("access-request-approved", request, context);
  To(context.requester, &mail);
  return AsOutbox(mail);
}

OutboxMessage AccessRequestRejectedMail(const AccessRequestRecord& request,
                                        const MailContext& context) {
  auto mail = Base("access-request-rejected", request, context);
  (*mail.mutable_parameters())["rejection_reason"] = request.rejection_reason;
  To(context.requester, &mail);
  return AsOutbox(mail);
}

OutboxMessage AccessRequestExpiredMail(const AccessRequestRecord& request,
                                       const MailContext& context) {
  auto mail = Base("access-request-expired", request, context);
  To(context.requester, &mail);
  return AsOutbox(mail);
}

OutboxMessage GrantCreatedMail(const GrantRecord& grant, const RoleDef& role,
                               const std::string& organization_name,
                               const identity::PersonInfo& holder) {
  return AsOutbox(GrantBase("grant-created", grant, role, organization_name, holder));
}

OutboxMessage GrantExpiringMail(const GrantRecord& grant, const RoleDef& role,
                                const std::string& organization_name,
                                const identity::PersonInfo& holder) {
  auto mail = GrantBase("grant-expiring", grant, role, organization_name, holder);
  // The date as the holder reads it: Brussels time (UTC+1 if the zone data is missing).
  absl::TimeZone brussels = absl::FixedTimeZone(3600);
  absl::LoadTimeZone("Europe/Brussels", &brussels);
  (*mail.mutable_parameters())["end_date"] =
      absl::FormatTime("%d/%m/%Y", *grant.valid_until, brussels);
  return AsOutbox(mail);
}

}  // namespace wse::rights
