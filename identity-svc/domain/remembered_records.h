#pragma once
// Sessions and persons read by id, answered from memory while this replica holds its lease
// (common/leased_cache.h, replica_leases.h), so that GetCurrentUser, the acting-context list and
// the directory's GetPerson need no database round trip for a record that did not change.
//
// Only reads by id are remembered; every write goes through to the stored repository, whose
// transaction records the changed record's name ("sessions/{id}", "persons/{id}") for the
// replicas' lease renewals and announces it after COMMIT (storage/mysql_record_changes.h), which
// forgets it here and on every peer before the write's RPC returns. A record is remembered only
// when no invalidation came between the start of its read and its storing. Without a lease
// (no --replica_address) nothing is remembered.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/leased_cache.h"
#include "common/metrics.h"
#include "identity-svc/domain/model.h"
#include "identity-svc/domain/store.h"

namespace wse::identity {

// The names under which changes are recorded and remembered records forgotten.
inline std::string SessionRecordName(const std::string& id) { return "sessions/" + id; }
inline std::string PersonRecordName(const std::string& id) { return "persons/" + id; }

// The two caches, kept honest together by one ReplicaLeases.
class RememberedRecords final : public LeaseHolder {
 public:
  explicit RememberedRecords(std::function<absl::Time()> clock = MonotonicNow,
                             absl::Duration remember_for = LeasedCache<SessionRecord>::kRememberFor)
      : sessions(clock, remember_for), persons(clock, remember_for) {}

  void Invalidate(const std::vector<std::string>& names) override {
    sessions.Invalidate(names);
    persons.Invalidate(names);
  }
  void LeaseHeldUntil(absl::Time valid_until, const std::vector<std::string>& changed = {},
                      bool forget_all = false) override {
    sessions.LeaseHeldUntil(valid_until, changed, forget_all);
    persons.LeaseHeldUntil(valid_until, changed, forget_all);
  }
  bool LeaseHeld() override { return sessions.LeaseHeld(); }

  LeasedCache<SessionRecord> sessions;
  LeasedCache<PersonRecord> persons;
};

class RememberingSessionRepository final : public SessionRepository {
 public:
  RememberingSessionRepository(SessionRepository& stored, LeasedCache<SessionRecord>& remembered)
      : stored_(stored), remembered_(remembered) {}

  absl::StatusOr<SessionRecord> Find(const std::string& id) override;

  absl::Status Create(const SessionRecord& session, const UsedIdToken& id_token,
                      const AuditEntry& audit) override {
    return stored_.Create(session, id_token, audit);
  }
  absl::Status StartLogin(const LoginAttempt& attempt) override {
    return stored_.StartLogin(attempt);
  }
  absl::StatusOr<std::string> CompleteLogin(const std::string& id_hash, absl::Time now) override {
    return stored_.CompleteLogin(id_hash, now);
  }
  absl::Status RecordEvent(const AuditEntry& audit) override { return stored_.RecordEvent(audit); }
  absl::StatusOr<SessionRecord> FindByRefreshHash(const std::string& hash,
                                                  bool* replayed) override {
    return stored_.FindByRefreshHash(hash, replayed);
  }
  absl::Status RotateRefresh(const std::string& id, const std::string& old_hash,
                             const std::string& new_hash, absl::Time refresh_expire_time,
                             const AuditEntry& audit) override {
    return stored_.RotateRefresh(id, old_hash, new_hash, refresh_expire_time, audit);
  }
  absl::Status SetCurrentOrganization(const std::string& id,
                                      const std::optional<std::string>& organization_id,
                                      const AuditEntry& audit) override {
    return stored_.SetCurrentOrganization(id, organization_id, audit);
  }
  absl::StatusOr<std::vector<absl::StatusOr<SessionRecord>>> SwitchContexts(
      const std::vector<const ContextSwitch*>& switches) override {
    return stored_.SwitchContexts(switches);
  }
  absl::Status Revoke(const std::string& id, absl::Time when, const AuditEntry& audit) override {
    return stored_.Revoke(id, when, audit);
  }

 private:
  SessionRepository& stored_;
  LeasedCache<SessionRecord>& remembered_;
  CacheMetrics lookups_{"sessions"};
};

class RememberingDirectoryRepository final : public DirectoryRepository {
 public:
  RememberingDirectoryRepository(DirectoryRepository& stored, LeasedCache<PersonRecord>& remembered)
      : stored_(stored), remembered_(remembered) {}

  absl::StatusOr<PersonRecord> FindPersonById(const std::string& id) override;

  absl::StatusOr<UpsertOutcome> UpsertPerson(const PersonRecord& person, const AuditEntry& audit,
                                             PersonRecord* stored) override {
    return stored_.UpsertPerson(person, audit, stored);
  }
  absl::StatusOr<PersonRecord> MergePersonEmail(const std::string& person_id,
                                                const EmailAddress& given,
                                                const AuditEntry& audit) override {
    return stored_.MergePersonEmail(person_id, given, audit);
  }
  absl::StatusOr<UpsertOutcome> UpsertOrganization(const OrganizationRecord& organization,
                                                   const AuditEntry& audit,
                                                   OrganizationRecord* stored) override {
    return stored_.UpsertOrganization(organization, audit, stored);
  }
  absl::StatusOr<PersonRecord> FindPersonByInsz(const std::string& insz) override {
    return stored_.FindPersonByInsz(insz);
  }
  absl::StatusOr<OrganizationRecord> FindOrganizationById(const std::string& id) override {
    return stored_.FindOrganizationById(id);
  }
  absl::StatusOr<OrganizationRecord> FindOrganizationByIdentifier(
      const std::string& kbo_number, const std::string& institution_number) override {
    return stored_.FindOrganizationByIdentifier(kbo_number, institution_number);
  }
  absl::StatusOr<std::vector<OrganizationRecord>> ListOrganizations(
      const Page& page, const std::string& kind, const std::string& query) override {
    return stored_.ListOrganizations(page, kind, query);
  }
  absl::StatusOr<std::vector<OrganizationRecord>> OrganizationsRepresentedBy(
      const std::string& insz) override {
    return stored_.OrganizationsRepresentedBy(insz);
  }

 private:
  DirectoryRepository& stored_;
  LeasedCache<PersonRecord>& remembered_;
  CacheMetrics lookups_{"persons"};
};

}  // namespace wse::identity
