#pragma once
// Directory over gRPC: identity-svc's GetPerson / LookupPerson / GetOrganization, called with the
// service token (common/service_identity.h), the caller's request id and deadline.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rights-svc/domain/directory.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"

namespace wse::rights {

class IdentityDirectory final : public Directory {
 public:
  IdentityDirectory(std::shared_ptr<grpc::Channel> channel, std::string service_token);

  absl::StatusOr<PersonInfo> GetPerson(const std::string& person_id,
                                       const RequestContext& call) override;
  absl::StatusOr<PersonInfo> FindPersonByInsz(const std::string& insz,
                                              const RequestContext& call) override;
  absl::StatusOr<OrganizationInfo> GetOrganization(const std::string& organization_id,
                                                   const RequestContext& call) override;

 private:
  void Prepare(const RequestContext& call, grpc::ClientContext* context) const;

  // Names and addresses change rarely; list answers name every person in them, so each is asked
  // at most every kPersonTtl instead of once per answer.
  static constexpr absl::Duration kPersonTtl = absl::Seconds(30);
  static constexpr size_t kMaxCachedPersons = 50000;

  std::unique_ptr<identity::v1::IdentityService::Stub> stub_;
  std::string service_token_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::pair<PersonInfo, absl::Time>> persons_ ABSL_GUARDED_BY(mu_);
};

}  // namespace wse::rights
