#pragma once
// Where rights-svc tells this registration-svc process that organisations' rights changed
// (wse.rights.v1.ReplicaCacheService.InvalidateRevisions, pushed to the address this process
// registered with RenewLease): the kept CheckPermission answers of those organisations are
// forgotten (domain/kept_answers.h). The caller presents the push token this process registered
// (rights-svc never sends its own token to an address a lease holder named), or the operators'
// token. A stranger can at most make this process ask rights-svc again, never keep an answer
// longer. RenewLease and ReleaseLease are rights-svc's; here they answer UNIMPLEMENTED.

#include <string>

#include "common/operator_auth.h"
#include "registration-svc/domain/kept_answers.h"
#include "wse/rights/v1/replica_cache.grpc.pb.h"

namespace wse::registration {

class KeptAnswersService final : public wse::rights::v1::ReplicaCacheService::Service {
 public:
  KeptAnswersService(OrganizationRevisions& revisions, std::string push_token,
                     const OperatorAuthenticator& operators);

  grpc::Status InvalidateRevisions(grpc::ServerContext* context,
                                   const wse::rights::v1::InvalidateRevisionsRequest* request,
                                   wse::rights::v1::InvalidateRevisionsResponse* response) override;

 private:
  absl::Status RequirePusher(const RequestContext& call) const;

  OrganizationRevisions& revisions_;
  const std::string push_token_hash_;  // SHA-256 hex of the push token.
  const OperatorAuthenticator& operators_;
};

}  // namespace wse::registration
