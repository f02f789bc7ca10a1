#pragma once
// In-memory identity-svc repositories for unit tests. They keep the contracts of the MySQL
// implementations (identity-svc/mysql_repositories.h), down to the details a caller can observe:
// times are kept to the microsecond, unset directory times take the clock, revoked sessions are
// not found by refresh hash, calls that change nothing write no audit entry. The shared contract
// test (tests/integration/identity/repository_contract_test.cc) runs against both.
//
// Differences a test must not rely on: name search lowercases ASCII only, and there are no
// foreign keys (a session may name an unknown person).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "identity-svc/domain/email_verification.h"
#include "identity-svc/domain/model.h"
#include "identity-svc/domain/store.h"

namespace wse::identity::testing {

class FakeDirectoryRepository : public DirectoryRepository {
 public:
  absl::StatusOr<UpsertOutcome> UpsertPerson(const PersonRecord& person,
                                             const AuditEntry& audit_entry,
                                             PersonRecord* stored) override;
  absl::StatusOr<PersonRecord> MergePersonEmail(const std::string& person_id,
                                                const EmailAddress& given,
                                                const AuditEntry& audit_entry) override;
  absl::StatusOr<UpsertOutcome> UpsertOrganization(const OrganizationRecord& organization,
                                                   const AuditEntry& audit_entry,
                                                   OrganizationRecord* stored) override;
  absl::StatusOr<PersonRecord> FindPersonById(const std::string& id) override;
  absl::StatusOr<PersonRecord> FindPersonByInsz(const std::string& insz) override;
  absl::StatusOr<OrganizationRecord> FindOrganizationById(const std::string& id) override;
  absl::StatusOr<OrganizationRecord> FindOrganizationByIdentifier(
      const std::string& kbo_number, const std::string& institution_number) override;
  absl::StatusOr<std::vector<OrganizationRecord>> ListOrganizations(
      const Page& page, const std::string& kind, const std::string& query) override;
  absl::StatusOr<std::vector<OrganizationRecord>> OrganizationsRepresentedBy(
      const std::string& insz) override;

  // Audit entries of committed changes, oldest first. Appended under the repository's lock: read
  // it only while no call is in flight.
  std::vector<AuditEntry> audit;

 private:
  absl::Mutex mu_;
  std::map<std::string, PersonRecord> persons_ ABSL_GUARDED_BY(mu_);              // By id.
  std::map<std::string, OrganizationRecord> organizations_ ABSL_GUARDED_BY(mu_);  // By id.
};

class FakeSessionRepository : public SessionRepository {
 public:
  absl::Status Create(const SessionRecord& session, const UsedIdToken& id_token,
                      const AuditEntry& audit_entry) override;
  absl::Status StartLogin(const LoginAttempt& attempt) override;
  absl::StatusOr<std::string> CompleteLogin(const std::string& id_hash, absl::Time now) override;
  absl::Status RecordEvent(const AuditEntry& audit_entry) override;
  absl::StatusOr<SessionRecord> Find(const std::string& id) override;
  absl::StatusOr<SessionRecord> FindByRefreshHash(const std::string& hash, bool* replayed) override;
  absl::Status RotateRefresh(const std::string& id, const std::string& old_hash,
                             const std::string& new_hash, absl::Time refresh_expire_time,
                             const AuditEntry& audit_entry) override;
  absl::Status SetCurrentOrganization(const std::string& id,
                                      const std::optional<std::string>& organization_id,
                                      const AuditEntry& audit_entry) override;
  absl::StatusOr<std::vector<absl::StatusOr<SessionRecord>>> SwitchContexts(
      const std::vector<const ContextSwitch*>& switches) override;
  absl::Status Revoke(const std::string& id, absl::Time when,
                      const AuditEntry& audit_entry) override;

  // As FakeDirectoryRepository::audit.
  std::vector<AuditEntry> audit;
  // Runs once, at the start of the next Find (tests interleave a concurrent call there).
  std::function<void()> before_find;
  // The next Revoke fails with this (a database fault), once.
  absl::Status fail_next_revoke;
  // Runs at the start of every SwitchContexts (tests hold a batch there); returning an error
  // fails the whole batch, as a database fault would.
  std::function<absl::Status(const std::vector<const ContextSwitch*>&)> before_switch;
  // SwitchContexts calls that got past before_switch.
  int switch_batches() {
    absl::MutexLock lock(&mu_);
    return switch_batches_;
  }

 private:
  struct StoredSession {
    SessionRecord record;
    std::string previous_refresh_hash;  // Empty until the first rotation.
  };
  bool RefreshHashInUse(const std::string& hash) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  int switch_batches_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, StoredSession> sessions_ ABSL_GUARDED_BY(mu_);  // By id.
  std::map<std::string, absl::Time> used_id_tokens_ ABSL_GUARDED_BY(mu_);  // Hash -> expiry.
  struct StoredLogin {
    LoginAttempt attempt;
    bool complete = false;
  };
  std::map<std::string, StoredLogin> logins_ ABSL_GUARDED_BY(mu_);  // By id hash.
};

class FakeSigningKeyRepository : public SigningKeyRepository {
 public:
  absl::StatusOr<std::vector<SigningKeyRecord>> ListUnexpired(absl::Time now) override;
  absl::StatusOr<bool> InsertIfRotationDue(const SigningKeyRecord& candidate,
                                           absl::Time due_before) override;

 private:
  absl::Mutex mu_;
  std::map<std::string, SigningKeyRecord> keys_ ABSL_GUARDED_BY(mu_);  // By kid.
};

// What MysqlEmailVerificationStore keeps, in memory (one caller at a time).
class FakeEmailVerificationStore : public EmailVerificationStore {
 public:
  FakeEmailVerificationStore() = default;
  explicit FakeEmailVerificationStore(DirectoryRepository* into) : directory(into) {}

  absl::Status Start(const std::string& person_id, const Decide& decide, const OutboxMessage& mail,
                     const AuditEntry& audit) override {
    auto next = decide(Find(person_id));
    if (!next.ok()) return next.status();
    rows[person_id] = *next;
    outbox.push_back(mail);
    audits.push_back(audit);
    return absl::OkStatus();
  }
  absl::StatusOr<PersonRecord> Verify(const std::string& person_id, const Judge& judge) override {
    auto step = judge(Find(person_id));
    if (!step.ok()) return step.status();
    rows[person_id] = step->next;
    audits.push_back(step->audit);
    if (!step->answer.ok()) return step->answer;
    if (directory != nullptr) {
      return directory->MergePersonEmail(person_id, {step->next.email_address, "VERIFIED"},
                                         step->audit);
    }
    PersonRecord& person = persons[person_id];
    person.id = person_id;
    person.email_address = step->next.email_address;
    person.email_source = "VERIFIED";
    return person;
  }
  std::optional<EmailVerification> Find(const std::string& person_id) const {
    auto it = rows.find(person_id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }

  std::map<std::string, EmailVerification> rows;
  // Where a confirmed address goes; without one, into `persons` below.
  DirectoryRepository* directory = nullptr;
  std::map<std::string, PersonRecord> persons;
  std::vector<OutboxMessage> outbox;
  std::vector<AuditEntry> audits;
};

}  // namespace wse::identity::testing
