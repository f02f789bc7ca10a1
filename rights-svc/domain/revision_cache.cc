#include "rights-svc/domain/revision_cache.h"

namespace wse::rights {

std::optional<int64_t> RevisionCache::Find(const std::string& organization_id) {
  absl::MutexLock lock(&mu_);
  if (!LeaseHeldLocked()) return std::nullopt;
  auto it = revisions_.find(organization_id);
  if (it == revisions_.end()) return std::nullopt;
  return it->second;
}

uint64_t RevisionCache::generation() {
  absl::MutexLock lock(&mu_);
  return generation_;
}

void RevisionCache::Store(const std::string& organization_id, int64_t revision,
                          uint64_t generation) {
  absl::MutexLock lock(&mu_);
  if (generation != generation_ || !LeaseHeldLocked()) return;
  if (revisions_.size() >= max_entries_ && !revisions_.contains(organization_id)) {
    revisions_.clear();  // Rare (one entry per organisation): start over rather than track age.
  }
  revisions_[organization_id] = revision;
}

void RevisionCache::Invalidate(const std::vector<std::string>& organization_ids) {
  absl::MutexLock lock(&mu_);
  ++generation_;
  for (const std::string& id : organization_ids) revisions_.erase(id);
}

void RevisionCache::LeaseHeldUntil(absl::Time valid_until, const std::vector<std::string>& changed,
                                   bool forget_all) {
  absl::MutexLock lock(&mu_);
  if (forget_all || !LeaseHeldLocked()) {
    ForgetAllLocked();
  } else if (!changed.empty()) {
    // A read that started before this renewal may predate those changes: not stored (Store).
    ++generation_;
    for (const std::string& id : changed) revisions_.erase(id);
  }
  valid_until_ = valid_until;
}

bool RevisionCache::LeaseHeld() {
  absl::MutexLock lock(&mu_);
  return LeaseHeldLocked();
}

bool RevisionCache::LeaseHeldLocked() { return clock_() < valid_until_; }

void RevisionCache::ForgetAllLocked() {
  ++generation_;
  revisions_.clear();
}

}  // namespace wse::rights
