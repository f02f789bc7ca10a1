#pragma once
// Building absl::Status values that carry google.rpc error details.
//
// Details travel inside the absl::Status as payloads keyed by their Any type URL
// ("type.googleapis.com/google.rpc.BadRequest", ...), holding the serialized message. The gRPC edge
// (grpc_status.h) packs every payload into google.rpc.Status.details unchanged, so domain code
// never touches gRPC types and a real client sees standard details.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace wse {

inline constexpr absl::string_view kErrorDomain = "wse.vlaanderen.be";

struct FieldViolation {
  std::string field;        // Path in the request, e.g. "participants[3].insz".
  std::string description;  // What is wrong, for the developer.
};

// Fluent builder: ErrorBuilder(absl::StatusCode::kInvalidArgument, "bad request")
//     .Violation("insz", "check digits do not match").Reason("INVALID_INSZ")
//     .Dutch("Het rijksregisternummer is ongeldig.").Build();
class ErrorBuilder {
 public:
  ErrorBuilder(absl::StatusCode code, std::string message);

  ErrorBuilder& Violation(std::string field, std::string description);
  // UPPER_SNAKE machine-readable reason (google.rpc.ErrorInfo) with optional metadata.
  ErrorBuilder& Reason(std::string reason,
                       std::vector<std::pair<std::string, std::string>> metadata = {});
  // The message a front end can show the user (google.rpc.LocalizedMessage, locale nl-BE).
  ErrorBuilder& Dutch(std::string message);

  absl::Status Build() const;
  operator absl::Status() const { return Build(); }  // NOLINT: builder reads as a status.

 private:
  absl::StatusCode code_;
  std::string message_;
  std::vector<FieldViolation> violations_;
  std::string reason_;
  std::vector<std::pair<std::string, std::string>> metadata_;
  std::string dutch_;
};

// INVALID_ARGUMENT with one field violation per entry and reason INVALID_ARGUMENT.
absl::Status InvalidArgument(std::vector<FieldViolation> violations);

// Reads back what ErrorBuilder stored (used by tests and by clients of other services).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);
std::string ReasonOf(const absl::Status& status);
std::string DutchMessageOf(const absl::Status& status);

}  // namespace wse
