#pragma once
// gRPC adapter of wse.registration.v1.RegistrationService. Implemented so far: the 'Aanvraag'
// screen. Drafts, confirm and receipts answer UNIMPLEMENTED until they land (issue 6).

#include "common/call_context.h"
#include "common/token_verifier.h"
#include "registration-svc/application_screen.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"

namespace wse::registration {

class RegistrationServiceImpl final : public v1::RegistrationService::Service {
 public:
  RegistrationServiceImpl(AccessTokenVerifier& tokens, ApplicationScreenBuilder& screens)
      : tokens_(tokens), screens_(screens) {}

  grpc::Status GetApplicationScreen(grpc::ServerContext* context,
                                    const v1::GetApplicationScreenRequest* request,
                                    v1::GetApplicationScreenResponse* response) override;

 private:
  AccessTokenVerifier& tokens_;
  ApplicationScreenBuilder& screens_;
};

}  // namespace wse::registration
