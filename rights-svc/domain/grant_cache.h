#pragma once
// The grants and work relations of (organisation, person) as of an organisation revision, for
// CheckPermission and CheckMembership.
//
// Every change to an organisation's grants or work relations bumps its revision in the same
// transaction, so an entry whose revision is still current holds exactly the records the database
// holds; a check learns the revision (revision_cache.h, or one primary-key lookup) and reloads the
// records only when it moved. A revoked grant or ended work relation is therefore refused on the
// very next call, by any replica. Entries hold records that start later too: time alone turns
// them on and off (ActiveAt).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rights-svc/domain/model.h"

namespace wse::rights {

template <typename Record>
class RecordsByRevision {
 public:
  explicit RecordsByRevision(size_t max_entries = 100000) : max_entries_(max_entries) {}

  // The records cached for `revision`, or nothing when absent or of another revision.
  std::optional<std::vector<Record>> Find(const std::string& organization_id,
                                          const std::string& person_id, int64_t revision) {
    const std::string key = Key(organization_id, person_id);
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.revision != revision) return std::nullopt;
    return it->second.records;
  }

  // Stores the records read after `revision` was read (never older than that revision).
  void Store(const std::string& organization_id, const std::string& person_id, int64_t revision,
             std::vector<Record> records) {
    std::string key = Key(organization_id, person_id);
    absl::MutexLock lock(&mu_);
    // Bounded without bookkeeping: when full, start over (entries are cheap to reload).
    if (entries_.size() >= max_entries_ && !entries_.contains(key)) entries_.clear();
    Entry& entry = entries_[std::move(key)];
    // Two checks may race to store; keep the newer revision.
    if (entry.revision > revision) return;
    entry.revision = revision;
    entry.records = std::move(records);
  }

 private:
  struct Entry {
    int64_t revision = 0;
    std::vector<Record> records;
  };
  static std::string Key(const std::string& organization_id, const std::string& person_id) {
    return absl::StrCat(organization_id, "/", person_id);
  }

  const size_t max_entries_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

using GrantCache = RecordsByRevision<GrantRecord>;
using WorkRelationCache = RecordsByRevision<WorkRelationRecord>;

}  // namespace wse::rights
