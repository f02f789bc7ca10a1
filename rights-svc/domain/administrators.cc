#include "rights-svc/domain/administrators.h"

#include <algorithm>

#include "common/status.h"

namespace wse::rights {
namespace {

// The latest end among the person's work relations active at `now` (InfinitePast: none).
absl::Time RelatedUntil(const AdministratorFacts& facts, const std::string& person_id,
                        absl::Time now) {
  absl::Time until = absl::InfinitePast();
  for (const WorkRelationRecord& relation : facts.relations) {
    if (relation.person_id != person_id || !relation.ActiveAt(now)) continue;
    until = std::max(until, relation.valid_until.value_or(absl::InfiniteFuture()));
  }
  return until;
}

}  // namespace

bool Administers(const AdministratorFacts& facts, const std::string& person_id, absl::Time now) {
  if (std::find(facts.legal_representative_ids.begin(), facts.legal_representative_ids.end(),
                person_id) != facts.legal_representative_ids.end()) {
    return true;
  }
  return std::any_of(facts.grants.begin(), facts.grants.end(), [&](const GrantRecord& grant) {
    return grant.person_id == person_id && grant.ActiveAt(now) &&
           RelatedUntil(facts, person_id, now) > now;
  });
}

absl::Time AdministeredUntil(const AdministratorFacts& facts, absl::Time now) {
  if (!facts.legal_representative_ids.empty()) return absl::InfiniteFuture();
  absl::Time until = absl::InfinitePast();
  for (const GrantRecord& grant : facts.grants) {
    if (!grant.ActiveAt(now)) continue;
    const absl::Time related_until = RelatedUntil(facts, grant.person_id, now);
    until = std::max(until,
                     std::min(grant.valid_until.value_or(absl::InfiniteFuture()), related_until));
  }
  return until;
}

absl::Status KeepsAnAdministrator(const AdministratorFacts& before, const AdministratorFacts& after,
                                  absl::Time now) {
  if (AdministeredUntil(after, now) >= AdministeredUntil(before, now)) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition,
                      "the organisation would be left without a local administrator")
      .Reason("LAST_LOCAL_ADMINISTRATOR")
      .Dutch(
          "Dit is de laatste lokale beheerder van de organisatie (of de enige wiens recht niet "
          "eerder afloopt). Stel eerst een andere lokale beheerder aan.");
}

}  // namespace wse::rights
