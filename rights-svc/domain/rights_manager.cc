// RightsManager: authority, audit, work relations and grants (access requests:
// access_requests.cc).
#include "rights-svc/domain/rights_manager.h"

#include <openssl/evp.h>

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log.h"
#include "common/request_fingerprint.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "rights-svc/domain/audit_chain.h"
#include "rights-svc/domain/mails.h"

namespace wse::rights {
namespace {

std::string NewId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x%016x", rng(), rng());
}

absl::Status NotManager() {
  return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                      "only a local administrator of this organisation may do this")
      .Reason("NOT_LOCAL_ADMINISTRATOR")
      .Dutch("Alleen een lokale beheerder van deze organisatie kan dit doen.");
}

absl::Status ValidityError(const Validity& v) {
  if (v.from && v.until && *v.until <= *v.from) {
    return InvalidArgument({{"validity.end_time", "must be after the start time"}});
  }
  return absl::OkStatus();
}

std::string RelationName(const std::string& org, const std::string& id) {
  return absl::StrCat("organizations/", org, "/workRelations/", id);
}

std::string GrantName(const std::string& org, const std::string& id) {
  return absl::StrCat("organizations/", org, "/grants/", id);
}

// A time as a request fingerprint field ("-" when absent or unset).
std::string TimeField(std::optional<absl::Time> t) {
  if (!t || *t == absl::Time()) return "-";
  return absl::StrCat(absl::ToUnixMicros(*t));
}

// The facts with `relation` as it will be stored (a relation of someone who is no administrator
// changes nothing).
AdministratorFacts WithRelation(AdministratorFacts facts, const WorkRelationRecord& relation) {
  for (WorkRelationRecord& r : facts.relations) {
    if (r.id == relation.id) r = relation;
  }
  return facts;
}

AdministratorFacts WithGrant(AdministratorFacts facts, const GrantRecord& grant) {
  for (GrantRecord& g : facts.grants) {
    if (g.id == grant.id) g = grant;
  }
  return facts;
}

}  // namespace

std::string NewRightsId() { return NewId(); }

std::string ScopedRequestId(const Actor& actor, const std::string& organization_id,
                            const std::string& request_id) {
  const std::string key = absl::StrCat(organization_id, "/", actor.AuditName(), "/", request_id);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(key.data(), key.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) absl::StrAppendFormat(&hex, "%02x", digest[i]);
  return hex;
}

RightsManager::RightsManager(RightsStore& store, identity::IdentityClient& directory,
                             const Catalogue& catalogue, std::function<absl::Time()> clock)
    : store_(store),
      directory_(directory),
      catalogue_(catalogue),
      clock_(std::move(clock)),
      denials_(/*per_minute=*/20, /*max_callers=*/10000, clock_) {}

absl::Status RightsManager::Audit(RightsTransaction& tx, const Actor& actor,
                                  const std::string& organization_id, std::string action,
                                  std::string subject, std::string target, std::string reason,
                                  std::map<std::string, std::string> details) {
  ASSIGN_OR_RETURN(auto head, tx.LockAuditHead(organization_id));
  AuditRecord event;
  event.organization_id = organization_id;
  event.sequence = head.sequence + 1;
  event.event_time = absl::FromUnixMicros(absl::ToUnixMicros(clock_()));  // Stored precision.
  event.actor = actor.AuditName();
  event.actor_key_type = actor.key_type;
  event.action = std::move(action);
  event.subject = std::move(subject);
  event.target = std::move(target);
  event.reason = std::move(reason);
  event.details = std::move(details);
  event.prev_hash = head.hash;
  event.hash = AuditHash(event);
  return tx.InsertAudit(event);
}

