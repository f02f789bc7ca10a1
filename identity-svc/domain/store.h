#pragma once
// Storage interfaces of identity-svc. The MySQL implementations (mysql_*.h) are the only place
// with SQL; in-memory fakes (tests/) implement the same contracts for unit tests.
// Errors: NOT_FOUND for a missing record, ALREADY_EXISTS for a unique-key clash, UNAVAILABLE
// when the database cannot be reached, ABORTED on a conflicting concurrent change.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "identity-svc/domain/email_address.h"
#include "identity-svc/domain/model.h"

namespace wse::identity {

class DirectoryRepository {
 public:
  virtual ~DirectoryRepository() = default;

  // Creates or updates the person with this INSZ (idempotent); `person.id` is used only when
  // creating. Returns the outcome and fills `stored` with the record as stored.
  virtual absl::StatusOr<UpsertOutcome> UpsertPerson(const PersonRecord& person,
                                                     const AuditEntry& audit,
                                                     PersonRecord* stored) = 0;
  // The person's address after `given` arrives (MergeEmail, decided under the row's lock): only
  // the address, its source and update_time are written, with `audit`, and only when they
  // change. Returns the person as stored; NOT_FOUND for an unknown id.
  virtual absl::StatusOr<PersonRecord> MergePersonEmail(const std::string& person_id,
                                                        const EmailAddress& given,
                                                        const AuditEntry& audit) = 0;
  // Same for organisations, keyed by KBO number or instellingsnummer; the legal representatives
  // are replaced by the given list.
  virtual absl::StatusOr<UpsertOutcome> UpsertOrganization(const OrganizationRecord& organization,
                                                           const AuditEntry& audit,
                                                           OrganizationRecord* stored) = 0;

  virtual absl::StatusOr<PersonRecord> FindPersonById(const std::string& id) = 0;
  virtual absl::StatusOr<PersonRecord> FindPersonByInsz(const std::string& insz) = 0;
  virtual absl::StatusOr<OrganizationRecord> FindOrganizationById(const std::string& id) = 0;
  // `kbo_number` or `institution_number` (one of them non-empty).
  virtual absl::StatusOr<OrganizationRecord> FindOrganizationByIdentifier(
      const std::string& kbo_number, const std::string& institution_number) = 0;
  // Ordered by id; `kind` and `query` (substring of the name) filter when non-empty.
  virtual absl::StatusOr<std::vector<OrganizationRecord>> ListOrganizations(
      const Page& page, const std::string& kind, const std::string& query) = 0;
  // Organisations listing this INSZ as a legal representative.
  virtual absl::StatusOr<std::vector<OrganizationRecord>> OrganizationsRepresentedBy(
      const std::string& insz) = 0;
};

// One caller's switch of its session's acting context (select), written together with other
// callers' in one transaction (SessionManager's select writer, common/group_commit.h).
struct ContextSwitch {
  std::string session_id;
  std::optional<std::string> organization_id;  // nullopt: the personal context.
  // Decides, from the session as locked, whether it may switch (a live session); an error is
  // this caller's answer and nothing of theirs is written.
  std::function<absl::Status(const SessionRecord&)> admit;
  // The audit event of the switch, from the session as locked.
  std::function<AuditEntry(const SessionRecord&)> audit;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  // Creates the session and remembers the ID token that opened it, in one transaction:
  // ALREADY_EXISTS (and no session) when that token opened one before.
  virtual absl::Status Create(const SessionRecord& session, const UsedIdToken& id_token,
                              const AuditEntry& audit) = 0;
  // Records a login started on the server (StartLogin); forgets expired ones on the way.
  virtual absl::Status StartLogin(const LoginAttempt& attempt) = 0;
  // Marks the login with this id hash complete and returns its nonce; NOT_FOUND when it does not
  // exist, has expired by `now` or was completed before (a login completes once).
  virtual absl::StatusOr<std::string> CompleteLogin(const std::string& id_hash, absl::Time now) = 0;
  // An audit event that belongs to no change (a refused replay).
  virtual absl::Status RecordEvent(const AuditEntry& audit) = 0;
  virtual absl::StatusOr<SessionRecord> Find(const std::string& id) = 0;
  // The live session whose current or previous refresh token has this hash. `replayed` is set
  // when it matched the previous one (a stolen or replayed token).
  virtual absl::StatusOr<SessionRecord> FindByRefreshHash(const std::string& hash,
                                                          bool* replayed) = 0;
  // Replaces the refresh token if `old_hash` is still current (ABORTED otherwise).
  virtual absl::Status RotateRefresh(const std::string& id, const std::string& old_hash,
                                     const std::string& new_hash, absl::Time refresh_expire_time,
                                     const AuditEntry& audit) = 0;
  virtual absl::Status SetCurrentOrganization(const std::string& id,
                                              const std::optional<std::string>& organization_id,
                                              const AuditEntry& audit) = 0;
  // Applies the switches in one transaction, in order (a later switch of the same session wins):
  // locks their sessions, asks each `admit`, sets the organisation and adds the audit event of
  // each admitted one. Per switch: the session as switched, NOT_FOUND (no such session) or
  // admit's error. An error for the whole call: nothing was written.
  virtual absl::StatusOr<std::vector<absl::StatusOr<SessionRecord>>> SwitchContexts(
      const std::vector<const ContextSwitch*>& switches) = 0;
  virtual absl::Status Revoke(const std::string& id, absl::Time when, const AuditEntry& audit) = 0;
};

class SigningKeyRepository {
 public:
  virtual ~SigningKeyRepository() = default;
  // Keys not yet expired, newest first.
  virtual absl::StatusOr<std::vector<SigningKeyRecord>> ListUnexpired(absl::Time now) = 0;
  // Rotation, serialised across replicas: inserts `candidate` unless some key was created after
  // `due_before` (another replica rotated first). Returns whether `candidate` was inserted.
  virtual absl::StatusOr<bool> InsertIfRotationDue(const SigningKeyRecord& candidate,
                                                   absl::Time due_before) = 0;
};

}  // namespace wse::identity
