#include "registration-svc/domain/names.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace wse::registration {
namespace {

bool ValidId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

absl::Status Malformed(absl::string_view field, absl::string_view pattern) {
  return InvalidArgument({{std::string(field), absl::StrCat("must look like ", pattern)}});
}

// Splits `name` on '/' and checks the fixed collection segments of `pattern` (e.g.
// {"organizations", "", "drafts", ""}: empty entries are ids).
absl::StatusOr<std::vector<std::string>> Segments(absl::string_view name,
                                                  const std::vector<absl::string_view>& pattern,
                                                  absl::string_view field,
                                                  absl::string_view shown) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != pattern.size()) return Malformed(field, shown);
  std::vector<std::string> ids;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (pattern[i].empty()) {
      if (!ValidId(parts[i])) return Malformed(field, shown);
      ids.push_back(parts[i]);
    } else if (parts[i] != pattern[i]) {
      return Malformed(field, shown);
    }
  }
  return ids;
}

absl::StatusOr<int> Version(absl::string_view text, absl::string_view field,
                            absl::string_view shown) {
  int version = 0;
  if (text.empty() || text.size() > 9 || !absl::SimpleAtoi(text, &version) || version < 1) {
    return Malformed(field, shown);
  }
  return version;
}

}  // namespace

absl::StatusOr<std::string> ParseOrganization(absl::string_view name, absl::string_view field) {
  ASSIGN_OR_RETURN(auto ids,
                   Segments(name, {"organizations", ""}, field, "organizations/{organization_id}"));
  return (ids)[0];
}

std::string NormalizeOdbNumber(absl::string_view odb_number) {
  return absl::AsciiStrToUpper(odb_number);
}

absl::StatusOr<std::string> ParseTraining(absl::string_view name, absl::string_view field) {
  ASSIGN_OR_RETURN(auto ids, Segments(name, {"trainings", ""}, field, "trainings/{odb_number}"));
  return NormalizeOdbNumber(ids[0]);
}

absl::StatusOr<OrgChild> ParseDraft(absl::string_view name, absl::string_view field) {
  ASSIGN_OR_RETURN(auto ids, Segments(name, {"organizations", "", "drafts", ""}, field,
                                      "organizations/{organization_id}/drafts/{draft_id}"));
  return OrgChild{(ids)[0], (ids)[1]};
}

absl::StatusOr<ParticipantName> ParseParticipant(absl::string_view name, absl::string_view field) {
  ASSIGN_OR_RETURN(auto ids,
                   Segments(name, {"organizations", "", "drafts", "", "participants", ""}, field,
                            "organizations/{organization_id}/drafts/{draft_id}/participants/"
                            "{participant_id}"));
  return ParticipantName{(ids)[0], (ids)[1], (ids)[2]};
}

absl::StatusOr<VersionName> ParseRegistration(absl::string_view name, absl::string_view field,
                                              bool allow_version) {
  const absl::string_view shown =
      allow_version ? "organizations/{organization_id}/registrations/{registration_id}[@{version}]"
                    : "organizations/{organization_id}/registrations/{registration_id}";
  VersionName parsed;
  absl::string_view base = name;
  if (const size_t at = name.find('@'); at != absl::string_view::npos) {
    if (!allow_version) return Malformed(field, shown);
    ASSIGN_OR_RETURN(auto version, Version(name.substr(at + 1), field, shown));
    parsed.version = version;
    base = name.substr(0, at);
  }
  ASSIGN_OR_RETURN(auto ids,
                   Segments(base, {"organizations", "", "registrations", ""}, field, shown));
  parsed.organization_id = (ids)[0];
  parsed.registration_id = (ids)[1];
  return parsed;
}

absl::StatusOr<VersionName> ParseReceipt(absl::string_view name, absl::string_view field) {
  const absl::string_view shown =
      "organizations/{organization_id}/registrations/{registration_id}/receipts/{version}";
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 6 || parts[4] != "receipts") return Malformed(field, shown);
  ASSIGN_OR_RETURN(auto version, Version(parts[5], field, shown));
  ASSIGN_OR_RETURN(auto ids,
                   Segments(absl::StrCat(parts[0], "/", parts[1], "/", parts[2], "/", parts[3]),
                            {"organizations", "", "registrations", ""}, field, shown));
  return VersionName{(ids)[0], (ids)[1], version};
}

std::string OrganizationName(absl::string_view id) { return absl::StrCat("organizations/", id); }
std::string TrainingName(absl::string_view odb_number) {
  return absl::StrCat("trainings/", odb_number);
}
std::string DraftName(absl::string_view organization_id, absl::string_view id) {
  return absl::StrCat("organizations/", organization_id, "/drafts/", id);
}
std::string RegistrationName(absl::string_view organization_id, absl::string_view id) {
  return absl::StrCat("organizations/", organization_id, "/registrations/", id);
}
std::string RegistrationVersionName(absl::string_view organization_id, absl::string_view id,
                                    int version) {
  return absl::StrCat(RegistrationName(organization_id, id), "@", version);
}
std::string ReceiptName(absl::string_view organization_id, absl::string_view id, int version) {
  return absl::StrCat(RegistrationName(organization_id, id), "/receipts/", version);
}

}  // namespace wse::registration
