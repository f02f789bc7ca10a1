#include "registration-svc/adapters/kept_answers_service.h"

#include <openssl/crypto.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/call_context.h"
#include "common/service_identity.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace wse::registration {
namespace {

namespace v1 = wse::rights::v1;

constexpr int kMaxOrganizations = 1000;

}  // namespace

KeptAnswersService::KeptAnswersService(OrganizationRevisions& revisions, std::string push_token,
                                       const OperatorAuthenticator& operators)
    : revisions_(revisions),
      push_token_hash_(ServiceTokenHash(push_token)),
      operators_(operators) {}

absl::Status KeptAnswersService::RequirePusher(const RequestContext& call) const {
  if (call.bearer_token.has_value() && !call.bearer_token->empty()) {
    // Compared as hashes, in constant time: equal lengths whatever was sent.
    const std::string presented = ServiceTokenHash(*call.bearer_token);
    if (CRYPTO_memcmp(presented.data(), push_token_hash_.data(), push_token_hash_.size()) == 0) {
      return absl::OkStatus();
    }
  }
  // Otherwise the operators only, refused as everywhere: no or a bad token UNAUTHENTICATED,
  // anyone else's PERMISSION_DENIED.
  return operators_.RequireTrusted(call);
}

grpc::Status KeptAnswersService::InvalidateRevisions(grpc::ServerContext* context,
                                                     const v1::InvalidateRevisionsRequest* request,
                                                     v1::InvalidateRevisionsResponse*) {
  return Serve(context, "InvalidateRevisions", [&](const RequestContext& call) -> absl::Status {
    RETURN_IF_ERROR(RequirePusher(call));
    if (request->organization_ids_size() > kMaxOrganizations) {
      return InvalidArgument(
          {{"organization_ids", absl::StrCat("at most ", kMaxOrganizations, " per call")}});
    }
    revisions_.Invalidate({request->organization_ids().begin(), request->organization_ids().end()});
    return absl::OkStatus();
  });
}

}  // namespace wse::registration