absl::StatusOr<bool> RightsManager::IsLocalAdministrator(const std::string& person_id,
                                                         const std::string& organization_id,
                                                         const RequestContext& call) {
  const absl::Time now = clock_();
  ASSIGN_OR_RETURN(auto grants, store_.ActiveGrants(organization_id, person_id, now));
  const bool administrator_grant =
      std::any_of(grants.begin(), grants.end(), [this](const GrantRecord& grant) {
        return catalogue_.IsLegalRepresentativeRole(grant.role);
      });
  if (administrator_grant) {
    // A grant counts only while its holder works for the organisation.
    ASSIGN_OR_RETURN(auto relations, store_.UnendedWorkRelations(organization_id, person_id, now));
    if (std::any_of(relations.begin(), relations.end(),
                    [now](const WorkRelationRecord& r) { return r.ActiveAt(now); })) {
      return true;
    }
  }
  auto org = directory_.GetOrganization(organization_id, call);
  if (absl::IsNotFound(org.status())) return false;
  if (!org.ok()) return org.status();
  for (const auto& id : org->legal_representative_ids) {
    if (id == person_id) return true;
  }
  return false;
}

absl::Status RightsManager::RequireManager(const Actor& actor, const std::string& organization_id,
                                           const RequestContext& call) {
  if (actor.is_operator) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto allowed, IsLocalAdministrator(actor.person_id, organization_id, call));
  if (allowed) return absl::OkStatus();
  RecordDenial(actor, organization_id, "not a local administrator", call);
  return NotManager();
}

void RightsManager::RecordDenial(const Actor& actor, const std::string& named_organization_id,
                                 const std::string& reason, const RequestContext& call) {
  const std::string target = "organizations/" + named_organization_id;
  switch (denials_.Take(actor.AuditName())) {
    case DenialBudget::Verdict::kRecord:
      break;
    case DenialBudget::Verdict::kFirstOverBudget:
      LogWarn("more refused calls of this caller this minute; not recorded one by one",
              {{"actor", actor.AuditName()}, {"target", target}});
      return;
    case DenialBudget::Verdict::kOverBudget:
      return;
  }
  if (!actor.organization_id || actor.organization_id->empty()) {
    LogWarn("access denied", {{"actor", actor.AuditName()},
                              {"target", target},
                              {"reason", reason},
                              {"method", std::string(call.method)}});
    return;
  }
  // Best effort: the refusal stands whether or not its trace could be written.
  (void)store_.Transact([&](RightsTransaction& tx) {
    return Audit(tx, actor, *actor.organization_id, "ACCESS_DENIED", actor.AuditName(), target,
                 reason, {{"method", std::string(call.method)}});
  });
}

absl::StatusOr<std::vector<LocalAdministrator>> RightsManager::LocalAdministrators(
    const std::string& organization_id, const RequestContext& call) {
  std::vector<LocalAdministrator> out;
  std::vector<GrantRecord> grants;
  absl::Status listed = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    for (const RoleDef& role : catalogue_.roles()) {
      if (!catalogue_.IsLegalRepresentativeRole(role.code)) continue;
      GrantFilter filter{organization_id, "", role.code, false, clock_()};
      ASSIGN_OR_RETURN(auto page, tx.ListGrants(filter, {500, ""}));
      for (auto& g : page) {
        if (!g.ActiveAt(filter.now)) continue;
        ASSIGN_OR_RETURN(auto related,
                         HasActiveWorkRelation(tx, organization_id, g.person_id, filter.now));
        if (related) grants.push_back(std::move(g));
      }
    }
    return absl::OkStatus();
  });
  if (!listed.ok()) return listed;
  auto org = directory_.GetOrganization(organization_id, call);
  if (!org.ok() && !absl::IsNotFound(org.status())) return org.status();
  std::map<std::string, LocalAdministrator> by_person;
  if (org.ok()) {
    for (const auto& id : org->legal_representative_ids) by_person[id].legal_representative = true;
  }
  for (const auto& g : grants) by_person[g.person_id].grant_id = g.id;
  for (auto& [person_id, admin] : by_person) {
    auto person = directory_.GetPerson(person_id, call);
    if (absl::IsNotFound(person.status())) continue;
    if (!person.ok()) return person.status();
    admin.person = *std::move(person);
    out.push_back(std::move(admin));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.person.display_name < b.person.display_name;
  });
  return out;
}

absl::StatusOr<bool> RightsManager::HasActiveWorkRelation(RightsTransaction& tx,
                                                          const std::string& organization_id,
                                                          const std::string& person_id,
                                                          absl::Time now) {
  ASSIGN_OR_RETURN(auto relations,
                   tx.ListWorkRelations({organization_id, person_id, false, now}, {50, ""}));
  for (const auto& r : relations) {
    if (r.ActiveAt(now)) return true;
  }
  return false;
}

