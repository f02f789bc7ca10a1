#pragma once
// Gebruikersbeheer: work relations, grants, access requests ('Gebruikersrecht aanvragen'), local
// administrators and the audit trail, with the rules of the portal:
// - only a local administrator of the organisation (a LOKALE_BEHEERDER grant, or a legal
//   representative) manages its work relations, grants and requests (operators may too);
// - rights need an active work relation (legal representatives excepted): granting and approving
//   require one, and a grant counts (checks, membership, local administrators) only while its
//   holder has one, so ending the relation, or its end date passing, ends the access;
// - a local administrator grants only roles of the catalogue marked grantable by them;
// - nobody decides their own request; no change may leave the organisation without a local
//   administrator sooner than before (administrators.h), counted under locks in the transaction;
// - requesting a right mails every local administrator with a known e-mail address, in the same
//   transaction as the request (outbox); without one the request is refused with the 1700
//   guidance; deciding it mails the requester;
// - every change is an audit event of the organisation's hash chain, in the same transaction.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/request_context.h"
#include "identity-svc/client/identity_client.h"
#include "rights-svc/domain/actor.h"
#include "rights-svc/domain/administrators.h"
#include "rights-svc/domain/catalogue.h"
#include "rights-svc/domain/denial_budget.h"
#include "rights-svc/domain/store.h"

namespace wse::rights {

struct Validity {
  std::optional<absl::Time> from;   // Default: now.
  std::optional<absl::Time> until;  // Default: open-ended.
};

struct LocalAdministrator {
  identity::PersonInfo person;
  bool legal_representative = false;
  std::string grant_id;  // Empty for legal representatives without a grant.
};

// The stored key of a client's idempotency key: scoped to who sent it for which organisation
// (SHA-256 hex of "<organisation>/<actor>/<request_id>"), so one person's request id can never
// answer with what another person created.
std::string ScopedRequestId(const Actor& actor, const std::string& organization_id,
                            const std::string& request_id);

class RightsManager {
 public:
  RightsManager(RightsStore& store, identity::IdentityClient& directory, const Catalogue& catalogue,
                std::function<absl::Time()> clock = absl::Now);

  // --- work relations (werkrelaties)
  absl::StatusOr<WorkRelationRecord> CreateWorkRelation(const Actor& actor,
                                                        const std::string& organization_id,
                                                        WorkRelationRecord relation,
                                                        const std::string& request_id,
                                                        const RequestContext& call);
  absl::StatusOr<WorkRelationRecord> UpdateWorkRelation(const Actor& actor,
                                                        const std::string& organization_id,
                                                        const std::string& id, int64_t version,
                                                        const Validity& validity,
                                                        const RequestContext& call);
  absl::StatusOr<WorkRelationRecord> EndWorkRelation(const Actor& actor,
                                                     const std::string& organization_id,
                                                     const std::string& id, int64_t version,
                                                     std::optional<absl::Time> end,
                                                     const std::string& reason,
                                                     const RequestContext& call);

  // --- grants (rechten)
  absl::StatusOr<GrantRecord> CreateGrant(const Actor& actor, const std::string& organization_id,
                                          GrantRecord grant, const std::string& request_id,
                                          const RequestContext& call);
  absl::StatusOr<GrantRecord> UpdateGrant(const Actor& actor, const std::string& organization_id,
                                          const std::string& id, int64_t version,
                                          const Validity& validity, const RequestContext& call);
  absl::StatusOr<GrantRecord> RevokeGrant(const Actor& actor, const std::string& organization_id,
                                          const std::string& id, int64_t version,
                                          const std::string& reason, const RequestContext& call);

