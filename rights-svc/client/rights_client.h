#pragma once
// rights-svc as its callers see it: permission decisions on behalf of a person, and the
// memberships identity-svc needs to offer acting contexts. One interface for every consumer, free
// of gRPC so domain code can hold it; GrpcRightsClient (grpc_rights_client.h) is the real one,
// FakeRightsClient (fake_rights_client.h) the one unit tests use.
//
// Errors: on behalf of a person (CheckPermission, ExplainPermission: the caller's own bearer
// token is forwarded) UNAUTHENTICATED and PERMISSION_DENIED are the caller's and pass through;
// with the service's own token (memberships) they mean rights-svc cannot answer us. A caller's
// deadline that ran out is DEADLINE_EXCEEDED; anything else is UNAVAILABLE (retry later).
// Nothing is cached here: every decision is asked live; a caller that keeps answers does so under
// rights-svc's leases (CheckPermission's revision and reusable_for).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/request_context.h"

namespace wse::rights {

struct PermissionRule {
  std::string role;
  std::vector<std::string> contexts;
  bool requestable = false;  // The person may request this role.
  bool satisfied = false;
};

// Why 'Gebruikersrecht aanvragen' cannot be used (wse.rights.v1.AccessRequestObstacle).
enum class AccessRequestObstacle {
  kNone,
  kNotRequestable,
  kPending,
  kGrantYourself,             // The person is the only local administrator left to ask.
  kNoReachableAdministrator,  // Call 1700.
  kRequesterEmailUnknown,     // Give and confirm an e-mail address first.
};

struct PermissionExplanation {
  bool allowed = false;
  std::vector<PermissionRule> rules;
  std::string pending_access_request;    // Resource name of their open request, if any.
  bool access_request_possible = false;  // The request can be made now.
  AccessRequestObstacle obstacle = AccessRequestObstacle::kNone;  // Why not, when denied.
};

// CheckPermission's answer (wse.rights.v1.CheckPermissionResponse).
struct PermissionAnswer {
  bool allowed = false;
  int64_t revision = 0;  // The organisation's rights revision the answer was decided at.
  // How long the answer holds while the revision does not move; nullopt: never reuse it.
  std::optional<absl::Duration> reusable_for;
};

struct MembershipFacts {
  bool active_work_relation = false;
  bool active_grant = false;  // Counts only with an active work relation.
};

class RightsClient {
 public:
  virtual ~RightsClient() = default;

  virtual absl::StatusOr<PermissionAnswer> CheckPermission(const std::string& person_id,
                                                           const std::string& organization_id,
                                                           const std::string& permission,
                                                           const RequestContext& call) = 0;
  // The same for a caller that keeps the answer under rights-svc's lease (request.for_reuse):
  // decided on the organisation's current revision, with reusable_for set when it may be kept.
  virtual absl::StatusOr<PermissionAnswer> CheckPermissionForReuse(
      const std::string& person_id, const std::string& organization_id,
      const std::string& permission, const RequestContext& call) = 0;
  virtual absl::StatusOr<PermissionExplanation> ExplainPermission(
      const std::string& person_id, const std::string& organization_id,
      const std::string& permission, const RequestContext& call) = 0;

  virtual absl::StatusOr<MembershipFacts> CheckMembership(const std::string& person_id,
                                                          const std::string& organization_id,
                                                          const RequestContext& call) = 0;
  // Organisations where the person has an active work relation / an active grant.
  virtual absl::StatusOr<std::vector<std::string>> WorkRelationOrganizations(
      const std::string& person_id, const RequestContext& call) = 0;
  virtual absl::StatusOr<std::vector<std::string>> GrantOrganizations(
      const std::string& person_id, const RequestContext& call) = 0;
};

}  // namespace wse::rights
