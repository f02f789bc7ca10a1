#include "rights-svc/clients/identity_directory.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "common/call_context.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "grpcpp/channel.h"

namespace wse::rights {
namespace {

constexpr auto kCallTimeout = std::chrono::seconds(3);

PersonInfo FromProto(const identity::v1::Person& p) {
  PersonInfo info;
  info.id = std::string(absl::StripPrefix(p.name(), "persons/"));
  info.display_name = p.display_name();
  info.email_address = p.email_address();
  info.masked_insz = p.masked_insz();
  info.preferred_locale = p.preferred_locale().empty() ? "nl" : p.preferred_locale();
  return info;
}

// A directory failure other than NOT_FOUND means identity-svc is unreachable or broken: the
// caller may retry, so it surfaces as UNAVAILABLE rather than as an internal error.
absl::Status Mapped(const grpc::Status& status) {
  absl::Status s = FromGrpcStatus(status);
  if (s.ok() || absl::IsNotFound(s) || absl::IsInvalidArgument(s)) return s;
  return absl::UnavailableError("the directory (identity-svc) is unavailable; retry later");
}

}  // namespace

IdentityDirectory::IdentityDirectory(std::shared_ptr<grpc::Channel> channel,
                                     std::string service_token)
    : stub_(identity::v1::IdentityService::NewStub(std::move(channel))),
      service_token_(std::move(service_token)) {}

void IdentityDirectory::Prepare(const RequestContext& call, grpc::ClientContext* context) const {
  PropagateTo(call, context);
  const auto limit = std::chrono::system_clock::now() + kCallTimeout;
  if (context->deadline() > limit) context->set_deadline(limit);
  context->AddMetadata("authorization", "Bearer " + service_token_);
}

absl::StatusOr<PersonInfo> IdentityDirectory::GetPerson(const std::string& person_id,
                                                        const RequestContext& call) {
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = persons_.find(person_id);
    if (it != persons_.end() && it->second.second > now) return it->second.first;
  }
  grpc::ClientContext context;
  Prepare(call, &context);
  identity::v1::GetPersonRequest request;
  request.set_name("persons/" + person_id);
  identity::v1::GetPersonResponse response;
  RETURN_IF_ERROR(Mapped(stub_->GetPerson(&context, request, &response)));
  PersonInfo info = FromProto(response.person());
  absl::MutexLock lock(&mu_);
  if (persons_.size() >= kMaxCachedPersons) persons_.clear();
  persons_[person_id] = {info, now + kPersonTtl};
  return info;
}

absl::StatusOr<PersonInfo> IdentityDirectory::FindPersonByInsz(const std::string& insz,
                                                               const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, &context);
  identity::v1::LookupPersonRequest request;
  request.set_insz(insz);
  identity::v1::LookupPersonResponse response;
  RETURN_IF_ERROR(Mapped(stub_->LookupPerson(&context, request, &response)));
  return FromProto(response.person());
}

absl::StatusOr<OrganizationInfo> IdentityDirectory::GetOrganization(
    const std::string& organization_id, const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, &context);
  identity::v1::GetOrganizationRequest request;
  request.set_name("organizations/" + organization_id);
  identity::v1::GetOrganizationResponse response;
  RETURN_IF_ERROR(Mapped(stub_->GetOrganization(&context, request, &response)));
  OrganizationInfo info;
  info.id = organization_id;
  info.display_name = response.organization().display_name();
  for (const auto& rep : response.organization().legal_representatives()) {
    if (!rep.person().empty()) {
      info.legal_representative_ids.push_back(
          std::string(absl::StripPrefix(rep.person(), "persons/")));
    }
  }
  return info;
}

}  // namespace wse::rights
