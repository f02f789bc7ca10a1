#include "rights-svc/grant_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace wse::rights {

std::string GrantCache::Key(const std::string& organization_id, const std::string& person_id) {
  return absl::StrCat(organization_id, "/", person_id);
}

std::optional<std::vector<GrantRecord>> GrantCache::Find(const std::string& organization_id,
                                                         const std::string& person_id,
                                                         int64_t revision) {
  const std::string key = Key(organization_id, person_id);
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.revision != revision) return std::nullopt;
  return it->second.grants;
}

void GrantCache::Store(const std::string& organization_id, const std::string& person_id,
                       int64_t revision, std::vector<GrantRecord> grants) {
  std::string key = Key(organization_id, person_id);
  absl::MutexLock lock(&mu_);
  // Bounded without bookkeeping: when full, start over (entries are cheap to reload).
  if (entries_.size() >= max_entries_ && !entries_.contains(key)) entries_.clear();
  Entry& entry = entries_[std::move(key)];
  // Two checks may race to store; keep the newer revision.
  if (entry.revision > revision) return;
  entry.revision = revision;
  entry.grants = std::move(grants);
}

}  // namespace wse::rights
