#pragma once
// The grants of (organisation, person) as of an organisation revision, for CheckPermission.
//
// Every change to an organisation's grants bumps its revision in the same transaction, so an entry
// whose revision is still current holds exactly the grants the database holds; a check reads the
// revision (one primary-key lookup) and reloads the grants only when it moved. A revoked grant is
// therefore refused on the very next call, by any replica. Entries hold grants that start later
// too: time alone turns them on and off (GrantRecord::ActiveAt).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "rights-svc/model.h"

namespace wse::rights {

class GrantCache {
 public:
  explicit GrantCache(size_t max_entries = 100000) : max_entries_(max_entries) {}

  // The grants cached for `revision`, or nothing when absent or of another revision.
  std::optional<std::vector<GrantRecord>> Find(const std::string& organization_id,
                                               const std::string& person_id, int64_t revision);
  // Stores the grants read after `revision` was read (never older than that revision).
  void Store(const std::string& organization_id, const std::string& person_id, int64_t revision,
             std::vector<GrantRecord> grants);

 private:
  struct Entry {
    int64_t revision = 0;
    std::vector<GrantRecord> grants;
  };
  static std::string Key(const std::string& organization_id, const std::string& person_id);

  const size_t max_entries_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse::rights
