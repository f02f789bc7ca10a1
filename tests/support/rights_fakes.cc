#include "tests/support/rights_fakes.h"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/request_fingerprint.h"
#include "common/status_macros.h"

namespace wse::rights::testing {
namespace {

constexpr char kChanged[] = "the resource was changed meanwhile; reload and retry";

// TIMESTAMP(6) keeps microseconds (truncating): so does the fake, or round trips would differ.
absl::Time ToMicros(absl::Time time) { return absl::FromUnixMicros(absl::ToUnixMicros(time)); }

std::optional<absl::Time> ToMicros(const std::optional<absl::Time>& time) {
  if (!time.has_value()) return std::nullopt;
  return ToMicros(*time);
}

WorkRelationRecord Stored(WorkRelationRecord relation) {
  relation.valid_from = ToMicros(relation.valid_from);
  relation.valid_until = ToMicros(relation.valid_until);
  relation.create_time = ToMicros(relation.create_time);
  relation.update_time = ToMicros(relation.update_time);
  return relation;
}

GrantRecord Stored(GrantRecord grant) {
  grant.valid_from = ToMicros(grant.valid_from);
  grant.valid_until = ToMicros(grant.valid_until);
  grant.revoke_time = ToMicros(grant.revoke_time);
  grant.create_time = ToMicros(grant.create_time);
  grant.update_time = ToMicros(grant.update_time);
  return grant;
}

AccessRequestRecord Stored(AccessRequestRecord request) {
  request.decide_time = ToMicros(request.decide_time);
  request.create_time = ToMicros(request.create_time);
  request.expire_time = ToMicros(request.expire_time);
  return request;
}

// Not ended (work relations) / not expired (grants) at `now`, as the SQL compares.
bool OpenAt(const std::optional<absl::Time>& valid_until, absl::Time now) {
  return !valid_until.has_value() || *valid_until > ToMicros(now);
}

// One keyset page of `records` (a map by id) passing `keep`.
template <typename Record>
absl::StatusOr<std::vector<Record>> Page(const std::map<std::string, Record>& records,
                                         const PageRequest& page,
                                         const std::function<bool(const Record&)>& keep) {
  if (page.size < 1) return absl::InvalidArgumentError("page size must be at least 1");
  std::vector<Record> result;
  for (auto it = records.upper_bound(page.after);
       it != records.end() && static_cast<int>(result.size()) < page.size; ++it) {
    if (keep(it->second)) result.push_back(it->second);
  }
  return result;
}

// A version-checked replacement of `records[updated.id]`; create_time is kept.
template <typename Record>
absl::Status Replace(std::map<std::string, Record>& records, const Record& updated) {
  auto it = records.find(updated.id);
  if (it == records.end() || it->second.organization_id != updated.organization_id ||
      it->second.version != updated.version - 1) {
    return absl::AbortedError(kChanged);
  }
  Record stored = Stored(updated);
  stored.create_time = it->second.create_time;
  it->second = std::move(stored);
  return absl::OkStatus();
}

template <typename Record>
absl::StatusOr<Record> Find(const std::map<std::string, Record>& records,
                            const std::string& organization_id, const std::string& id,
                            absl::string_view what) {
  auto it = records.find(id);
  if (it == records.end() || it->second.organization_id != organization_id) {
    return absl::NotFoundError(absl::StrCat(what, " not found"));
  }
  return it->second;
}

// Whether another PENDING request holds `request`'s open key.
bool OpenKeyTaken(const std::map<std::string, AccessRequestRecord>& requests,
                  const AccessRequestRecord& request) {
  if (request.state != "PENDING") return false;
  return std::any_of(requests.begin(), requests.end(), [&request](const auto& entry) {
    const AccessRequestRecord& other = entry.second;
    return other.id != request.id && other.state == "PENDING" &&
           other.organization_id == request.organization_id &&
           other.requester_id == request.requester_id && other.role == request.role &&
           other.context == request.context;
  });
}

class FakeRightsTransaction : public RightsTransaction {
 public:
  FakeRightsTransaction(FakeRightsStore::State& state,
                        std::vector<std::string>* announced_again = nullptr)
      : state_(state), announced_again_(announced_again) {}

