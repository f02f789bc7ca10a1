#pragma once
// notify-svc's PersonDirectory answered by identity-svc over gRPC.

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "notify-svc/domain/person_directory.h"

namespace wse::notify {

// identity-svc's GetPerson, called with notify-svc's own service token.
class GrpcPersonDirectory : public PersonDirectory {
 public:
  GrpcPersonDirectory(std::shared_ptr<grpc::Channel> channel, std::string service_token,
                      absl::Duration deadline = absl::Seconds(3));
  ~GrpcPersonDirectory() override;
  absl::StatusOr<PersonContact> Lookup(const std::string& person) override;

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  const std::string token_;
  const absl::Duration deadline_;
};

}  // namespace wse::notify