absl::Status RightsManager::RequireWorkRelation(
    RightsTransaction& tx, const std::string& organization_id, const std::string& person_id,
    const std::vector<std::string>& legal_representatives, absl::Time now) {
  // Legal representatives may hold rights without a work relation (the KBO vouches for them).
  if (std::find(legal_representatives.begin(), legal_representatives.end(), person_id) !=
      legal_representatives.end()) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(auto related, HasActiveWorkRelation(tx, organization_id, person_id, now));
  if (related) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                      "the person has no active work relation with the organisation")
      .Reason("NO_WORK_RELATION")
      .Dutch("Voeg de gebruiker eerst toe aan de organisatie (werkrelatie).");
}

absl::StatusOr<std::vector<std::string>> RightsManager::LegalRepresentatives(
    const std::string& organization_id, const RequestContext& call) {
  auto org = directory_.GetOrganization(organization_id, call);
  if (absl::IsNotFound(org.status())) return std::vector<std::string>();
  if (!org.ok()) return org.status();
  return org->legal_representative_ids;
}

absl::StatusOr<AdministratorFacts> RightsManager::LockAdministrators(
    RightsTransaction& tx, const Actor& actor, const std::string& organization_id,
    std::vector<std::string> legal_representatives, absl::Time now) {
  AdministratorFacts facts;
  facts.legal_representative_ids = std::move(legal_representatives);
  for (const RoleDef& role : catalogue_.roles()) {
    if (!catalogue_.IsLegalRepresentativeRole(role.code)) continue;
    ASSIGN_OR_RETURN(auto locked, tx.LockGrantsWithRole(organization_id, role.code, now));
    for (GrantRecord& grant : locked) facts.grants.push_back(std::move(grant));
  }
  std::vector<std::string> holders;
  for (const GrantRecord& grant : facts.grants) holders.push_back(grant.person_id);
  std::sort(holders.begin(), holders.end());
  holders.erase(std::unique(holders.begin(), holders.end()), holders.end());
  for (const std::string& holder : holders) {
    ASSIGN_OR_RETURN(auto relations,
                     tx.ListWorkRelations({organization_id, holder, false, now}, {500, ""}));
    for (WorkRelationRecord& relation : relations) facts.relations.push_back(std::move(relation));
  }
  if (!actor.is_operator && !Administers(facts, actor.person_id, now)) return NotManager();
  return facts;
}

