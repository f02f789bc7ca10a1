#pragma once
// The authorization matrix of issue 9: every RPC of every service (enumerated from the generated
// descriptors, so a new RPC without a row fails the unit test) x every kind of caller, with the
// status each cell must answer.
//
// A cell states the answer we consider right (`want`). Where the services answer something else
// today and that looks wrong, the cell also names the current answer (`now`) and why it is wrong;
// the e2e test then accepts `now`, prints the deviation, and fails once the service answers
// `want` (so the mark is removed with the fix). WSE_AUTHZ_STRICT=1 makes every deviation fail.

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "grpcpp/support/status.h"

namespace wse::testing::security {

enum Principal {
  kNoToken,      // No authorization header at all.
  kTampered,     // The with-right user's org token with one signature byte flipped.
  kExpired,      // The same claims, iat/exp 20/10 minutes ago, signed with the stack's real key.
  kUnknownKey,   // The same claims signed with a fresh key whose kid is not in the JWKS.
  kPersonal,     // The with-right user, personal context (no organisation selected).
  kOtherOrg,     // Local administrator of organisation B who also holds the VOV right there.
  kNoRight,      // Member of A (work relation) without any grant.
  kWithRight,    // Member of A with DWSE_ORGANISATIEVERANTWOORDELIJKE / opleidingsverlof.
  kLocalAdmin,   // Legal representative of A (local administrator), no VOV right.
  kOperator,     // The operator / service token.
  kPrincipalCount,
};

const char* PrincipalName(Principal p);
const char* ShortCode(grpc::StatusCode code);

struct Cell {
  grpc::StatusCode want = grpc::StatusCode::OK;
  std::optional<grpc::StatusCode> now;  // Today's (wrong) answer, if it differs from `want`.
  std::string why;                      // Why `now` is wrong.
};

using Cells = std::array<Cell, kPrincipalCount>;

// What the e2e fixture created; the request builders name these resources.
struct World {
  std::string org_a, org_b;                      // organizations/{id}
  std::string kbo_a;
  std::string admin_a, no_right_a, with_right_a;  // persons/{id}
  std::string spare1_a, spare2_a, admin_b;
  std::string with_right_insz, with_right_session;  // sessions/{id} of the with-right org token
  std::string training_a, training_b;               // trainings/{odb}
  std::string draft_a, participant_a, draft_b;      // resource names
  std::string registration_a, receipt_a;
  std::string work_relation_a, grant_a, access_request_a;
  std::string message;                               // messages/{id} (notify)
  std::string probe_email;                           // recipient of the notify probe mail
  std::string run_id;                                // unique per run (request ids, keys)
  std::array<std::string, kPrincipalCount> tokens;   // bearer token per principal ("" = none)
  // Open RPCs get fresh credentials of their own (ID token, refresh token) per call.
  std::function<std::string()> fresh_id_token;
  std::function<std::string()> fresh_refresh_token;
};

using Messages = std::vector<std::unique_ptr<google::protobuf::Message>>;

struct Row {
  std::string service;  // Full service name, e.g. "wse.rights.v1.RightsService".
  std::string method;   // Method name, e.g. "ListGrants".
  std::string target;   // Which service process answers: identity, rights, registration, notify.
  Cells cells;
  // The request(s): one for unary methods, header + batches for client streaming.
  std::function<Messages(const World&, Principal)> request;
  // Set when an answer may name the other organisation's data by design (with the reason).
  std::string foreign_data_allowed;
  // Logout ends sessions: such rows run after every other row.
  bool run_last = false;
  // For envoy's ext_authz Check: the decision is in the answer, not in the call's status.
  std::function<grpc::StatusCode(const google::protobuf::Message&)> decision;
};

// Every row, in a stable order.
const std::vector<Row>& MatrixRows();

// The services whose every method must have a row.
const std::vector<std::string>& CoveredServices();

}  // namespace wse::testing::security
