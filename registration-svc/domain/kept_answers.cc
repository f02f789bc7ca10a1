#include "registration-svc/domain/kept_answers.h"

#include "absl/strings/str_cat.h"

namespace wse::registration {

std::string KeptAnswers::Key(const std::string& person_id, const std::string& organization_id,
                             const std::string& permission) {
  // Ids and permission names never hold a space.
  return absl::StrCat(organization_id, " ", person_id, " ", permission);
}

std::optional<bool> KeptAnswers::Find(const std::string& person_id,
                                      const std::string& organization_id,
                                      const std::string& permission) {
  const std::optional<int64_t> revision = revisions_.Find(organization_id);
  if (!revision) return std::nullopt;  // No lease, or the organisation's rights changed.
  const std::string key = Key(person_id, organization_id, permission);
  absl::MutexLock lock(&mu_);
  auto it = answers_.find(key);
  if (it == answers_.end() || it->second.revision != *revision || clock_() >= it->second.until) {
    return std::nullopt;
  }
  return it->second.allowed;
}

void KeptAnswers::Keep(const std::string& person_id, const std::string& organization_id,
                       const std::string& permission, const rights::PermissionAnswer& answer,
                       const Asking& asking) {
  if (!answer.reusable_for || *answer.reusable_for <= absl::ZeroDuration()) return;
  // Refused when an invalidation (or a lapse) came while rights-svc was asked: the answer may
  // predate the change. The answer below is then never used: Find needs this revision.
  revisions_.Store(organization_id, answer.revision, asking.generation);
  std::string key = Key(person_id, organization_id, permission);
  absl::MutexLock lock(&mu_);
  if (answers_.size() >= max_entries_ && !answers_.contains(key)) answers_.clear();
  Answer& kept = answers_[std::move(key)];
  if (kept.revision > answer.revision) return;  // Two askers raced: the newer revision stays.
  kept = {answer.revision, answer.allowed, asking.asked_at + *answer.reusable_for};
}

}  // namespace wse::registration
