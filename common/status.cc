#include "common/status.h"

#include "absl/strings/cord.h"
#include "google/rpc/error_details.pb.h"

namespace wse {
namespace {

constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kLocalizedUrl[] = "type.googleapis.com/google.rpc.LocalizedMessage";

template <typename Message>
bool ReadPayload(const absl::Status& status, const char* url, Message* out) {
  auto payload = status.GetPayload(url);
  return payload.has_value() && out->ParseFromString(std::string(*payload));
}

}  // namespace

ErrorBuilder::ErrorBuilder(absl::StatusCode code, std::string message)
    : code_(code), message_(std::move(message)) {}

ErrorBuilder& ErrorBuilder::Violation(std::string field, std::string description) {
  violations_.push_back({std::move(field), std::move(description)});
  return *this;
}

ErrorBuilder& ErrorBuilder::Reason(std::string reason,
                                   std::vector<std::pair<std::string, std::string>> metadata) {
  reason_ = std::move(reason);
  metadata_ = std::move(metadata);
  return *this;
}

ErrorBuilder& ErrorBuilder::Dutch(std::string message) {
  dutch_ = std::move(message);
  return *this;
}

absl::Status ErrorBuilder::Build() const {
  absl::Status status(code_, message_);
  if (!violations_.empty()) {
    google::rpc::BadRequest bad_request;
    for (const auto& v : violations_) {
      auto* fv = bad_request.add_field_violations();
      fv->set_field(v.field);
      fv->set_description(v.description);
    }
    status.SetPayload(kBadRequestUrl, absl::Cord(bad_request.SerializeAsString()));
  }
  if (!reason_.empty()) {
    google::rpc::ErrorInfo info;
    info.set_reason(reason_);
    info.set_domain(std::string(kErrorDomain));
    for (const auto& [key, value] : metadata_) (*info.mutable_metadata())[key] = value;
    status.SetPayload(kErrorInfoUrl, absl::Cord(info.SerializeAsString()));
  }
  if (!dutch_.empty()) {
    google::rpc::LocalizedMessage localized;
    localized.set_locale("nl-BE");
    localized.set_message(dutch_);
    status.SetPayload(kLocalizedUrl, absl::Cord(localized.SerializeAsString()));
  }
  return status;
}

absl::Status InvalidArgument(std::vector<FieldViolation> violations) {
  ErrorBuilder builder(absl::StatusCode::kInvalidArgument,
                       violations.size() == 1
                           ? violations[0].field + ": " + violations[0].description
                           : "the request has invalid fields");
  for (auto& v : violations) builder.Violation(std::move(v.field), std::move(v.description));
  return builder.Reason("INVALID_ARGUMENT")
      .Dutch("De aanvraag bevat ongeldige gegevens. Controleer de aangeduide velden.")
      .Build();
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  google::rpc::BadRequest bad_request;
  if (ReadPayload(status, kBadRequestUrl, &bad_request)) {
    for (const auto& fv : bad_request.field_violations()) {
      out.push_back({fv.field(), fv.description()});
    }
  }
  return out;
}

std::string ReasonOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  return ReadPayload(status, kErrorInfoUrl, &info) ? info.reason() : std::string();
}

std::string DutchMessageOf(const absl::Status& status) {
  google::rpc::LocalizedMessage localized;
  return ReadPayload(status, kLocalizedUrl, &localized) ? localized.message() : std::string();
}

}  // namespace wse