absl::StatusOr<WorkRelationRecord> RightsManager::CreateWorkRelation(
    const Actor& actor, const std::string& organization_id, WorkRelationRecord relation,
    const std::string& request_id, const RequestContext& call) {
  RETURN_IF_ERROR(RequireManager(actor, organization_id, call));
  // As the client sent it (before "now" fills in a missing start), so a later retry matches.
  const std::string fingerprint =
      RequestFingerprint({"CreateWorkRelation", relation.person_id, relation.type,
                          TimeField(relation.valid_from), TimeField(relation.valid_until)});
  const absl::Time now = clock_();
  relation.id = NewId();
  relation.organization_id = organization_id;
  relation.create_time = relation.update_time = now;
  relation.version = 1;
  if (relation.valid_from == absl::Time()) relation.valid_from = now;
  RETURN_IF_ERROR(ValidityError({relation.valid_from, relation.valid_until}));
  WorkRelationRecord result;
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto existing,
                     tx.FindRequestId(ScopedRequestId(actor, organization_id, request_id),
                                      "work_relation", fingerprint));
    if (existing.has_value()) {  // A retried create: answer what the first one made.
      ASSIGN_OR_RETURN(auto found, tx.GetWorkRelation(organization_id, *existing));
      result = std::move(found);
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(tx.InsertWorkRelation(relation));
    RETURN_IF_ERROR(tx.RecordRequestId(ScopedRequestId(actor, organization_id, request_id),
                                       "work_relation", relation.id, fingerprint));
    RETURN_IF_ERROR(tx.BumpRevision(organization_id));
    result = relation;
    return Audit(tx, actor, organization_id, "WORK_RELATION_CREATED",
                 "persons/" + relation.person_id, RelationName(organization_id, relation.id), "",
                 {{"type", relation.type}});
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<WorkRelationRecord> RightsManager::UpdateWorkRelation(
    const Actor& actor, const std::string& organization_id, const std::string& id, int64_t version,
    const Validity& validity, const RequestContext& call) {
  RETURN_IF_ERROR(RequireManager(actor, organization_id, call));
  ASSIGN_OR_RETURN(auto legal_representatives, LegalRepresentatives(organization_id, call));
  WorkRelationRecord result;
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    const absl::Time now = clock_();
    ASSIGN_OR_RETURN(auto administrators,
                     LockAdministrators(tx, actor, organization_id, legal_representatives, now));
    ASSIGN_OR_RETURN(auto relation, tx.GetWorkRelation(organization_id, id));
    if (relation.version != version) {
      tx.AnnounceAgain(organization_id);  // Perhaps a retry of a call still telling replicas.
      return absl::AbortedError("stale etag; reload and retry");
    }
    if (validity.from) relation.valid_from = *validity.from;
    if (validity.until) relation.valid_until = *validity.until;
    RETURN_IF_ERROR(ValidityError({relation.valid_from, relation.valid_until}));
    RETURN_IF_ERROR(
        KeepsAnAdministrator(administrators, WithRelation(administrators, relation), now));
    relation.update_time = now;
    relation.version = version + 1;
    RETURN_IF_ERROR(tx.UpdateWorkRelation(relation));
    RETURN_IF_ERROR(tx.BumpRevision(organization_id));
    result = relation;
    return Audit(tx, actor, organization_id, "WORK_RELATION_UPDATED",
                 "persons/" + relation.person_id, RelationName(organization_id, id), "");
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<WorkRelationRecord> RightsManager::EndWorkRelation(
    const Actor& actor, const std::string& organization_id, const std::string& id, int64_t version,
    std::optional<absl::Time> end, const std::string& reason, const RequestContext& call) {
  RETURN_IF_ERROR(RequireManager(actor, organization_id, call));
  ASSIGN_OR_RETURN(auto legal_representatives, LegalRepresentatives(organization_id, call));
  WorkRelationRecord result;
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    const absl::Time now = clock_();
    ASSIGN_OR_RETURN(auto administrators,
                     LockAdministrators(tx, actor, organization_id, legal_representatives, now));
    ASSIGN_OR_RETURN(auto relation, tx.GetWorkRelation(organization_id, id));
    if (relation.version != version) {
      tx.AnnounceAgain(organization_id);  // Perhaps a retry of a call still telling replicas.
      return absl::AbortedError("stale etag; reload and retry");
    }
    relation.valid_until = std::max(end.value_or(now), relation.valid_from);
    relation.end_reason = reason;
    RETURN_IF_ERROR(
        KeepsAnAdministrator(administrators, WithRelation(administrators, relation), now));
    relation.update_time = now;
    relation.version = version + 1;
    RETURN_IF_ERROR(tx.UpdateWorkRelation(relation));
    RETURN_IF_ERROR(tx.BumpRevision(organization_id));
    result = relation;
    return Audit(tx, actor, organization_id, "WORK_RELATION_ENDED", "persons/" + relation.person_id,
                 RelationName(organization_id, id), reason);
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status RightsManager::CheckGrantable(const Actor& actor, const GrantRecord& grant) const {
  const RoleDef* role = catalogue_.FindRole(grant.role);
  if (role == nullptr) return InvalidArgument({{"grant.role", "is not a role of the catalogue"}});
  if (!role->AllowsContext(grant.context)) {
    return InvalidArgument({{"grant.context", "is not a context of role " + role->code}});
  }
  if (!actor.is_operator && !role->grantable_by_local_administrator) {
    return ErrorBuilder(absl::StatusCode::kPermissionDenied,
                        "a local administrator cannot grant role " + role->code)
        .Reason("ROLE_NOT_GRANTABLE")
        .Dutch("Dit recht kan een lokale beheerder niet toekennen.");
  }
  return absl::OkStatus();
}

absl::StatusOr<GrantRecord> RightsManager::CreateGrant(const Actor& actor,
                                                       const std::string& organization_id,
                                                       GrantRecord grant,
                                                       const std::string& request_id,
                                                       const RequestContext& call) {
  RETURN_IF_ERROR(RequireManager(actor, organization_id, call));
  RETURN_IF_ERROR(CheckGrantable(actor, grant));
  const std::string fingerprint =
      RequestFingerprint({"CreateGrant", grant.person_id, grant.role, grant.context,
                          TimeField(grant.valid_from), TimeField(grant.valid_until)});
  const absl::Time now = clock_();
  grant.id = NewId();
  grant.organization_id = organization_id;
  grant.granted_by = actor.person_id;
  grant.create_time = grant.update_time = now;
  grant.version = 1;
  if (grant.valid_from == absl::Time()) grant.valid_from = now;
  RETURN_IF_ERROR(ValidityError({grant.valid_from, grant.valid_until}));
  ASSIGN_OR_RETURN(auto legal_representatives, LegalRepresentatives(organization_id, call));
  GrantRecord result;
  // A retry of a grant that committed answers it without asking the directory again (it may be
  // down, or the person gone since).
  absl::Status replayed = store_.Read([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto existing,
                     tx.FindRequestId(ScopedRequestId(actor, organization_id, request_id), "grant",
                                      fingerprint));
    if (!existing.has_value()) return absl::NotFoundError("not yet granted");
    ASSIGN_OR_RETURN(result, tx.GetGrant(organization_id, *existing));
    return absl::OkStatus();
  });
  if (replayed.ok()) return result;
  if (!absl::IsNotFound(replayed)) return replayed;
  // For the mail that tells the person (the seed promises one when a right is granted).
  const RoleDef* role = catalogue_.FindRole(grant.role);
  if (role == nullptr) return absl::FailedPreconditionError("the role left the catalogue");
  ASSIGN_OR_RETURN(auto org, directory_.GetOrganization(organization_id, call));
  ASSIGN_OR_RETURN(auto holder, directory_.GetPerson(grant.person_id, call));
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto existing,
                     tx.FindRequestId(ScopedRequestId(actor, organization_id, request_id), "grant",
                                      fingerprint));
    if (existing.has_value()) {
      ASSIGN_OR_RETURN(auto found, tx.GetGrant(organization_id, *existing));
      result = std::move(found);
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(
        RequireWorkRelation(tx, organization_id, grant.person_id, legal_representatives, now));
    ASSIGN_OR_RETURN(
        auto held,
        tx.ListGrants({organization_id, grant.person_id, grant.role, false, now}, {500, ""}));
    for (const auto& g : held) {
      if (g.context == grant.context) {
        return ErrorBuilder(absl::StatusCode::kAlreadyExists, "the person already holds this right")
            .Reason("GRANT_EXISTS", {{"grant", GrantName(organization_id, g.id)}})
            .Dutch("Deze gebruiker heeft dit recht al.");
      }
    }
    RETURN_IF_ERROR(tx.InsertGrant(grant));
    RETURN_IF_ERROR(tx.RecordRequestId(ScopedRequestId(actor, organization_id, request_id), "grant",
                                       grant.id, fingerprint));
    RETURN_IF_ERROR(tx.BumpRevision(organization_id));
    RETURN_IF_ERROR(CloseRequestsFulfilledBy(tx, actor, grant, now));
    // Without a known address there is nobody to mail (notify-svc would refuse it for ever).
    if (!holder.email_address.empty()) {
      RETURN_IF_ERROR(
          tx.AppendOutbox(GrantCreatedMail(grant, *role, org.display_name, holder)).status());
    }
    result = grant;
    return Audit(tx, actor, organization_id, "GRANT_CREATED", "persons/" + grant.person_id,
                 GrantName(organization_id, grant.id), "",
                 {{"role", grant.role}, {"context", grant.context}});
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status RightsManager::CloseRequestsFulfilledBy(RightsTransaction& tx, const Actor& actor,
                                                     const GrantRecord& grant, absl::Time now) {
  ASSIGN_OR_RETURN(
      auto pending,
      tx.ListAccessRequests({grant.organization_id, "PENDING", grant.person_id}, {500, ""}));
  for (AccessRequestRecord& request : pending) {
    if (request.role != grant.role || request.context != grant.context) continue;
    // Granted all the same: approved by this grant, so it never expires (nor mails so).
    request.state = "APPROVED";
    request.decided_by = actor.person_id;
    request.decide_time = now;
    request.grant_id = grant.id;
    request.version += 1;
    RETURN_IF_ERROR(tx.UpdateAccessRequest(request));
    RETURN_IF_ERROR(
        Audit(tx, actor, grant.organization_id, "ACCESS_REQUEST_APPROVED",
              "persons/" + request.requester_id,
              absl::StrCat("organizations/", grant.organization_id, "/accessRequests/", request.id),
              "", {{"grant", grant.id}, {"by", "CreateGrant"}}));
  }
  return absl::OkStatus();
}

absl::StatusOr<GrantRecord> RightsManager::UpdateGrant(const Actor& actor,
                                                       const std::string& organization_id,
                                                       const std::string& id, int64_t version,
                                                       const Validity& validity,
                                                       const RequestContext& call) {
  RETURN_IF_ERROR(RequireManager(actor, organization_id, call));
  ASSIGN_OR_RETURN(auto legal_representatives, LegalRepresentatives(organization_id, call));
  GrantRecord result;
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    const absl::Time now = clock_();
    ASSIGN_OR_RETURN(auto administrators,
                     LockAdministrators(tx, actor, organization_id, legal_representatives, now));
    ASSIGN_OR_RETURN(auto grant, tx.GetGrant(organization_id, id));
    if (grant.version != version) return absl::AbortedError("stale etag; reload and retry");
    if (grant.revoke_time) {
      return absl::FailedPreconditionError("a revoked grant cannot be changed");
    }
    if (validity.from) grant.valid_from = *validity.from;
    if (validity.until) grant.valid_until = *validity.until;
    RETURN_IF_ERROR(ValidityError({grant.valid_from, grant.valid_until}));
    // Shortening the last administrator's grant is removing them, later.
    RETURN_IF_ERROR(KeepsAnAdministrator(administrators, WithGrant(administrators, grant), now));
    grant.update_time = now;
    grant.version = version + 1;
    RETURN_IF_ERROR(tx.UpdateGrant(grant));
    RETURN_IF_ERROR(tx.BumpRevision(organization_id));
    result = grant;
    return Audit(tx, actor, organization_id, "GRANT_UPDATED", "persons/" + grant.person_id,
                 GrantName(organization_id, id), "");
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<GrantRecord> RightsManager::RevokeGrant(const Actor& actor,
                                                       const std::string& organization_id,
                                                       const std::string& id, int64_t version,
                                                       const std::string& reason,
                                                       const RequestContext& call) {
  RETURN_IF_ERROR(RequireManager(actor, organization_id, call));
  ASSIGN_OR_RETURN(auto legal_representatives, LegalRepresentatives(organization_id, call));
  GrantRecord result;
  absl::Status status = store_.Transact([&](RightsTransaction& tx) -> absl::Status {
    const absl::Time now = clock_();
    ASSIGN_OR_RETURN(auto administrators,
                     LockAdministrators(tx, actor, organization_id, legal_representatives, now));
    ASSIGN_OR_RETURN(auto grant, tx.GetGrant(organization_id, id));
    if (grant.version != version || grant.revoke_time) {
      tx.AnnounceAgain(organization_id);  // Perhaps a retry of a call still telling replicas.
    }
    if (grant.version != version) return absl::AbortedError("stale etag; reload and retry");
    if (grant.revoke_time) return absl::FailedPreconditionError("the grant is already revoked");
    AdministratorFacts after = administrators;
    std::erase_if(after.grants, [&id](const GrantRecord& g) { return g.id == id; });
    RETURN_IF_ERROR(KeepsAnAdministrator(administrators, after, now));
    grant.revoke_time = now;
    grant.revoked_by = actor.person_id;
    grant.revoke_reason = reason;
    grant.update_time = now;
    grant.version = version + 1;
    RETURN_IF_ERROR(tx.UpdateGrant(grant));
    RETURN_IF_ERROR(tx.BumpRevision(organization_id));
    result = grant;
    return Audit(tx, actor, organization_id, "GRANT_REVOKED", "persons/" + grant.person_id,
                 GrantName(organization_id, id), reason, {{"role", grant.role}});
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace wse::rights
