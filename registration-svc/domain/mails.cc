#include "registration-svc/domain/mails.h"

#include "absl/strings/str_cat.h"
#include "notify-svc/client/notify_client.h"
#include "registration-svc/domain/belgian_time.h"
#include "registration-svc/domain/school_year.h"
#include "wse/notify/v1/notify_service.pb.h"

namespace wse::registration {

OutboxMessage ReceiptMail(const RegistrationVersionRecord& version, const std::string& reference) {
  notify::v1::SendMailRequest mail;
  mail.set_template_id("registration-receipt");
  mail.set_source_event(absl::StrCat("registration/organizations/", version.organization_id,
                                     "/registrations/", version.registration_id, "/receipts/",
                                     version.version));
  auto* recipient = mail.add_recipients();
  recipient->set_person("persons/" + version.submitted_by);
  recipient->set_display_name(version.submitted_by_name);
  auto& params = *mail.mutable_parameters();
  params["submitter_name"] = version.submitted_by_name;
  params["organization_name"] = version.organization_name;
  params["training_title"] = version.training_title;
  params["odb_number"] = version.odb_number;
  params["school_year"] = SchoolYear::StartingIn(version.school_year).ToString();
  params["reference"] = reference;
  params["submit_time"] = BelgianTime(version.submit_time);
  params["participant_count"] = absl::StrCat(version.summary.participant_count);
  params["content_sha256"] = version.content_sha256;
  return notify::MailOutboxMessage(mail);
}

}  // namespace wse::registration
