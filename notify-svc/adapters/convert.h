#pragma once
// notify-svc records <-> wse.notify.v1 messages, resource names and page tokens.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "notify-svc/domain/model.h"
#include "notify-svc/domain/template_catalog.h"
#include "wse/notify/v1/notify_service.pb.h"

namespace wse::notify {

std::string MessageName(uint64_t id);
// `messages/{id}` -> id; INVALID_ARGUMENT on `field` when malformed.
absl::StatusOr<uint64_t> MessageIdFromName(absl::string_view name, absl::string_view field);

void ToProto(const MessageRecord& record, v1::Message* out);
void ToProto(const TemplateInfo& info, v1::Template* out);
v1::MessageState StateToProto(MessageState state);

// Opaque page tokens: `kind` tells list kinds apart so one list's token fails on another.
std::string EncodePageToken(absl::string_view kind, absl::string_view position);
// The position; INVALID_ARGUMENT on `page_token` for a token not made by EncodePageToken(kind).
absl::StatusOr<std::string> DecodePageToken(absl::string_view kind, absl::string_view token);

}  // namespace wse::notify
