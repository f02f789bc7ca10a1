#include "rights-svc/domain/person_names.h"

#include "absl/strings/strip.h"
#include "common/log.h"

namespace wse::rights {

const identity::PersonInfo* PersonNames::Find(const std::string& person) {
  const std::string id(absl::StripPrefix(person, "persons/"));
  auto it = known_.find(id);
  if (it == known_.end()) {
    std::optional<identity::PersonInfo> info;
    if (!directory_down_) {
      auto found = directory_.GetPerson(id, call_);
      if (found.ok()) {
        info = *std::move(found);
      } else if (!absl::IsNotFound(found.status())) {
        directory_down_ = true;
        LogWarn("person names left empty", {{"error", std::string(found.status().message())}});
      }
    }
    it = known_.emplace(id, std::move(info)).first;
  }
  return it->second ? &*it->second : nullptr;
}

}  // namespace wse::rights
