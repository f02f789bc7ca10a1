#pragma once
// Fills the output-only person fields of answers (WorkRelation.person_display_name and
// masked_insz, Grant.person_display_name, AccessRequest.requester_display_name) from the
// directory, asking each person once per call. Best effort: when identity-svc cannot answer, the
// fields stay empty and the answer still goes out (the records themselves are complete).

#include <string>

#include "absl/container/flat_hash_map.h"
#include "common/call_context.h"
#include "identity-svc/client/identity_client.h"
#include "wse/rights/v1/rights_service.pb.h"

namespace wse::rights {

class PersonNames {
 public:
  PersonNames(identity::IdentityClient& directory, const RequestContext& call)
      : directory_(directory), call_(call) {}

  void Fill(v1::WorkRelation* relation);
  void Fill(v1::Grant* grant);
  void Fill(v1::AccessRequest* request);

 private:
  // nullptr when the person is unknown or the directory is unavailable.
  const identity::PersonInfo* Find(const std::string& person_name);

  identity::IdentityClient& directory_;
  const RequestContext& call_;
  absl::flat_hash_map<std::string, std::optional<identity::PersonInfo>> known_;
  bool directory_down_ = false;
};

}  // namespace wse::rights
