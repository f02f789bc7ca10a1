#pragma once
// Fills the output-only person fields of answers (WorkRelation.person_display_name and
// masked_insz, Grant.person_display_name, AccessRequest.requester_display_name) from the
// domain's PersonNames.

#include "rights-svc/domain/person_names.h"
#include "wse/rights/v1/rights_service.pb.h"

namespace wse::rights {

void FillNames(PersonNames& names, v1::WorkRelation* relation);
void FillNames(PersonNames& names, v1::Grant* grant);
void FillNames(PersonNames& names, v1::AccessRequest* request);

// For a single message: FillNames(queries.Names(call), response->mutable_grant()).
template <typename Message>
void FillNames(PersonNames&& names, Message* message) {
  FillNames(names, message);
}

}  // namespace wse::rights
