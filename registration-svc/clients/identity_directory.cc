#include "registration-svc/clients/identity_directory.h"

#include "common/call_context.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "grpcpp/channel.h"

namespace wse::registration {
namespace {

// Bounds the cache: beyond this many names it is simply emptied (names are cheap to ask again).
constexpr size_t kMaxCachedNames = 100000;

absl::Status Mapped(const grpc::Status& status) {
  absl::Status s = FromGrpcStatus(status);
  if (s.ok() || absl::IsNotFound(s)) return s;
  return absl::UnavailableError("the directory (identity-svc) is unavailable; retry later");
}

}  // namespace

IdentityDirectory::IdentityDirectory(std::shared_ptr<grpc::Channel> channel,
                                     std::string service_token, absl::Duration cache_ttl)
    : stub_(identity::v1::IdentityService::NewStub(std::move(channel))),
      service_token_(std::move(service_token)),
      ttl_(cache_ttl) {}

std::optional<std::string> IdentityDirectory::Lookup(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto it = cache_.find(key);
  if (it == cache_.end() || it->second.expires < absl::Now()) return std::nullopt;
  return it->second.name;
}

void IdentityDirectory::Remember(const std::string& key, const std::string& name) {
  absl::MutexLock lock(&mu_);
  if (cache_.size() >= kMaxCachedNames) cache_.clear();
  cache_[key] = Cached{name, absl::Now() + ttl_};
}

void IdentityDirectory::Prepare(const RequestContext& call, grpc::ClientContext* context) const {
  PropagateTo(call, context);
  const auto limit = std::chrono::system_clock::now() + std::chrono::seconds(3);
  if (context->deadline() > limit) context->set_deadline(limit);
  context->AddMetadata("authorization", "Bearer " + service_token_);
}

absl::StatusOr<std::string> IdentityDirectory::PersonName(const std::string& person_id,
                                                          const RequestContext& call) {
  const std::string key = "persons/" + person_id;
  if (auto cached = Lookup(key)) return *cached;
  grpc::ClientContext context;
  Prepare(call, &context);
  identity::v1::GetPersonRequest request;
  request.set_name(key);
  identity::v1::GetPersonResponse response;
  RETURN_IF_ERROR(Mapped(stub_->GetPerson(&context, request, &response)));
  Remember(key, response.person().display_name());
  return response.person().display_name();
}

absl::StatusOr<std::string> IdentityDirectory::OrganizationName(const std::string& organization_id,
                                                                const RequestContext& call) {
  const std::string key = "organizations/" + organization_id;
  if (auto cached = Lookup(key)) return *cached;
  grpc::ClientContext context;
  Prepare(call, &context);
  identity::v1::GetOrganizationRequest request;
  request.set_name(key);
  identity::v1::GetOrganizationResponse response;
  RETURN_IF_ERROR(Mapped(stub_->GetOrganization(&context, request, &response)));
  Remember(key, response.organization().display_name());
  return response.organization().display_name();
}

}  // namespace wse::registration
