#pragma once
// A client's request_id names one request: a retry sends the same request again and gets the
// first answer; the same request_id with a different request is a client bug (or a guess at
// someone else's key) and is refused. The stores keep a fingerprint of the request beside the
// request_id (SHA-256 over the fields that define it, as the client sent them, before defaults
// such as "now" are filled in, so a retry later on still matches).

#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace wse {

// Hex SHA-256 of the fields, each length-prefixed (so ("ab","c") and ("a","bc") differ).
std::string RequestFingerprint(std::initializer_list<absl::string_view> fields);

// INVALID_ARGUMENT on `request_id`, reason REQUEST_ID_REUSED: the key was recorded for another
// request. Not retryable: send the earlier request unchanged, or use a new request_id.
absl::Status RequestIdReused();

// OK when the key was recorded for this request, or before fingerprints were kept (empty).
absl::Status CheckSameRequest(absl::string_view recorded, absl::string_view fingerprint);

}  // namespace wse
