#include "identity-svc/client/grpc_identity_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/call_context.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"

namespace wse::identity {
namespace {

PersonInfo FromProto(const v1::Person& p) {
  PersonInfo info;
  info.id = std::string(absl::StripPrefix(p.name(), "persons/"));
  info.display_name = p.display_name();
  info.email_address = p.email_address();
  info.masked_insz = p.masked_insz();
  info.preferred_locale = p.preferred_locale().empty() ? "nl" : p.preferred_locale();
  return info;
}

template <typename Map, typename Value>
void Remember(Map& map, const std::string& key, Value value, absl::Time expires, size_t limit) {
  if (map.size() >= limit) map.clear();
  map[key] = {std::move(value), expires};
}

}  // namespace

GrpcIdentityClient::GrpcIdentityClient(std::shared_ptr<grpc::Channel> channel,
                                       std::string service_token, IdentityClientOptions options)
    : stub_(v1::IdentityService::NewStub(std::move(channel))),
      service_token_(std::move(service_token)),
      options_(options) {}

void GrpcIdentityClient::Prepare(const RequestContext& call, grpc::ClientContext* context) const {
  PropagateTo(call, context);
  const auto limit = absl::ToChronoTime(absl::Now() + options_.call_timeout);
  if (context->deadline() > limit) context->set_deadline(limit);
  context->AddMetadata("authorization", "Bearer " + service_token_);
}

absl::Status GrpcIdentityClient::Mapped(const grpc::Status& status,
                                        const RequestContext& call) const {
  absl::Status s = FromGrpcStatus(status);
  if (s.ok() || absl::IsNotFound(s) || absl::IsInvalidArgument(s)) return s;
  if (absl::IsDeadlineExceeded(s) && call.deadline <= std::chrono::system_clock::now()) return s;
  return absl::UnavailableError(absl::StrCat("the directory (identity-svc) is unavailable (",
                                             absl::StatusCodeToString(s.code()), "); retry later"));
}

absl::StatusOr<PersonInfo> GrpcIdentityClient::GetPerson(const std::string& person_id,
                                                         const RequestContext& call) {
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = persons_.find(person_id);
    if (it != persons_.end() && it->second.expires > now) return it->second.value;
  }
  return GetPersonNow(person_id, call);
}

absl::StatusOr<PersonInfo> GrpcIdentityClient::GetPersonNow(const std::string& person_id,
                                                            const RequestContext& call) {
  const absl::Time now = absl::Now();
  grpc::ClientContext context;
  Prepare(call, &context);
  v1::GetPersonRequest request;
  request.set_name("persons/" + person_id);
  v1::GetPersonResponse response;
  RETURN_IF_ERROR(Mapped(stub_->GetPerson(&context, request, &response), call));
  PersonInfo info = FromProto(response.person());
  if (options_.person_ttl > absl::ZeroDuration()) {
    absl::MutexLock lock(&mu_);
    Remember(persons_, person_id, info, now + options_.person_ttl, options_.max_cached);
  }
  return info;
}

absl::StatusOr<PersonInfo> GrpcIdentityClient::FindPersonByInsz(const std::string& insz,
                                                                const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, &context);
  v1::LookupPersonRequest request;
  request.set_insz(insz);
  v1::LookupPersonResponse response;
  RETURN_IF_ERROR(Mapped(stub_->LookupPerson(&context, request, &response), call));
  return FromProto(response.person());
}

absl::StatusOr<OrganizationInfo> GrpcIdentityClient::AskOrganization(
    const std::string& organization_id, const RequestContext& call) {
  grpc::ClientContext context;
  Prepare(call, &context);
  v1::GetOrganizationRequest request;
  request.set_name("organizations/" + organization_id);
  v1::GetOrganizationResponse response;
  RETURN_IF_ERROR(Mapped(stub_->GetOrganization(&context, request, &response), call));
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

absl::StatusOr<OrganizationInfo> GrpcIdentityClient::GetOrganization(
    const std::string& organization_id, const RequestContext& call) {
  ASSIGN_OR_RETURN(auto info, AskOrganization(organization_id, call));
  if (options_.person_ttl > absl::ZeroDuration()) {
    absl::MutexLock lock(&mu_);
    Remember(organization_names_, organization_id, info.display_name,
             absl::Now() + options_.person_ttl, options_.max_cached);
  }
  return info;
}

absl::StatusOr<std::string> GrpcIdentityClient::OrganizationName(const std::string& organization_id,
                                                                 const RequestContext& call) {
  {
    absl::MutexLock lock(&mu_);
    auto it = organization_names_.find(organization_id);
    if (it != organization_names_.end() && it->second.expires > absl::Now()) {
      return it->second.value;
    }
  }
  ASSIGN_OR_RETURN(auto info, GetOrganization(organization_id, call));
  return info.display_name;
}

}  // namespace wse::identity
