#include "registration-svc/domain/mails.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/identifiers.h"
#include "notify-svc/client/notify_client.h"
#include "registration-svc/domain/belgian_time.h"
#include "registration-svc/domain/school_year.h"
#include "registration-svc/domain/vov_rules.h"
#include "wse/notify/v1/notify_service.pb.h"

namespace wse::registration {

namespace {

// Lines of the mail's hours per participant; beyond this many, the receipt in the loket has them.
constexpr size_t kMailedHourLines = 50;
// notify-svc takes at most 10,000 bytes per parameter: names are cut, and the list stops well
// below that.
constexpr size_t kMailedNameBytes = 60;
constexpr size_t kMailedHoursBytes = 8000;

// "85.07.30-***.** An Peeters: 36", one per participant: the hours each certificate counts for,
// which the employer holds against the participant's yearly maximum. Only numbers and names, so
// every locale's template labels them in its own words.
std::string ParticipantHours(const RegistrationVersionRecord& version) {
  std::string text;
  size_t shown = 0;
  for (; shown < version.participants.size() && shown < kMailedHourLines; ++shown) {
    const RegisteredParticipant& p = version.participants[shown];
    std::string name = p.display_name;
    if (name.size() > kMailedNameBytes) {
      name.resize(kMailedNameBytes);
      // Not in the middle of a UTF-8 sequence.
      while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80) {
        name.pop_back();
      }
      if (!name.empty() && (static_cast<unsigned char>(name.back()) & 0x80) != 0) name.pop_back();
      name += "...";
    }
    const std::string line = absl::StrCat(MaskInsz(p.input.insz), name.empty() ? "" : " ", name,
                                          ": ", DutchHours(p.counted_hours));
    if (text.size() + line.size() + 1 > kMailedHoursBytes) break;
    absl::StrAppend(&text, shown == 0 ? "" : "\n", line);
  }
  if (version.participants.size() > shown) {
    absl::StrAppend(&text, "\n+ ", version.participants.size() - shown, " ...");
  }
  return text;
}

}  // namespace

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
  params["participant_hours"] = ParticipantHours(version);
  return notify::MailOutboxMessage(mail);
}

}  // namespace wse::registration
