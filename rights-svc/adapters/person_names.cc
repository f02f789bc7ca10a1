#include "rights-svc/adapters/person_names.h"

#include "absl/strings/strip.h"
#include "common/log.h"

namespace wse::rights {

const identity::PersonInfo* PersonNames::Find(const std::string& person_name) {
  auto it = known_.find(person_name);
  if (it == known_.end()) {
    std::optional<identity::PersonInfo> info;
    if (!directory_down_) {
      auto found =
          directory_.GetPerson(std::string(absl::StripPrefix(person_name, "persons/")), call_);
      if (found.ok()) {
        info = *std::move(found);
      } else if (!absl::IsNotFound(found.status())) {
        // Do not wait on a dead directory once per row.
        directory_down_ = true;
        LogWarn("person names left empty", {{"error", std::string(found.status().message())}});
      }
    }
    it = known_.emplace(person_name, std::move(info)).first;
  }
  return it->second ? &*it->second : nullptr;
}

void PersonNames::Fill(v1::WorkRelation* relation) {
  if (const identity::PersonInfo* p = Find(relation->person())) {
    relation->set_person_display_name(p->display_name);
    relation->set_masked_insz(p->masked_insz);
  }
}

void PersonNames::Fill(v1::Grant* grant) {
  if (const identity::PersonInfo* p = Find(grant->person()))
    grant->set_person_display_name(p->display_name);
}

void PersonNames::Fill(v1::AccessRequest* request) {
  if (const identity::PersonInfo* p = Find(request->requester())) {
    request->set_requester_display_name(p->display_name);
  }
}

}  // namespace wse::rights