  void AnnounceAgain(const std::string& organization_id) override {
    if (announced_again_ != nullptr) announced_again_->push_back(organization_id);
  }

  absl::StatusOr<std::optional<std::string>> FindRequestId(
      const std::string& request_id, const std::string& kind,
      const std::string& fingerprint) override {
    auto it = state_.request_ids.find({request_id, kind});
    if (it == state_.request_ids.end()) return std::optional<std::string>();
    RETURN_IF_ERROR(CheckSameRequest(it->second.second, fingerprint));
    return std::optional<std::string>(it->second.first);
  }

  absl::Status RecordRequestId(const std::string& request_id, const std::string& kind,
                               const std::string& resource_id,
                               const std::string& fingerprint) override {
    if (!state_.request_ids
             .emplace(std::make_pair(request_id, kind), std::make_pair(resource_id, fingerprint))
             .second) {
      return absl::AlreadyExistsError("the resource already exists");
    }
    return absl::OkStatus();
  }

  absl::Status InsertWorkRelation(const WorkRelationRecord& relation) override {
    if (!state_.work_relations.emplace(relation.id, Stored(relation)).second) {
      return absl::AlreadyExistsError("the resource already exists");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<WorkRelationRecord> GetWorkRelation(const std::string& organization_id,
                                                     const std::string& id) override {
    return Find(state_.work_relations, organization_id, id, "work relation");
  }

  absl::Status UpdateWorkRelation(const WorkRelationRecord& relation) override {
    return Replace(state_.work_relations, relation);
  }

  absl::StatusOr<std::vector<WorkRelationRecord>> ListWorkRelations(
      const WorkRelationFilter& filter, const PageRequest& page) override {
    return Page<WorkRelationRecord>(
        state_.work_relations, page, [&filter](const WorkRelationRecord& relation) {
          return (filter.organization_id.empty() ||
                  relation.organization_id == filter.organization_id) &&
                 (filter.person_id.empty() || relation.person_id == filter.person_id) &&
                 (filter.include_ended || OpenAt(relation.valid_until, filter.now));
        });
  }

  absl::Status InsertGrant(const GrantRecord& grant) override {
    if (!state_.grants.emplace(grant.id, Stored(grant)).second) {
      return absl::AlreadyExistsError("the resource already exists");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<GrantRecord> GetGrant(const std::string& organization_id,
                                       const std::string& id) override {
    return Find(state_.grants, organization_id, id, "grant");
  }

  absl::Status UpdateGrant(const GrantRecord& grant) override {
    return Replace(state_.grants, grant);
  }

  absl::StatusOr<std::vector<GrantRecord>> ListGrants(const GrantFilter& filter,
                                                      const PageRequest& page) override {
    return Page<GrantRecord>(state_.grants, page, [&filter](const GrantRecord& grant) {
      return (filter.organization_id.empty() || grant.organization_id == filter.organization_id) &&
             (filter.person_id.empty() || grant.person_id == filter.person_id) &&
             (filter.role.empty() || grant.role == filter.role) &&
             (filter.include_inactive ||
              (!grant.revoke_time.has_value() && OpenAt(grant.valid_until, filter.now)));
    });
  }

  // Transactions of the fake run one at a time: nothing to lock.
  absl::StatusOr<std::vector<GrantRecord>> LockGrantsWithRole(const std::string& organization_id,
                                                              const std::string& role,
                                                              absl::Time now) override {
    return ListGrants({organization_id, "", role, false, now}, {1000000, ""});
  }

  absl::Status InsertAccessRequest(const AccessRequestRecord& request) override {
    if (state_.access_requests.count(request.id) != 0 ||
        OpenKeyTaken(state_.access_requests, request)) {
      return absl::AlreadyExistsError("the resource already exists");
    }
    state_.access_requests.emplace(request.id, Stored(request));
    return absl::OkStatus();
  }

  absl::StatusOr<AccessRequestRecord> GetAccessRequest(const std::string& organization_id,
                                                       const std::string& id) override {
    return Find(state_.access_requests, organization_id, id, "access request");
  }

  absl::Status UpdateAccessRequest(const AccessRequestRecord& request) override {
    auto it = state_.access_requests.find(request.id);
    const bool current = it != state_.access_requests.end() &&
                         it->second.organization_id == request.organization_id &&
                         it->second.version == request.version - 1;
    // MySQL matches the version first (0 rows: ABORTED), then checks the unique key.
    if (current && OpenKeyTaken(state_.access_requests, request)) {
      return absl::AlreadyExistsError("the resource already exists");
    }
    return Replace(state_.access_requests, request);
  }

  absl::StatusOr<std::vector<AccessRequestRecord>> ListAccessRequests(
      const AccessRequestFilter& filter, const PageRequest& page) override {
    return Page<AccessRequestRecord>(
        state_.access_requests, page, [&filter](const AccessRequestRecord& request) {
          return (filter.organization_id.empty() ||
                  request.organization_id == filter.organization_id) &&
                 (filter.state.empty() || request.state == filter.state) &&
                 (filter.requester_id.empty() || request.requester_id == filter.requester_id);
        });
  }

  absl::StatusOr<std::vector<AccessRequestRecord>> ClaimExpiredRequests(absl::Time now,
                                                                        int limit) override {
    if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
    std::vector<AccessRequestRecord> due;
    for (const auto& [id, request] : state_.access_requests) {
      if (request.state == "PENDING" && request.expire_time <= ToMicros(now)) {
        due.push_back(request);
      }
    }
    std::sort(due.begin(), due.end(), [](const auto& a, const auto& b) {
      return std::tie(a.expire_time, a.id) < std::tie(b.expire_time, b.id);
    });
    if (static_cast<int>(due.size()) > limit) due.resize(limit);
    return due;
  }

  absl::StatusOr<std::vector<GrantRecord>> ClaimExpiringGrants(absl::Time now, absl::Time horizon,
                                                               int limit) override {
    if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
    std::vector<GrantRecord> due;
    for (const auto& [id, grant] : state_.grants) {
      if (!grant.revoke_time && grant.valid_until && *grant.valid_until > now &&
          *grant.valid_until <= horizon && !state_.expiry_notices.contains(id)) {
        due.push_back(grant);
      }
    }
    std::sort(due.begin(), due.end(), [](const auto& a, const auto& b) {
      return std::tie(*a.valid_until, a.id) < std::tie(*b.valid_until, b.id);
    });
    if (static_cast<int>(due.size()) > limit) due.resize(limit);
    return due;
  }

  absl::Status MarkExpiryNoticeSent(const std::string& organization_id, const std::string& id,
                                    absl::Time when) override {
    auto it = state_.grants.find(id);
    if (it == state_.grants.end() || it->second.organization_id != organization_id) {
      return absl::NotFoundError("grant not found");
    }
    state_.expiry_notices[id] = when;
    return absl::OkStatus();
  }

  absl::StatusOr<AuditRecord> LockAuditHead(const std::string& organization_id) override {
    auto [it, created] =
        state_.audit_heads.emplace(organization_id, std::make_pair(int64_t{0}, std::string()));
    (void)created;
    AuditRecord head;
    head.organization_id = organization_id;
    head.sequence = it->second.first;
    head.hash = it->second.second;
    return head;
  }

  absl::Status InsertAudit(const AuditRecord& event) override {
    auto head = state_.audit_heads.find(event.organization_id);
    if (head == state_.audit_heads.end() || head->second.first != event.sequence - 1 ||
        head->second.second != event.prev_hash) {
      return absl::FailedPreconditionError(
          "the audit event does not follow the organisation's audit head");
    }
    AuditRecord stored = event;
    stored.event_time = ToMicros(event.event_time);
    if (!state_.audit.emplace(std::make_pair(event.organization_id, event.sequence), stored)
             .second) {
      return absl::AlreadyExistsError("the resource already exists");
    }
    head->second = {event.sequence, event.hash};
    return absl::OkStatus();
  }

  absl::Status BumpRevision(const std::string& organization_id) override {
    ++state_.revisions[organization_id];
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> AppendOutbox(const OutboxMessage& message) override {
    state_.outbox.emplace_back(++state_.last_outbox_id, message);
    return state_.last_outbox_id;
  }

 private:
  FakeRightsStore::State& state_;
  std::vector<std::string>* announced_again_;
};

}  // namespace

absl::Status FakeRightsStore::Transact(
    const std::function<absl::Status(RightsTransaction&)>& body) {
  absl::MutexLock lock(&mu_);
  if (!next_failure_.ok()) return std::exchange(next_failure_, absl::OkStatus());
  State copy = state_;
  FakeRightsTransaction transaction(copy, &announced_again_);
  absl::Status status = body(transaction);
  if (status.ok()) state_ = std::move(copy);
  return status;
}

std::vector<std::string> FakeRightsStore::AnnouncedAgain() {
  absl::MutexLock lock(&mu_);
  return announced_again_;
}

absl::Status FakeRightsStore::Read(const std::function<absl::Status(RightsTransaction&)>& body) {
  absl::MutexLock lock(&mu_);
  if (!next_failure_.ok()) return std::exchange(next_failure_, absl::OkStatus());
  State copy = state_;
  FakeRightsTransaction transaction(copy);
  return body(transaction);
}

absl::StatusOr<std::vector<WorkRelationRecord>> FakeRightsStore::UnendedWorkRelations(
    const std::string& organization_id, const std::string& person_id, absl::Time now) {
  absl::MutexLock lock(&mu_);
  const absl::Time at = ToMicros(now);
  std::vector<WorkRelationRecord> relations;
  for (const auto& [id, relation] : state_.work_relations) {
    if (relation.organization_id == organization_id && relation.person_id == person_id &&
        (!relation.valid_until || at < *relation.valid_until)) {
      relations.push_back(relation);
    }
  }
  return relations;
}

absl::StatusOr<std::vector<GrantRecord>> FakeRightsStore::UnendedGrants(
    const std::string& organization_id, const std::string& person_id, absl::Time now) {
  absl::MutexLock lock(&mu_);
  const absl::Time at = ToMicros(now);
  std::vector<GrantRecord> grants;
  for (const auto& [id, grant] : state_.grants) {
    if (grant.organization_id == organization_id && grant.person_id == person_id &&
        !grant.revoke_time && (!grant.valid_until || at < *grant.valid_until)) {
      grants.push_back(grant);
    }
  }
  return grants;
}

absl::StatusOr<int64_t> FakeRightsStore::Revision(const std::string& organization_id) {
  absl::MutexLock lock(&mu_);
  auto it = state_.revisions.find(organization_id);
  return it == state_.revisions.end() ? int64_t{0} : it->second;
}

absl::StatusOr<std::vector<AuditRecord>> FakeRightsStore::ListAudit(const AuditFilter& filter,
                                                                    int64_t after_sequence,
                                                                    int limit) {
  if (filter.organization_id.empty()) {
    return absl::InvalidArgumentError("an audit trail is listed per organisation");
  }
  if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
  absl::MutexLock lock(&mu_);
  std::vector<AuditRecord> events;
  for (auto it = state_.audit.upper_bound({filter.organization_id, after_sequence});
       it != state_.audit.end() && it->first.first == filter.organization_id &&
       static_cast<int>(events.size()) < limit;
       ++it) {
    const AuditRecord& event = it->second;
    if (filter.start_time && event.event_time < ToMicros(*filter.start_time)) continue;
    if (filter.end_time && event.event_time >= ToMicros(*filter.end_time)) continue;
    events.push_back(event);
  }
  return events;
}

std::vector<OutboxMessage> FakeRightsStore::Outbox() {
  absl::MutexLock lock(&mu_);
  std::vector<OutboxMessage> messages;
  for (const auto& [id, message] : state_.outbox) messages.push_back(message);
  return messages;
}

FakeRightsStore::State FakeRightsStore::Snapshot() {
  absl::MutexLock lock(&mu_);
  return state_;
}

void FakeRightsStore::FailNextTransact(absl::Status status) {
  absl::MutexLock lock(&mu_);
  next_failure_ = std::move(status);
}

}  // namespace wse::rights::testing
