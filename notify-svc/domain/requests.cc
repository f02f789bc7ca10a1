#include "notify-svc/domain/requests.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "nlohmann/json.hpp"
#include "notify-svc/domain/mime.h"
#include "openssl/sha.h"

namespace wse::notify {
namespace {

bool HasControlCharacters(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// `persons/{id}` with the suite's opaque ids (common/resource_name.h).
bool IsPersonName(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "persons/")) return false;
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

bool IsParameterName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

// One recipient: an e-mail address, or a person looked up at delivery.
RecipientRecord RecipientFrom(const v1::Recipient& in, const std::string& path,
                              std::vector<FieldViolation>& violations) {
  RecipientRecord r;
  switch (in.address_case()) {
    case v1::Recipient::kEmailAddress:
      if (!IsValidEmailAddress(in.email_address())) {
        violations.push_back({path + ".email_address", "is not a valid e-mail address"});
      }
      r.address = in.email_address();
      r.resolved_email = in.email_address();
      break;
    case v1::Recipient::kPerson:
      if (!IsPersonName(in.person())) {
        violations.push_back({path + ".person", "must be persons/{person_id}"});
      }
      r.is_person = true;
      r.address = in.person();
      break;
    default:
      violations.push_back({path, "set email_address or person"});
  }
  if (in.display_name().size() > 200 || HasControlCharacters(in.display_name())) {
    violations.push_back({path + ".display_name", "at most 200 characters, on one line"});
  }
  r.display_name = in.display_name();
  return r;
}

}  // namespace

absl::StatusOr<MessageRecord> MessageFromRequest(const v1::SendMailRequest& request,
                                                 const TemplateCatalog& templates) {
  std::vector<FieldViolation> violations;
  MessageRecord message;
  if (request.idempotency_key().empty() || request.idempotency_key().size() > kMaxIdempotencyKey ||
      HasControlCharacters(request.idempotency_key())) {
    violations.push_back({"idempotency_key", "is required: 1-200 printable characters"});
  }
  const TemplateInfo* info = templates.Find(request.template_id());
  if (request.template_id().empty()) {
    violations.push_back({"template_id", "is required"});
  } else if (info == nullptr) {
    violations.push_back({"template_id", "is not a known template (see ListTemplates)"});
  }
  if (!request.locale().empty() && !IsSupportedLocale(request.locale())) {
    violations.push_back({"locale", "must be one of nl, fr, de, en (or empty)"});
  }
  if (request.recipients().empty()) {
    violations.push_back({"recipients", "at least one recipient is required"});
  } else if (request.recipients_size() > kMaxRecipients) {
    violations.push_back({"recipients", absl::StrCat("at most ", kMaxRecipients, " recipients")});
  }
  for (int i = 0; i < request.recipients_size() && i < kMaxRecipients; ++i) {
    message.recipients.push_back(
        RecipientFrom(request.recipients(i), absl::StrCat("recipients[", i, "]"), violations));
  }
  for (const auto& [name, value] : request.parameters()) {
    if (!IsParameterName(name)) {
      violations.push_back({"parameters." + name, "names are lower_snake_case, 1-64 characters"});
    } else if (value.size() > kMaxParameterValue) {
      violations.push_back({"parameters." + name, "at most 10000 bytes"});
    }
    message.parameters[name] = value;
  }
  if (info != nullptr) {
    for (const std::string& name : info->required_parameters) {
      if (request.parameters().find(name) == request.parameters().end()) {
        violations.push_back(
            {"parameters." + name, absl::StrCat("is required by template ", info->id)});
      }
    }
  }
  if (request.source_event().size() > 255 || HasControlCharacters(request.source_event())) {
    violations.push_back({"source_event", "at most 255 characters, on one line"});
  }
  if (!violations.empty()) return InvalidArgument(std::move(violations));
  message.idempotency_key = request.idempotency_key();
  message.template_id = request.template_id();
  message.requested_locale = request.locale();
  message.source_event = request.source_event();
  message.content_sha256 = ContentSha256(message);
  return message;
}

std::string ContentSha256(const MessageRecord& message) {
  nlohmann::json doc;
  doc["template_id"] = message.template_id;
  doc["locale"] = message.requested_locale;
  doc["source_event"] = message.source_event;
  doc["recipients"] = nlohmann::json::array();
  for (const RecipientRecord& r : message.recipients) {
    doc["recipients"].push_back({r.is_person ? "person" : "email", r.address, r.display_name});
  }
  doc["parameters"] = nlohmann::json::object();  // std::map: sorted keys.
  for (const auto& [name, value] : message.parameters) doc["parameters"][name] = value;
  const std::string canonical = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

}  // namespace wse::notify
