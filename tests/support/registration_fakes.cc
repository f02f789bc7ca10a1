#include "tests/support/registration_fakes.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/request_fingerprint.h"
#include "common/status_macros.h"
#include "registration-svc/domain/school_year.h"
#include "registration-svc/domain/vov_rules.h"

namespace wse::registration::testing {
namespace {

constexpr char kChanged[] = "the resource was changed meanwhile; reload and retry";
constexpr char kExists[] = "the resource already exists";

// DATETIME(6) keeps microseconds (truncating): so does the fake, or round trips would differ.
absl::Time ToMicros(absl::Time time) { return absl::FromUnixMicros(absl::ToUnixMicros(time)); }

TrainingRecord Stored(TrainingRecord training) {
  training.create_time = ToMicros(training.create_time);
  training.update_time = ToMicros(training.update_time);
  // Not stored by MySQL either: read back as the modules' codes.
  training.facts.module_codes.clear();
  training.facts.module_hours.clear();
  for (const TrainingModuleRecord& module : training.modules) {
    training.facts.module_codes.push_back(module.code);
    training.facts.module_hours.push_back(module.hours);
  }
  return training;
}

DraftRecord Stored(DraftRecord draft) {
  draft.create_time = ToMicros(draft.create_time);
  draft.update_time = ToMicros(draft.update_time);
  draft.expire_time = ToMicros(draft.expire_time);
  draft.participant_count = 0;  // Counted on reads.
  return draft;
}

RegistrationRecord Stored(RegistrationRecord registration) {
  registration.create_time = ToMicros(registration.create_time);
  registration.update_time = ToMicros(registration.update_time);
  return registration;
}

std::string AsciiLower(const std::string& text) {
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

bool ContainsFolded(const std::string& haystack, const std::string& needle) {
  return AsciiLower(haystack).find(AsciiLower(needle)) != std::string::npos;
}

bool MatchesTraining(const TrainingRecord& training, const TrainingFilter& filter) {
  const TrainingFacts& facts = training.facts;
  if (!filter.provider_organization_id.empty() &&
      facts.provider_organization_id != filter.provider_organization_id) {
    return false;
  }
  if (filter.school_year != 0) {
    // The domain's rule itself, which the SQL mirrors.
    if (SchoolYearFinding(facts, SchoolYear::StartingIn(filter.school_year))) return false;
  }
  return filter.query.empty() || ContainsFolded(training.title, filter.query) ||
         ContainsFolded(facts.odb_number, filter.query);
}

// Up to `page.size` records of `records` (a map by id) with ids below page.after ("" = from the
// newest), newest first, passing `keep`.
template <typename Record, typename Keep>
std::vector<Record> NewestFirst(const std::map<std::string, Record>& records, const Page& page,
                                const Keep& keep) {
  std::vector<Record> result;
  auto end = page.after.empty() ? records.end() : records.lower_bound(page.after);
  for (auto it = std::make_reverse_iterator(end);
       it != records.rend() && static_cast<int>(result.size()) < page.size; ++it) {
    if (keep(it->second)) result.push_back(it->second);
  }
  return result;
}

absl::Status CheckPageSize(const Page& page) {
  if (page.size < 1) return absl::InvalidArgumentError("page size must be at least 1");
  return absl::OkStatus();
}

class FakeRegistrationTransaction : public RegistrationTransaction {
 public:
  FakeRegistrationTransaction(FakeRegistrationStore::State& state, int64_t& last_receipt_number)
      : state_(state), last_receipt_number_(last_receipt_number) {}

  absl::StatusOr<std::optional<std::string>> FindRequestId(
      const std::string& organization_id, const std::string& kind, const std::string& request_id,
      const std::string& fingerprint) override {
    auto it = state_.request_ids.find({organization_id, kind, request_id});
    if (it == state_.request_ids.end()) return std::optional<std::string>();
    RETURN_IF_ERROR(CheckSameRequest(it->second.second, fingerprint));
    return std::optional<std::string>(it->second.first);
  }

  absl::Status RecordRequestId(const std::string& organization_id, const std::string& kind,
                               const std::string& request_id, const std::string& resource_id,
                               const std::string& fingerprint) override {
    if (!state_.request_ids
             .emplace(std::make_tuple(organization_id, kind, request_id),
                      std::make_pair(resource_id, fingerprint))
             .second) {
      return absl::AlreadyExistsError(kExists);
    }
    return absl::OkStatus();
  }

  // --- trainings ---

  absl::StatusOr<TrainingRecord> GetTraining(const std::string& odb_number) override {
    auto it = state_.trainings.find(odb_number);
    if (it == state_.trainings.end()) return absl::NotFoundError("training not found");
    return it->second;
  }

  absl::Status UpsertTraining(const TrainingRecord& training) override {
    TrainingRecord stored = Stored(training);
    auto it = state_.trainings.find(training.facts.odb_number);
    if (it == state_.trainings.end()) {
      state_.trainings.emplace(training.facts.odb_number, std::move(stored));
    } else {
      stored.create_time = it->second.create_time;
      it->second = std::move(stored);
    }
    return absl::OkStatus();
  }

  // --- drafts ---

  absl::Status InsertDraft(const DraftRecord& draft) override {
    if (!state_.drafts.emplace(draft.id, Stored(draft)).second) {
      return absl::AlreadyExistsError(kExists);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<DraftRecord> GetDraft(const std::string& organization_id,
                                       const std::string& id) override {
    auto it = state_.drafts.find(id);
    if (it == state_.drafts.end() || it->second.organization_id != organization_id) {
      return absl::NotFoundError("draft not found");
    }
    return Counted(it->second);
  }

  absl::Status UpdateDraft(const DraftRecord& draft) override {
    auto it = state_.drafts.find(draft.id);
    if (it == state_.drafts.end() || it->second.organization_id != draft.organization_id ||
        it->second.version != draft.version - 1) {
      return absl::AbortedError(kChanged);
    }
    DraftRecord stored = Stored(draft);
    stored.create_time = it->second.create_time;
    it->second = std::move(stored);
    return absl::OkStatus();
  }

  absl::Status MarkValidated(const std::string& organization_id, const std::string& id,
                             int64_t version) override {
    auto it = state_.drafts.find(id);
    if (it != state_.drafts.end() && it->second.organization_id == organization_id &&
        it->second.version == version) {
      it->second.validated_version = version;
    }
    return absl::OkStatus();
  }

  absl::Status DeleteDraft(const std::string& organization_id, const std::string& id) override {
    auto it = state_.drafts.find(id);
    if (it == state_.drafts.end() || it->second.organization_id != organization_id) {
      return absl::NotFoundError("draft not found");
    }
    state_.drafts.erase(it);
    state_.participants.erase(id);
    return absl::OkStatus();
  }

  absl::StatusOr<int> PurgeDrafts(absl::Time expired_before, int limit) override {
    if (limit < 1) return absl::InvalidArgumentError("limit must be at least 1");
    std::vector<std::pair<absl::Time, std::string>> expired;
    for (const auto& [id, draft] : state_.drafts) {
      if (draft.expire_time < expired_before) expired.emplace_back(draft.expire_time, id);
    }
    std::sort(expired.begin(), expired.end());
    if (expired.size() > static_cast<size_t>(limit)) expired.resize(limit);
    for (const auto& [when, id] : expired) {
      state_.drafts.erase(id);
      state_.participants.erase(id);
    }
    return static_cast<int>(expired.size());
  }

  absl::StatusOr<std::vector<DraftRecord>> ListDrafts(const DraftFilter& filter,
                                                      const Page& page) override {
    RETURN_IF_ERROR(CheckPageSize(page));
    std::vector<DraftRecord> drafts =
        NewestFirst(state_.drafts, page, [&filter](const DraftRecord& draft) {
          return draft.organization_id == filter.organization_id &&
                 (filter.odb_number.empty() || draft.odb_number == filter.odb_number) &&
                 (filter.school_year == 0 || draft.school_year == filter.school_year) &&
                 (filter.include_closed || draft.state == DraftState::kOpen);
        });
    for (DraftRecord& draft : drafts) draft = Counted(draft);
    return drafts;
  }

  absl::StatusOr<std::vector<DraftRecord>> OpenCorrections(
      const std::string& organization_id, const std::string& registration_id) override {
    Page all;
    all.size = static_cast<int>(state_.drafts.size()) + 1;
    std::vector<DraftRecord> drafts = NewestFirst(state_.drafts, all, [&](const DraftRecord& d) {
      // An empty registration_id matches nothing: MySQL stores "no correction" as NULL.
      return !registration_id.empty() && d.organization_id == organization_id &&
             d.corrects_registration_id == registration_id && d.state == DraftState::kOpen;
    });
    for (DraftRecord& draft : drafts) draft = Counted(draft);
    return drafts;
  }

  // --- participants ---

  absl::StatusOr<std::vector<ParticipantRecord>> ListParticipants(
      const std::string& draft_id) override {
    std::vector<ParticipantRecord> rows;
    auto it = state_.participants.find(draft_id);
    if (it == state_.participants.end()) return rows;
    rows.reserve(it->second.size());
    for (const auto& [id, participant] : it->second) rows.push_back(participant);
    return rows;
  }

  absl::StatusOr<ParticipantRecord> GetParticipant(const std::string& draft_id,
                                                   const std::string& participant_id) override {
    auto draft = state_.participants.find(draft_id);
    if (draft != state_.participants.end()) {
      auto it = draft->second.find(participant_id);
      if (it != draft->second.end()) return it->second;
    }
    return absl::NotFoundError("participant not found");
  }

  absl::Status InsertParticipants(const std::string& draft_id,
                                  const std::vector<ParticipantRecord>& participants) override {
    std::map<std::string, ParticipantRecord>& rows = state_.participants[draft_id];
    // Both unique keys of draft_participants: (draft_id, id) and (draft_id, insz).
    std::set<std::string> ids;
    std::set<std::string> insz;
    for (const auto& [id, row] : rows) {
      ids.insert(id);
      insz.insert(row.input.insz);
    }
    for (const ParticipantRecord& participant : participants) {
      if (!ids.insert(participant.id).second || !insz.insert(participant.input.insz).second) {
        if (rows.empty()) state_.participants.erase(draft_id);
        return absl::AlreadyExistsError(kExists);  // Nothing written yet.
      }
    }
    for (const ParticipantRecord& participant : participants) rows[participant.id] = participant;
    return absl::OkStatus();
  }

  absl::Status MergeParticipants(const std::string& draft_id,
                                 const std::vector<ParticipantRecord>& participants) override {
    std::map<std::string, ParticipantRecord>& rows = state_.participants[draft_id];
    std::map<std::string, std::string> id_by_insz;
    for (const auto& [id, row] : rows) id_by_insz[row.input.insz] = id;
    for (const ParticipantRecord& participant : participants) {
      auto known = id_by_insz.find(participant.input.insz);
      // Like ON DUPLICATE KEY UPDATE: a clash on the INSZ (or, a caller error, on the id)
      // replaces that row's data and keeps its id and INSZ.
      const std::string id = known != id_by_insz.end() ? known->second : participant.id;
      auto existing = rows.find(id);
      if (existing != rows.end()) {
        ReplaceData(existing->second, participant);
      } else {
        rows[id] = participant;
        id_by_insz[participant.input.insz] = id;
      }
    }
    if (rows.empty()) state_.participants.erase(draft_id);
    return absl::OkStatus();
  }

  absl::Status UpdateParticipant(const std::string& draft_id,
                                 const ParticipantRecord& participant) override {
    auto draft = state_.participants.find(draft_id);
    if (draft != state_.participants.end()) {
      auto it = draft->second.find(participant.id);
      if (it != draft->second.end()) {
        ReplaceData(it->second, participant);
        return absl::OkStatus();
      }
    }
    return absl::NotFoundError("participant not found");
  }

  absl::Status DeleteParticipant(const std::string& draft_id,
                                 const std::string& participant_id) override {
    auto draft = state_.participants.find(draft_id);
    if (draft == state_.participants.end() || draft->second.erase(participant_id) == 0) {
      return absl::NotFoundError("participant not found");
    }
    if (draft->second.empty()) state_.participants.erase(draft);
    return absl::OkStatus();
  }

  absl::Status DeleteAllParticipants(const std::string& draft_id) override {
    state_.participants.erase(draft_id);
    return absl::OkStatus();
  }

  // --- registrations ---

  absl::Status InsertRegistration(const RegistrationRecord& registration) override {
    if (!state_.registrations.emplace(registration.id, Stored(registration)).second) {
      return absl::AlreadyExistsError(kExists);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<RegistrationRecord> GetRegistration(const std::string& organization_id,
                                                     const std::string& id) override {
    auto it = state_.registrations.find(id);
    if (it == state_.registrations.end() || it->second.organization_id != organization_id) {
      return absl::NotFoundError("registration not found");
    }
    return it->second;
  }

  absl::Status UpdateRegistration(const RegistrationRecord& registration) override {
    auto it = state_.registrations.find(registration.id);
    if (it == state_.registrations.end() ||
        it->second.organization_id != registration.organization_id ||
        it->second.latest_version != registration.latest_version - 1) {
      return absl::AbortedError(kChanged);
    }
    it->second.latest_version = registration.latest_version;
    it->second.withdrawn = registration.withdrawn;
    it->second.update_time = ToMicros(registration.update_time);
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> InsertVersion(const RegistrationVersionRecord& version) override {
    const auto key = std::make_pair(version.registration_id, version.version);
    if (state_.versions.count(key) != 0) return absl::AlreadyExistsError(kExists);
    RegistrationVersionRecord stored = version;
    stored.submit_time = ToMicros(version.submit_time);
    stored.receipt_number = ++last_receipt_number_;
    state_.versions.emplace(key, std::move(stored));
    return last_receipt_number_;
  }

  absl::StatusOr<RegistrationVersionRecord> GetVersion(const std::string& organization_id,
                                                       const std::string& registration_id,
                                                       int version,
                                                       bool with_participants) override {
    auto it = state_.versions.find({registration_id, version});
    if (it == state_.versions.end() || it->second.organization_id != organization_id) {
      return absl::NotFoundError("registration version not found");
    }
    return Shown(it->second, with_participants);
  }

  absl::StatusOr<std::vector<RegistrationVersionRecord>> ListRegistrations(
      const RegistrationFilter& filter, const Page& page, bool with_participants) override {
    RETURN_IF_ERROR(CheckPageSize(page));
    std::vector<RegistrationVersionRecord> result;
    auto end = page.after.empty() ? state_.registrations.end()
                                  : state_.registrations.lower_bound(page.after);
    for (auto it = std::make_reverse_iterator(end);
         it != state_.registrations.rend() && static_cast<int>(result.size()) < page.size; ++it) {
      const RegistrationRecord& head = it->second;
      if (head.organization_id != filter.organization_id ||
          (!filter.odb_number.empty() && head.odb_number != filter.odb_number) ||
          (filter.school_year != 0 && head.school_year != filter.school_year) ||
          (!filter.include_withdrawn && head.withdrawn)) {
        continue;
      }
      auto latest = state_.versions.find({head.id, head.latest_version});
      if (latest == state_.versions.end()) continue;  // The SQL joins the latest version.
      if (!filter.insz.empty() && !HasParticipant(latest->second, filter.insz)) continue;
      result.push_back(Shown(latest->second, with_participants));
    }
    return result;
  }

  absl::StatusOr<std::vector<RegistrationVersionRecord>> ListVersions(
      const std::string& organization_id, const std::string& registration_id, const Page& page,
      bool with_participants) override {
    RETURN_IF_ERROR(CheckPageSize(page));
    int before = 0;
    if (!page.after.empty() && !absl::SimpleAtoi(page.after, &before)) {
      return absl::InvalidArgumentError("page token of versions must be a version number");
    }
    std::vector<RegistrationVersionRecord> result;
    auto first = state_.versions.lower_bound({registration_id, std::numeric_limits<int>::min()});
    auto end = page.after.empty()
                   ? state_.versions.upper_bound({registration_id, std::numeric_limits<int>::max()})
                   : state_.versions.lower_bound({registration_id, before});
    for (auto it = std::make_reverse_iterator(end);
         it != std::make_reverse_iterator(first) && static_cast<int>(result.size()) < page.size;
         ++it) {
      if (it->second.organization_id != organization_id) continue;
      result.push_back(Shown(it->second, with_participants));
    }
    return result;
  }

  // --- active participants ---

  absl::StatusOr<std::vector<ActiveConflict>> FindActiveConflicts(
      const std::string& odb_number, int school_year, const std::vector<std::string>& insz,
      const std::string& except_registration_id) override {
    std::vector<ActiveConflict> conflicts;
    const std::set<std::string> wanted(insz.begin(), insz.end());  // Sorted, once each.
    for (const std::string& one : wanted) {
      auto it = state_.active.find({odb_number, school_year, one});
      if (it != state_.active.end() && it->second != except_registration_id) {
        ActiveConflict conflict;
        conflict.insz = one;
        conflict.registration_id = it->second;
        conflicts.push_back(conflict);
      }
    }
    return conflicts;
  }

  absl::Status SetActiveParticipants(const std::string& registration_id,
                                     const std::string& odb_number, int school_year,
                                     const std::vector<std::string>& insz) override {
    ASSIGN_OR_RETURN(auto conflicts,
                     FindActiveConflicts(odb_number, school_year, insz, registration_id));
    // A repeated INSZ clashes with itself on the primary key in MySQL.
    if (!conflicts.empty() ||
        std::set<std::string>(insz.begin(), insz.end()).size() != insz.size()) {
      return absl::AlreadyExistsError(
          "a participant is already active in another registration of this training and school"
          " year");
    }
    for (auto it = state_.active.begin(); it != state_.active.end();) {
      it = it->second == registration_id ? state_.active.erase(it) : std::next(it);
    }
    for (const std::string& one : insz) {
      state_.active[{odb_number, school_year, one}] = registration_id;
    }
    return absl::OkStatus();
  }

  absl::Status AddActiveParticipants(const std::string& registration_id,
                                     const std::string& odb_number, int school_year,
                                     const std::vector<std::string>& insz) override {
    for (const auto& [key, owner] : state_.active) {
      if (owner == registration_id) {
        return absl::FailedPreconditionError("the registration has active participants already");
      }
    }
    return SetActiveParticipants(registration_id, odb_number, school_year, insz);
  }

  absl::StatusOr<uint64_t> AppendOutbox(const OutboxMessage& message) override {
    state_.outbox.emplace_back(++state_.last_outbox_id, message);
    return state_.last_outbox_id;
  }

 private:
  // `draft` with participant_count counted, as the SQL reads it.
  DraftRecord Counted(DraftRecord draft) const {
    auto it = state_.participants.find(draft.id);
    draft.participant_count =
        it == state_.participants.end() ? 0 : static_cast<int>(it->second.size());
    return draft;
  }

  // Replaces a stored participant's data; its id and INSZ stay.
  static void ReplaceData(ParticipantRecord& stored, const ParticipantRecord& given) {
    const std::string insz = stored.input.insz;
    stored.display_name = given.display_name;
    stored.input = given.input;
    stored.input.insz = insz;
  }

  static RegistrationVersionRecord Shown(const RegistrationVersionRecord& version,
                                         bool with_participants) {
    RegistrationVersionRecord shown = version;
    if (!with_participants) shown.participants.clear();
    return shown;
  }

  static bool HasParticipant(const RegistrationVersionRecord& version, const std::string& insz) {
    for (const RegisteredParticipant& line : version.participants) {
      if (line.input.insz == insz) return true;
    }
    return false;
  }

  FakeRegistrationStore::State& state_;
  int64_t& last_receipt_number_;
};

}  // namespace

absl::Status FakeRegistrationStore::Transact(
    const std::function<absl::Status(RegistrationTransaction&)>& body) {
  absl::MutexLock lock(&mu_);
  if (!next_failure_.ok()) return std::exchange(next_failure_, absl::OkStatus());
  State copy = state_;
  FakeRegistrationTransaction transaction(copy, last_receipt_number_);
  absl::Status status = body(transaction);
  if (status.ok()) state_ = std::move(copy);
  return status;
}

absl::StatusOr<TrainingRecord> FakeRegistrationStore::GetTraining(const std::string& odb_number) {
  absl::MutexLock lock(&mu_);
  auto it = state_.trainings.find(odb_number);
  if (it == state_.trainings.end()) return absl::NotFoundError("training not found");
  return it->second;
}

absl::StatusOr<std::vector<TrainingRecord>> FakeRegistrationStore::ListTrainings(
    const TrainingFilter& filter, const Page& page) {
  RETURN_IF_ERROR(CheckPageSize(page));
  absl::MutexLock lock(&mu_);
  std::vector<TrainingRecord> trainings;
  for (auto it = state_.trainings.upper_bound(page.after);
       it != state_.trainings.end() && static_cast<int>(trainings.size()) < page.size; ++it) {
    if (MatchesTraining(it->second, filter)) trainings.push_back(it->second);
  }
  return trainings;
}

std::vector<OutboxMessage> FakeRegistrationStore::Outbox() {
  absl::MutexLock lock(&mu_);
  std::vector<OutboxMessage> messages;
  for (const auto& [id, message] : state_.outbox) messages.push_back(message);
  return messages;
}

FakeRegistrationStore::State FakeRegistrationStore::Snapshot() {
  absl::MutexLock lock(&mu_);
  return state_;
}

void FakeRegistrationStore::FailNextTransact(absl::Status status) {
  absl::MutexLock lock(&mu_);
  next_failure_ = std::move(status);
}

}  // namespace wse::registration::testing
