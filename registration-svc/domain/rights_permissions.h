#pragma once
// registration-svc's Permissions answered by rights-svc (through its client library) on behalf
// of the caller: the decision (kept under rights-svc's lease when given KeptAnswers:
// kept_answers.h), and what the person could request instead (always asked).

#include <string>

#include "common/metrics.h"
#include "registration-svc/domain/kept_answers.h"
#include "registration-svc/domain/permissions.h"
#include "rights-svc/client/rights_client.h"

namespace wse::registration {

class RightsPermissions final : public Permissions {
 public:
  // `preferred_context`: which of a role's contexts to offer first ('opleidingsdatabank' in the
  // portal's help text).
  // `kept` (may be null: every decision asked) keeps answers while rights-svc's lease allows.
  RightsPermissions(rights::RightsClient& rights, std::string preferred_context,
                    KeptAnswers* kept = nullptr)
      : rights_(rights), preferred_context_(std::move(preferred_context)), kept_(kept) {}

  absl::StatusOr<PermissionView> Explain(const std::string& person_id,
                                         const std::string& organization_id,
                                         const std::string& permission,
                                         const RequestContext& call) override;
  absl::StatusOr<bool> Allowed(const std::string& person_id, const std::string& organization_id,
                               const std::string& permission, const RequestContext& call) override;

 private:
  rights::RightsClient& rights_;
  std::string preferred_context_;
  KeptAnswers* const kept_;
  CacheMetrics kept_lookups_{"permission_answers"};
};

}  // namespace wse::registration
