#include "notify-svc/adapters/convert.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"

namespace wse::notify {
namespace {

void SetTime(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

}  // namespace

std::string MessageName(uint64_t id) { return absl::StrCat("messages/", id); }

absl::StatusOr<uint64_t> MessageIdFromName(absl::string_view name, absl::string_view field) {
  uint64_t id = 0;
  if (!absl::ConsumePrefix(&name, "messages/") || !absl::SimpleAtoi(name, &id) || id == 0 ||
      name != absl::StrCat(id)) {
    return InvalidArgument({{std::string(field), "must be messages/{message_id}"}});
  }
  return id;
}

v1::MessageState StateToProto(MessageState state) {
  return static_cast<v1::MessageState>(static_cast<int>(state));
}

void ToProto(const MessageRecord& record, v1::Message* out) {
  out->set_name(MessageName(record.id));
  out->set_idempotency_key(record.idempotency_key);
  out->set_template_id(record.template_id);
  out->set_locale(record.rendered ? record.rendered->locale : record.requested_locale);
  for (const RecipientRecord& r : record.recipients) {
    v1::Recipient* recipient = out->add_recipients();
    if (r.is_person) {
      recipient->set_person(r.address);
    } else {
      recipient->set_email_address(r.address);
    }
    recipient->set_display_name(r.display_name);
    recipient->set_resolved_email_address(r.resolved_email);
  }
  for (const auto& [name, value] : record.parameters) (*out->mutable_parameters())[name] = value;
  out->set_source_event(record.source_event);
  if (record.rendered) out->set_subject(record.rendered->subject);
  out->set_state(StateToProto(record.state));
  out->set_attempt_count(record.attempt_count);
  out->set_last_error(record.last_error);
  if (record.state == MessageState::kQueued && record.due_time) {
    SetTime(*record.due_time, out->mutable_next_attempt_time());
  }
  SetTime(record.create_time, out->mutable_create_time());
  if (record.send_time) SetTime(*record.send_time, out->mutable_send_time());
  for (const DeliveryAttemptRecord& a : record.history) {
    v1::DeliveryAttempt* attempt = out->add_history();
    SetTime(a.attempt_time, attempt->mutable_attempt_time());
    attempt->set_outcome(static_cast<v1::DeliveryOutcome>(static_cast<int>(a.outcome)));
    attempt->set_smtp_code(a.smtp_code);
    attempt->set_error(a.error);
  }
}

void ToProto(const TemplateInfo& info, v1::Template* out) {
  out->set_name(absl::StrCat("templates/", info.id));
  out->set_template_id(info.id);
  out->set_description(info.description);
  for (const std::string& l : info.locales) out->add_locales(l);
  for (const std::string& p : info.required_parameters) out->add_required_parameters(p);
  for (const std::string& p : info.optional_parameters) out->add_optional_parameters(p);
}

std::string EncodePageToken(absl::string_view kind, absl::string_view position) {
  return absl::WebSafeBase64Escape(absl::StrCat(kind, ":", position));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view kind, absl::string_view token) {
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(token, &decoded) ||
      !absl::StartsWith(decoded, absl::StrCat(kind, ":"))) {
    return InvalidArgument({{"page_token", "is not a token of this list"}});
  }
  return decoded.substr(kind.size() + 1);
}

}  // namespace wse::notify
