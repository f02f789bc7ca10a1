#pragma once
// Which organisations a person may act for, decided live at every list and select.
// Sources: legal representation in the KBO (identity-svc's own directory) and work relations or
// grants (owned by rights-svc). The union is taken; each organisation lists all its bases.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/request_context.h"
#include "identity-svc/domain/model.h"
#include "identity-svc/domain/store.h"

namespace wse::identity {

enum class ActingBasis { kLegalRepresentative, kWorkRelation, kGrant };

struct Membership {
  std::string organization_id;
  ActingBasis basis;
};

class MembershipSource {
 public:
  virtual ~MembershipSource() = default;
  // `call` carries the request id and deadline (and the caller's token for sources that ask
  // another service on the person's behalf). A non-empty `only_organization` says that only
  // that organisation matters (select, refresh): a source may then return less. `known` is that
  // organisation's directory record when the caller has read it already (null otherwise): a
  // source that needs it reads nothing more.
  virtual absl::StatusOr<std::vector<Membership>> MembershipsOf(
      const PersonRecord& person, const std::string& only_organization,
      const OrganizationRecord* known, const RequestContext& call) = 0;
};

// Legal representatives from the directory (automatically local administrators).
class LegalRepresentationSource final : public MembershipSource {
 public:
  explicit LegalRepresentationSource(DirectoryRepository& directory) : directory_(directory) {}
  absl::StatusOr<std::vector<Membership>> MembershipsOf(const PersonRecord& person,
                                                        const std::string& only_organization,
                                                        const OrganizationRecord* known,
                                                        const RequestContext& call) override;

 private:
  DirectoryRepository& directory_;
};

// The union of several sources, organisation id -> bases (only `only_organization`'s when set).
absl::StatusOr<std::map<std::string, std::vector<ActingBasis>>> CollectMemberships(
    const std::vector<MembershipSource*>& sources, const PersonRecord& person,
    const std::string& only_organization, const OrganizationRecord* known,
    const RequestContext& call);

}  // namespace wse::identity
