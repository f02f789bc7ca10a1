#include "notify-svc/clients/identity_person_directory.h"

#include "common/grpc_status.h"
#include "grpcpp/client_context.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"

namespace wse::notify {

struct GrpcPersonDirectory::Stub {
  std::unique_ptr<wse::identity::v1::IdentityService::Stub> stub;
};

GrpcPersonDirectory::GrpcPersonDirectory(std::shared_ptr<grpc::Channel> channel,
                                         std::string service_token, absl::Duration deadline)
    : stub_(std::make_unique<Stub>(
          Stub{wse::identity::v1::IdentityService::NewStub(std::move(channel))})),
      token_(std::move(service_token)),
      deadline_(deadline) {}

GrpcPersonDirectory::~GrpcPersonDirectory() = default;

absl::StatusOr<PersonContact> GrpcPersonDirectory::Lookup(const std::string& person) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  context.AddMetadata("authorization", "Bearer " + token_);
  wse::identity::v1::GetPersonRequest request;
  request.set_name(person);
  wse::identity::v1::GetPersonResponse response;
  const grpc::Status status = stub_->stub->GetPerson(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return PersonContact{response.person().email_address(), response.person().preferred_locale(),
                       response.person().display_name()};
}

}  // namespace wse::notify