  // --- access requests ('Gebruikersrecht aanvragen')
  absl::StatusOr<AccessRequestRecord> CreateAccessRequest(
      const Actor& actor, const std::string& organization_id, const std::string& role,
      const std::string& context, const std::string& reason, const std::string& request_id,
      const RequestContext& call);
  absl::StatusOr<std::pair<AccessRequestRecord, GrantRecord>> ApproveAccessRequest(
      const Actor& actor, const std::string& organization_id, const std::string& id,
      int64_t version, const Validity& validity, const RequestContext& call);
  absl::StatusOr<AccessRequestRecord> RejectAccessRequest(const Actor& actor,
                                                          const std::string& organization_id,
                                                          const std::string& id, int64_t version,
                                                          const std::string& reason,
                                                          const RequestContext& call);
  absl::StatusOr<AccessRequestRecord> WithdrawAccessRequest(const Actor& actor,
                                                            const std::string& organization_id,
                                                            const std::string& id, int64_t version,
                                                            const RequestContext& call);
  // Mails holders whose grants end within the catalogue's notice period (once per grant);
  // returns how many were told.
  absl::StatusOr<int> NotifyExpiringGrants(const RequestContext& call, int limit = 100);
  // Expires due PENDING requests and mails their requesters; returns how many.
  absl::StatusOr<int> ExpireAccessRequests(const RequestContext& call, int limit = 100);

  // --- local administrators ('lokale beheerder') and authority
  absl::StatusOr<std::vector<LocalAdministrator>> LocalAdministrators(
      const std::string& organization_id, const RequestContext& call);
  // OK when the actor may manage the organisation (PERMISSION_DENIED, audited, otherwise).
  absl::Status RequireManager(const Actor& actor, const std::string& organization_id,
                              const RequestContext& call);

  // Records a refused call on the caller's side: an ACCESS_DENIED event in the trail of the
  // organisation the caller acts for (naming the organisation it asked for as target), never in
  // the named one, which an outsider must not be able to write into and which may not exist;
  // without one (a personal token) a log line. At most 20 per caller and minute (DenialBudget).
  void RecordDenial(const Actor& actor, const std::string& named_organization_id,
                    const std::string& reason, const RequestContext& call);

  // Appends one audit event to the organisation's chain inside `tx`.
  absl::Status Audit(RightsTransaction& tx, const Actor& actor, const std::string& organization_id,
                     std::string action, std::string subject, std::string target,
                     std::string reason, std::map<std::string, std::string> details = {});

  RightsStore& store() { return store_; }
  identity::IdentityClient& directory() { return directory_; }
  const Catalogue& catalogue() const { return catalogue_; }

 private:
  // The catalogue's role `role_code`, when users may request it in `context`.
  absl::StatusOr<const RoleDef*> RequestableRole(const std::string& role_code,
                                                 const std::string& context) const;
  absl::StatusOr<bool> IsLocalAdministrator(const std::string& person_id,
                                            const std::string& organization_id,
                                            const RequestContext& call);
  absl::Status CheckGrantable(const Actor& actor, const GrantRecord& grant) const;
  // The person's pending requests for the grant's role and context, approved by it (in the
  // grant's transaction): they would otherwise expire, and mail so, though the right is held.
  absl::Status CloseRequestsFulfilledBy(RightsTransaction& tx, const Actor& actor,
                                        const GrantRecord& grant, absl::Time now);
  absl::StatusOr<bool> HasActiveWorkRelation(RightsTransaction& tx,
                                             const std::string& organization_id,
                                             const std::string& person_id, absl::Time now);
  // FAILED_PRECONDITION NO_WORK_RELATION unless the person has an active work relation or is a
  // legal representative.
  absl::Status RequireWorkRelation(RightsTransaction& tx, const std::string& organization_id,
                                   const std::string& person_id,
                                   const std::vector<std::string>& legal_representatives,
                                   absl::Time now);
  // The organisation's legal representatives per the directory (none when it does not know the
  // organisation). Asked before a transaction: the directory is remote.
  absl::StatusOr<std::vector<std::string>> LegalRepresentatives(const std::string& organization_id,
                                                                const RequestContext& call);
  // Locks the organisation's local-administrator grants and reads their holders' work relations
  // (administrators.h). Every change that can end an administrator calls it first in its
  // transaction, and then checks that the actor (not an operator) still is one: the check before
  // the transaction may have raced with the actor's own removal.
  absl::StatusOr<AdministratorFacts> LockAdministrators(
      RightsTransaction& tx, const Actor& actor, const std::string& organization_id,
      std::vector<std::string> legal_representatives, absl::Time now);

  RightsStore& store_;
  identity::IdentityClient& directory_;
  const Catalogue& catalogue_;
  std::function<absl::Time()> clock_;
  DenialBudget denials_;
};

// A fresh opaque id (32 hex characters).
std::string NewRightsId();

}  // namespace wse::rights
