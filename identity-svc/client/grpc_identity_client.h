#pragma once
// IdentityClient over gRPC (wse.identity.v1.IdentityService), with the calling service's own
// token. Every call carries the request id and the caller's deadline, capped at call_timeout.
//
// The one cache policy for directory data: GetPerson and OrganizationName answers are kept for
// person_ttl (at most max_cached entries; beyond that the cache is emptied), errors never;
// FindPersonByInsz and GetOrganization are always asked. person_ttl zero turns caching off.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "identity-svc/client/identity_client.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"

namespace wse::identity {

struct IdentityClientOptions {
  absl::Duration call_timeout = absl::Seconds(3);
  absl::Duration person_ttl = absl::Seconds(30);
  size_t max_cached = 50000;
};

class GrpcIdentityClient final : public IdentityClient {
 public:
  GrpcIdentityClient(std::shared_ptr<grpc::Channel> channel, std::string service_token,
                     IdentityClientOptions options = {});

  absl::StatusOr<PersonInfo> GetPerson(const std::string& person_id,
                                       const RequestContext& call) override;
  absl::StatusOr<PersonInfo> GetPersonNow(const std::string& person_id,
                                          const RequestContext& call) override;
  absl::StatusOr<PersonInfo> FindPersonByInsz(const std::string& insz,
                                              const RequestContext& call) override;
  absl::StatusOr<OrganizationInfo> GetOrganization(const std::string& organization_id,
                                                   const RequestContext& call) override;
  absl::StatusOr<std::string> OrganizationName(const std::string& organization_id,
                                               const RequestContext& call) override;

 private:
  void Prepare(const RequestContext& call, grpc::ClientContext* context) const;
  absl::Status Mapped(const grpc::Status& status, const RequestContext& call) const;
  absl::StatusOr<OrganizationInfo> AskOrganization(const std::string& organization_id,
                                                   const RequestContext& call);

  template <typename T>
  struct Cached {
    T value;
    absl::Time expires;
  };

  std::unique_ptr<v1::IdentityService::Stub> stub_;
  const std::string service_token_;
  const IdentityClientOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Cached<PersonInfo>> persons_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Cached<std::string>> organization_names_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse::identity
