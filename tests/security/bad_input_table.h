#pragma once
// The table of bad requests (bad_input_table.cc): one row per request that a caller who may make
// the call sends with one bad field, and the answer it must get. The e2e test
// (bad_input_test.cc) sends every row to the test stack; the unit test checks that every row
// names a real method and that its request parses, without a stack.
//
// Requests are protobuf text format with placeholders, expanded per call by ExpandRequest:
//   ${org} ${draft} ${etag} ${odb} ${user}  the fixture's organisation, draft (and its etag),
//                                           training and with-right user (resource names)
//   ${sql}     SQL metacharacters             ${hex}  16 fresh hex digits (request ids, keys)
//   ${insz}    a fresh valid INSZ             ${huge} 5 MiB (past the 4 MiB message limit)
//   ${utf8}    a slot that the caller replaces by invalid UTF-8 on the wire (see kUtf8Slot)
//   ${c*N}     the character c, N times (for example ${x*201})

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/status.h"

namespace wse::testing::security {

enum class Caller {
  kNone,           // No token: the open RPCs.
  kOperator,       // The operator token.
  kAdministrator,  // The organisation's local administrator.
  kUser,           // A member with the VOV right, acting for the organisation.
};

struct BadRequest {
  BadRequest(std::string what_, std::string method_, Caller caller_, grpc::StatusCode want_,
             std::string field_, std::string request_, std::string overrides_ = "")
      : what(std::move(what_)),
        method(std::move(method_)),
        caller(caller_),
        want(want_),
        field(std::move(field_)),
        request(std::move(request_)),
        overrides(std::move(overrides_)) {}

  std::string what;
  std::string method;  // "<area>.<Service>/<Method>", e.g. "rights.RightsService/ListGrants".
  Caller caller;
  grpc::StatusCode want;
  // For INVALID_ARGUMENT: a field violation on this path or below it ("participant.attendance"
  // covers "participant.attendance.hours_present", not "participant.attendances").
  std::string field;
  std::string request;    // Text format with placeholders.
  std::string overrides;  // Merged over `request` (same format): the one spoiled field.
};

// 8 bytes in the request text that stand for 8 bytes of invalid UTF-8 on the wire.
inline constexpr char kUtf8Slot[] = "UTF8SLOT";
inline constexpr char kInvalidUtf8[] = "\xff\xfe\xc3\x28\xa0\xa1\xe2\x28";

std::vector<BadRequest> BadRequests();

// What the placeholders stand for in one run.
struct Fixture {
  std::string org, draft, etag, odb, user;
};

// The method's full gRPC path ("/wse.rights.v1.RightsService/ListGrants") and which service
// process answers it ("rights").
std::string PathOf(const BadRequest& row);
std::string ServiceOf(const BadRequest& row);

// The row's request, placeholders expanded and overrides merged, serialized for the wire with
// ${utf8} turned into invalid UTF-8. An error names what did not parse.
absl::StatusOr<std::string> WireRequest(const BadRequest& row, const Fixture& fixture);

// Whether `violation` (a field path) is `field` or lies below it.
bool FieldCovers(const std::string& field, const std::string& violation);

}  // namespace wse::testing::security
