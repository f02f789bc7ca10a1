// The resource-name and school-year parsers of registration-svc (and common/resource_name) over
// arbitrary text: whatever parses must print back to a name that parses to the same parts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "common/resource_name.h"
#include "fuzz/fuzz_check.h"
#include "registration-svc/domain/names.h"
#include "registration-svc/domain/school_year.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wse::registration;  // NOLINT
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto org = ParseOrganization(text, "parent"); org.ok()) {
    auto again = ParseOrganization(OrganizationName(*org), "parent");
    FUZZ_CHECK(again.ok() && *again == *org);
  }
  if (auto odb = ParseTraining(text, "training"); odb.ok()) {
    auto again = ParseTraining(TrainingName(*odb), "training");
    FUZZ_CHECK(again.ok() && *again == *odb);
  }
  if (auto draft = ParseDraft(text, "name"); draft.ok()) {
    auto again = ParseDraft(DraftName(draft->organization_id, draft->id), "name");
    FUZZ_CHECK(again.ok() && again->organization_id == draft->organization_id &&
               again->id == draft->id);
  }
  if (auto participant = ParseParticipant(text, "name"); participant.ok()) {
    FUZZ_CHECK(!participant->organization_id.empty() && !participant->draft_id.empty() &&
               !participant->participant_id.empty());
  }
  for (bool allow_version : {false, true}) {
    auto registration = ParseRegistration(text, "name", allow_version);
    if (!registration.ok()) continue;
    FUZZ_CHECK(registration->version >= 0);
    FUZZ_CHECK(allow_version || registration->version == 0);
    const std::string printed =
        registration->version == 0
            ? RegistrationName(registration->organization_id, registration->registration_id)
            : RegistrationVersionName(registration->organization_id,
                                      registration->registration_id, registration->version);
    auto again = ParseRegistration(printed, "name", true);
    FUZZ_CHECK(again.ok() && again->organization_id == registration->organization_id &&
               again->registration_id == registration->registration_id &&
               again->version == registration->version);
  }
  if (auto receipt = ParseReceipt(text, "name"); receipt.ok()) {
    FUZZ_CHECK(receipt->version >= 1);
    auto again = ParseReceipt(
        ReceiptName(receipt->organization_id, receipt->registration_id, receipt->version), "name");
    FUZZ_CHECK(again.ok() && again->version == receipt->version &&
               again->registration_id == receipt->registration_id);
  }
  if (auto year = SchoolYear::Parse(text, "school_year"); year.ok()) {
    FUZZ_CHECK(year->first_year() >= SchoolYear::kMinYear &&
               year->first_year() <= SchoolYear::kMaxYear);
    auto again = SchoolYear::Parse(year->ToString(), "school_year");
    FUZZ_CHECK(again.ok() && *again == *year);
    FUZZ_CHECK(year->contains(year->start()) && year->contains(year->end()));
  }
  if (auto id = wse::IdFromName(text, "persons", "person"); id.ok()) {
    FUZZ_CHECK(!id->empty() && id->size() <= 64);
    auto again = wse::IdFromName("persons/" + *id, "persons", "person");
    FUZZ_CHECK(again.ok() && *again == *id);
  }
  return 0;
}
