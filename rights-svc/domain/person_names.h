#pragma once
// The people an answer names (a work relation's person, a grant's holder, a request's requester),
// looked up in the directory once per person per call. Best effort: when identity-svc cannot
// answer, Find answers nullptr and the answer still goes out without display names (the records
// themselves are complete); after the first failure the directory is not asked again in this
// call, so a dead directory costs one timeout, not one per row.

#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "common/request_context.h"
#include "identity-svc/client/identity_client.h"

namespace wse::rights {

class PersonNames {
 public:
  PersonNames(identity::IdentityClient& directory, const RequestContext& call)
      : directory_(directory), call_(call) {}

  // `person`: "persons/{id}" or the bare id. nullptr when unknown or the directory is down.
  const identity::PersonInfo* Find(const std::string& person);

 private:
  identity::IdentityClient& directory_;
  const RequestContext& call_;
  absl::flat_hash_map<std::string, std::optional<identity::PersonInfo>> known_;
  bool directory_down_ = false;
};

}  // namespace wse::rights
