#include "rights-svc/mails.h"

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

void To(const PersonInfo& person, notify::v1::SendMailRequest* mail) {
  auto* recipient = mail->add_recipients();
  recipient->set_email_address(person.email_address);
  recipient->set_display_name(person.display_name);
  mail->set_locale(person.preferred_locale);
}

OutboxMessage AsOutbox(const notify::v1::SendMailRequest& mail) {
  return OutboxMessage{"mail", mail.SerializeAsString()};
}

}  // namespace

OutboxMessage AccessRequestSubmittedMail(const AccessRequestRecord& request,
                                         const MailContext& context, const PersonInfo& admin) {
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

}  // namespace wse::rights
