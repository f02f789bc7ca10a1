#include "tests/support/identity_fakes.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/status_macros.h"
#include "identity-svc/domain/email_address.h"

namespace wse::identity::testing {
namespace {

// TIMESTAMP(6) keeps microseconds: so does the fake, or a round trip would compare unequal.
absl::Time ToMicros(absl::Time time) { return absl::FromUnixMicros(absl::ToUnixMicros(time)); }

// An unset (epoch) directory time takes the clock, as the MySQL repository takes the database's.
absl::Time OrNow(absl::Time time, absl::Time now) {
  return time == absl::UnixEpoch() ? now : ToMicros(time);
}

std::string MergedSource(const std::string& current, const std::string& given) {
  return (current == "IMPORT" || given == "IMPORT") ? std::string("IMPORT") : current;
}

std::vector<std::string> SortedUnique(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace

// ---- FakeDirectoryRepository ----

absl::StatusOr<UpsertOutcome> FakeDirectoryRepository::UpsertPerson(const PersonRecord& person,
                                                                    const AuditEntry& audit_entry,
                                                                    PersonRecord* stored) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = ToMicros(absl::Now());
  auto existing = std::find_if(persons_.begin(), persons_.end(),
                               [&](const auto& entry) { return entry.second.insz == person.insz; });
  if (existing == persons_.end()) {
    if (persons_.count(person.id) != 0) return absl::AlreadyExistsError("duplicate person id");
    PersonRecord created = person;
    created.email_source = MergeEmail({}, {person.email_address, person.email_source}).source;
    created.create_time = OrNow(person.create_time, now);
    created.update_time = OrNow(person.update_time, now);
    persons_[created.id] = created;
    audit.push_back(audit_entry);
    if (stored != nullptr) *stored = std::move(created);
    return UpsertOutcome::kCreated;
  }
  PersonRecord& current = existing->second;
  const std::string source = MergedSource(current.source, person.source);
  const EmailAddress email = MergeEmail({current.email_address, current.email_source},
                                        {person.email_address, person.email_source});
  if (current.given_name == person.given_name && current.family_name == person.family_name &&
      current.email_address == email.address && current.email_source == email.source &&
      current.phone_number == person.phone_number &&
      current.preferred_locale == person.preferred_locale && current.source == source) {
    if (stored != nullptr) *stored = current;
    return UpsertOutcome::kUnchanged;
  }
  current.given_name = person.given_name;
  current.family_name = person.family_name;
  current.email_address = email.address;
  current.email_source = email.source;
  current.phone_number = person.phone_number;
  current.preferred_locale = person.preferred_locale;
  current.source = source;
  current.update_time = OrNow(person.update_time, now);
  audit.push_back(audit_entry);
  if (stored != nullptr) *stored = current;
  return UpsertOutcome::kUpdated;
}

absl::StatusOr<PersonRecord> FakeDirectoryRepository::MergePersonEmail(
    const std::string& person_id, const EmailAddress& given, const AuditEntry& audit_entry) {
  absl::MutexLock lock(&mu_);
  auto it = persons_.find(person_id);
  if (it == persons_.end()) return absl::NotFoundError("person not found");
  PersonRecord& current = it->second;
  const EmailAddress merged = MergeEmail({current.email_address, current.email_source}, given);
  if (merged.address == current.email_address && merged.source == current.email_source) {
    return current;
  }
  current.email_address = merged.address;
  current.email_source = merged.source;
  current.update_time = ToMicros(absl::Now());
  audit.push_back(audit_entry);
  return current;
}

absl::StatusOr<UpsertOutcome> FakeDirectoryRepository::UpsertOrganization(
    const OrganizationRecord& organization, const AuditEntry& audit_entry,
    OrganizationRecord* stored) {
  if (organization.kbo_number.empty() == organization.institution_number.empty()) {
    return absl::InvalidArgumentError(
        "exactly one of kbo_number and institution_number must be set");
  }
  absl::MutexLock lock(&mu_);
  const absl::Time now = ToMicros(absl::Now());
  const bool by_kbo = !organization.kbo_number.empty();
  auto existing = std::find_if(organizations_.begin(), organizations_.end(), [&](const auto& e) {
    return by_kbo ? e.second.kbo_number == organization.kbo_number
                  : e.second.institution_number == organization.institution_number;
  });
  std::vector<std::string> representatives = SortedUnique(organization.legal_representative_insz);
  if (existing == organizations_.end()) {
    if (organizations_.count(organization.id) != 0) {
      return absl::AlreadyExistsError("duplicate organization id");
    }
    OrganizationRecord created = organization;
    created.legal_representative_insz = std::move(representatives);
    created.create_time = OrNow(organization.create_time, now);
    created.update_time = OrNow(organization.update_time, now);
    organizations_[created.id] = created;
    audit.push_back(audit_entry);
    if (stored != nullptr) *stored = std::move(created);
    return UpsertOutcome::kCreated;
  }
  OrganizationRecord& current = existing->second;
  if (current.display_name == organization.display_name && current.kind == organization.kind &&
      current.email_address == organization.email_address &&
      current.legal_representative_insz == representatives) {
    if (stored != nullptr) *stored = current;
    return UpsertOutcome::kUnchanged;
  }
  current.display_name = organization.display_name;
  current.kind = organization.kind;
  current.email_address = organization.email_address;
  current.legal_representative_insz = std::move(representatives);
  current.update_time = OrNow(organization.update_time, now);
  audit.push_back(audit_entry);
  if (stored != nullptr) *stored = current;
  return UpsertOutcome::kUpdated;
}

absl::StatusOr<PersonRecord> FakeDirectoryRepository::FindPersonById(const std::string& id) {
  absl::MutexLock lock(&mu_);
  auto it = persons_.find(id);
  if (it == persons_.end()) return absl::NotFoundError("person not found");
  return it->second;
}

absl::StatusOr<PersonRecord> FakeDirectoryRepository::FindPersonByInsz(const std::string& insz) {
  absl::MutexLock lock(&mu_);
  for (const auto& entry : persons_) {
    if (entry.second.insz == insz) return entry.second;
  }
  return absl::NotFoundError("person not found");
}

absl::StatusOr<OrganizationRecord> FakeDirectoryRepository::FindOrganizationById(
    const std::string& id) {
  absl::MutexLock lock(&mu_);
  auto it = organizations_.find(id);
  if (it == organizations_.end()) return absl::NotFoundError("organization not found");
  return it->second;
}

absl::StatusOr<OrganizationRecord> FakeDirectoryRepository::FindOrganizationByIdentifier(
    const std::string& kbo_number, const std::string& institution_number) {
  if (kbo_number.empty() == institution_number.empty()) {
    return absl::InvalidArgumentError(
        "exactly one of kbo_number and institution_number must be given");
  }
  absl::MutexLock lock(&mu_);
  for (const auto& entry : organizations_) {
    const OrganizationRecord& organization = entry.second;
    if (kbo_number.empty() ? organization.institution_number == institution_number
                           : organization.kbo_number == kbo_number) {
      return organization;
    }
  }
  return absl::NotFoundError("organization not found");
}

absl::StatusOr<std::vector<OrganizationRecord>> FakeDirectoryRepository::ListOrganizations(
    const Page& page, const std::string& kind, const std::string& query) {
  if (page.size < 1) return absl::InvalidArgumentError("page size must be at least 1");
  const std::string needle = absl::AsciiStrToLower(query);
  absl::MutexLock lock(&mu_);
  std::vector<OrganizationRecord> result;
  for (auto it = organizations_.upper_bound(page.after_id);
       it != organizations_.end() && static_cast<int>(result.size()) < page.size; ++it) {
    const OrganizationRecord& organization = it->second;
    if (!kind.empty() && organization.kind != kind) continue;
    if (!needle.empty() &&
        !absl::StrContains(absl::AsciiStrToLower(organization.display_name), needle)) {
      continue;
    }
    result.push_back(organization);
  }
  return result;
}

absl::StatusOr<std::vector<OrganizationRecord>> FakeDirectoryRepository::OrganizationsRepresentedBy(
    const std::string& insz) {
  absl::MutexLock lock(&mu_);
  std::vector<OrganizationRecord> result;
  for (const auto& entry : organizations_) {
    const std::vector<std::string>& representatives = entry.second.legal_representative_insz;
    if (std::binary_search(representatives.begin(), representatives.end(), insz)) {
      result.push_back(entry.second);
    }
  }
  return result;
}

// ---- FakeSessionRepository ----

bool FakeSessionRepository::RefreshHashInUse(const std::string& hash) const {
  for (const auto& entry : sessions_) {
    if (entry.second.record.refresh_token_hash == hash) return true;
  }
  return false;
}

absl::Status FakeSessionRepository::Create(const SessionRecord& session,
                                           const UsedIdToken& id_token,
                                           const AuditEntry& audit_entry) {
  absl::MutexLock lock(&mu_);
  if (sessions_.count(session.id) != 0) return absl::AlreadyExistsError("duplicate session id");
  if (auto used = used_id_tokens_.find(id_token.hash);
      used != used_id_tokens_.end() && used->second >= session.create_time) {
    return absl::AlreadyExistsError("this ID token opened a session before");
  }
  if (RefreshHashInUse(session.refresh_token_hash)) {
    return absl::AlreadyExistsError("duplicate refresh token hash");
  }
  StoredSession created{session, ""};
  created.record.refresh_expire_time = ToMicros(session.refresh_expire_time);
  created.record.create_time = ToMicros(session.create_time);
  created.record.expire_time = ToMicros(session.expire_time);
  created.record.revoke_time = std::nullopt;  // A new session is live.
  sessions_[session.id] = std::move(created);
  used_id_tokens_[id_token.hash] = id_token.expire_time;
  audit.push_back(audit_entry);
  return absl::OkStatus();
}

absl::Status FakeSessionRepository::StartLogin(const LoginAttempt& attempt) {
  absl::MutexLock lock(&mu_);
  if (!logins_.emplace(attempt.id_hash, StoredLogin{attempt}).second) {
    return absl::AlreadyExistsError("duplicate login id");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> FakeSessionRepository::CompleteLogin(const std::string& id_hash,
                                                                 absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = logins_.find(id_hash);
  if (it == logins_.end() || it->second.complete || it->second.attempt.expire_time <= now) {
    return absl::NotFoundError("no such login in progress");
  }
  it->second.complete = true;
  return it->second.attempt.nonce;
}

absl::Status FakeSessionRepository::RecordEvent(const AuditEntry& audit_entry) {
  absl::MutexLock lock(&mu_);
  audit.push_back(audit_entry);
  return absl::OkStatus();
}

absl::StatusOr<SessionRecord> FakeSessionRepository::Find(const std::string& id) {
  if (before_find) {
    std::function<void()> hook = std::move(before_find);
    before_find = nullptr;
    hook();
  }
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return absl::NotFoundError("session not found");
  return it->second.record;
}

absl::StatusOr<SessionRecord> FakeSessionRepository::FindByRefreshHash(const std::string& hash,
                                                                       bool* replayed) {
  absl::MutexLock lock(&mu_);
  for (const auto& entry : sessions_) {
    const StoredSession& stored = entry.second;
    if (stored.record.revoke_time.has_value()) continue;
    const bool current = stored.record.refresh_token_hash == hash;
    if (!current && stored.previous_refresh_hash != hash) continue;
    if (replayed != nullptr) *replayed = !current;
    return stored.record;
  }
  return absl::NotFoundError("session not found");
}

absl::Status FakeSessionRepository::RotateRefresh(const std::string& id,
                                                  const std::string& old_hash,
                                                  const std::string& new_hash,
                                                  absl::Time refresh_expire_time,
                                                  const AuditEntry& audit_entry) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.record.revoke_time.has_value() ||
      it->second.record.refresh_token_hash != old_hash) {
    return absl::AbortedError("the refresh token was already used");
  }
  if (new_hash != old_hash && RefreshHashInUse(new_hash)) {
    return absl::AlreadyExistsError("duplicate refresh token hash");
  }
  StoredSession& stored = it->second;
  stored.previous_refresh_hash = stored.record.refresh_token_hash;
  stored.record.refresh_token_hash = new_hash;
  stored.record.refresh_expire_time = ToMicros(refresh_expire_time);
  audit.push_back(audit_entry);
  return absl::OkStatus();
}

absl::Status FakeSessionRepository::SetCurrentOrganization(
    const std::string& id, const std::optional<std::string>& organization_id,
    const AuditEntry& audit_entry) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return absl::NotFoundError("session not found");
  it->second.record.current_organization_id = organization_id;
  audit.push_back(audit_entry);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<absl::StatusOr<SessionRecord>>> FakeSessionRepository::SwitchContexts(
    const std::vector<const ContextSwitch*>& switches) {
  if (before_switch) RETURN_IF_ERROR(before_switch(switches));
  absl::MutexLock lock(&mu_);
  ++switch_batches_;
  std::vector<absl::StatusOr<SessionRecord>> results;
  for (const ContextSwitch* change : switches) {
    auto it = sessions_.find(change->session_id);
    if (it == sessions_.end()) {
      results.push_back(absl::NotFoundError("session not found"));
      continue;
    }
    if (absl::Status admitted = change->admit(it->second.record); !admitted.ok()) {
      results.push_back(admitted);
      continue;
    }
    it->second.record.current_organization_id = change->organization_id;
    audit.push_back(change->audit(it->second.record));
    results.push_back(it->second.record);
  }
  return results;
}

absl::Status FakeSessionRepository::Revoke(const std::string& id, absl::Time when,
                                           const AuditEntry& audit_entry) {
  absl::MutexLock lock(&mu_);
  if (!fail_next_revoke.ok()) return std::exchange(fail_next_revoke, absl::OkStatus());
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return absl::NotFoundError("session not found");
  if (it->second.record.revoke_time.has_value()) return absl::OkStatus();  // First one stands.
  it->second.record.revoke_time = ToMicros(when);
  audit.push_back(audit_entry);
  return absl::OkStatus();
}

// ---- FakeSigningKeyRepository ----

absl::StatusOr<std::vector<SigningKeyRecord>> FakeSigningKeyRepository::ListUnexpired(
    absl::Time now) {
  const absl::Time cutoff = ToMicros(now);
  absl::MutexLock lock(&mu_);
  std::vector<SigningKeyRecord> keys;
  for (const auto& entry : keys_) {
    if (entry.second.expire_time > cutoff) keys.push_back(entry.second);
  }
  std::sort(keys.begin(), keys.end(), [](const SigningKeyRecord& a, const SigningKeyRecord& b) {
    if (a.create_time != b.create_time) return a.create_time > b.create_time;
    return a.kid > b.kid;
  });
  return keys;
}

absl::StatusOr<bool> FakeSigningKeyRepository::InsertIfRotationDue(
    const SigningKeyRecord& candidate, absl::Time due_before) {
  const absl::Time cutoff = ToMicros(due_before);
  absl::MutexLock lock(&mu_);
  for (const auto& entry : keys_) {
    if (entry.second.create_time > cutoff) return false;  // Another replica rotated first.
  }
  if (keys_.count(candidate.kid) != 0) return absl::AlreadyExistsError("duplicate kid");
  SigningKeyRecord inserted = candidate;
  inserted.create_time = ToMicros(candidate.create_time);
  inserted.retire_time = ToMicros(candidate.retire_time);
  inserted.expire_time = ToMicros(candidate.expire_time);
  keys_[inserted.kid] = std::move(inserted);
  return true;
}

}  // namespace wse::identity::testing
