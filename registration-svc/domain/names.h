#pragma once
// Resource names of the registration API (AIP-122), parsed and built in one place. A malformed
// name is INVALID_ARGUMENT on the request field it came from.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wse::registration {

struct OrgChild {
  std::string organization_id;
  std::string id;
};

struct ParticipantName {
  std::string organization_id;
  std::string draft_id;
  std::string participant_id;
};

struct VersionName {
  std::string organization_id;
  std::string registration_id;
  int version = 0;  // 0: the latest (no "@{version}").
};

absl::StatusOr<std::string> ParseOrganization(absl::string_view name, absl::string_view field);
// ODB numbers compare case-insensitively: held in capitals ("odb-x1" is "ODB-X1").
std::string NormalizeOdbNumber(absl::string_view odb_number);
// "trainings/{odb_number}", the number normalised.
absl::StatusOr<std::string> ParseTraining(absl::string_view name, absl::string_view field);
absl::StatusOr<OrgChild> ParseDraft(absl::string_view name, absl::string_view field);
absl::StatusOr<ParticipantName> ParseParticipant(absl::string_view name, absl::string_view field);
// "organizations/{o}/registrations/{r}" or with "@{version}" when `allow_version`.
absl::StatusOr<VersionName> ParseRegistration(absl::string_view name, absl::string_view field,
                                              bool allow_version);
// "organizations/{o}/registrations/{r}/receipts/{version}".
absl::StatusOr<VersionName> ParseReceipt(absl::string_view name, absl::string_view field);

std::string OrganizationName(absl::string_view id);
std::string TrainingName(absl::string_view odb_number);
std::string DraftName(absl::string_view organization_id, absl::string_view id);
std::string RegistrationName(absl::string_view organization_id, absl::string_view id);
std::string RegistrationVersionName(absl::string_view organization_id, absl::string_view id,
                                    int version);
std::string ReceiptName(absl::string_view organization_id, absl::string_view id, int version);

}  // namespace wse::registration
