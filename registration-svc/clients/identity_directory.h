#pragma once
// registration-svc's Directory answered by identity-svc over gRPC, names cached for a while.

#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "registration-svc/domain/directory.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"

namespace wse::registration {

class IdentityDirectory final : public Directory {
 public:
  IdentityDirectory(std::shared_ptr<grpc::Channel> channel, std::string service_token,
                    absl::Duration cache_ttl = absl::Minutes(5));

  absl::StatusOr<std::string> PersonName(const std::string& person_id,
                                         const RequestContext& call) override;
  absl::StatusOr<std::string> OrganizationName(const std::string& organization_id,
                                               const RequestContext& call) override;

 private:
  struct Cached {
    std::string name;
    absl::Time expires;
  };
  std::optional<std::string> Lookup(const std::string& key);
  void Remember(const std::string& key, const std::string& name);
  void Prepare(const RequestContext& call, grpc::ClientContext* context) const;

  std::unique_ptr<identity::v1::IdentityService::Stub> stub_;
  std::string service_token_;
  absl::Duration ttl_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Cached> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse::registration
