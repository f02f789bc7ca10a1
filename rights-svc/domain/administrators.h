#pragma once
// "An organisation keeps at least one local administrator", as a pure rule over what the database
// holds (RightsManager locks and reads it inside the transaction that changes it).
//
// A local administrator is a legal representative of the organisation (the KBO; rights-svc cannot
// end that), or a person with an active local-administrator grant and an active work relation
// (a grant counts only with a work relation). They administer until their grant ends or their last
// work relation ends, whichever comes first.
//
// A change may not bring closer the last moment at which the organisation still has a local
// administrator ("administered until"): revoking the only open-ended administrator while
// another's grant ends next month would leave the organisation without one next month, so it is
// refused too.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "rights-svc/domain/model.h"

namespace wse::rights {

struct AdministratorFacts {
  std::vector<std::string> legal_representative_ids;
  std::vector<GrantRecord> grants;            // Unrevoked local-administrator grants.
  std::vector<WorkRelationRecord> relations;  // Unended work relations of their holders.
};

// The last moment covered by an administrator at `now`: InfiniteFuture when open-ended,
// InfinitePast when the organisation has none now.
absl::Time AdministeredUntil(const AdministratorFacts& facts, absl::Time now);

// Whether the person is a local administrator at `now` by these facts.
bool Administers(const AdministratorFacts& facts, const std::string& person_id, absl::Time now);

// OK unless `after` is administered until an earlier moment than `before`
// (FAILED_PRECONDITION, reason LAST_LOCAL_ADMINISTRATOR, with the Dutch guidance).
absl::Status KeepsAnAdministrator(const AdministratorFacts& before, const AdministratorFacts& after,
                                  absl::Time now);

}  // namespace wse::rights
