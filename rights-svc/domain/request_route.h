#pragma once
// Whether 'Gebruikersrecht aanvragen' can reach someone, decided once for the 'Aanvraag' screen
// (ExplainPermission) and for the request itself (CreateAccessRequest), so the screen never
// offers a button whose request is then refused.
//
// A request is mailed to the organisation's local administrators other than the requester, and
// the answer is mailed to the requester: both ends need an address. A local administrator with
// nobody else to ask grants the right to themselves in gebruikersbeheer; calling 1700 would only
// send them back there.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "identity-svc/client/identity_client.h"
#include "rights-svc/domain/catalogue.h"
#include "rights-svc/domain/rights_manager.h"

namespace wse::rights {

enum class RequestObstacle {
  kNone,                      // The request can be made now.
  kNotRequestable,            // No role of the permission can be requested.
  kPending,                   // The person already waits for an answer.
  kGrantYourself,             // The person is the only local administrator left to ask, and
                              // local administrators may grant the role.
  kNoReachableAdministrator,  // Nobody else administers with a known address: call 1700.
  kRequesterEmailUnknown,     // The answer could not be mailed: give and confirm an address.
};

struct RequestRoute {
  RequestObstacle obstacle = RequestObstacle::kNone;
  // The administrators the request is mailed to (never the requester), when kNone.
  std::vector<identity::PersonInfo> recipients;
};

// `role`: the role the request would be for; nullptr when none can be requested.
RequestRoute DecideRequestRoute(const std::vector<LocalAdministrator>& administrators,
                                const identity::PersonInfo& requester, const RoleDef* role,
                                bool pending);

// The refusal CreateAccessRequest answers for an obstacle other than kNone and kPending
// (FAILED_PRECONDITION with a reason and the Dutch text the screen shows too).
absl::Status RequestRefused(RequestObstacle obstacle);

// The Dutch text for the screen and the refusal.
std::string ObstacleText(RequestObstacle obstacle);

}  // namespace wse::rights
