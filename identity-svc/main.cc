// identity-svc composition root: configuration, database, migrations, serving.
#include "common/service_main.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"

int main(int argc, char** argv) {
  wse::BlockTerminationSignals();
  const wse::ServiceDefinition definition{"identity-svc", "wse.identity.v1.IdentityService",
                                          "127.0.0.1:50051", "wse_identity"};
  wse::ServiceRuntime runtime = wse::PrepareService(
      definition, argc, argv, {{"identity", &wse::EmbeddedMigrations()}});
  // The RPCs answer UNIMPLEMENTED until the identity issue implements them.
  wse::identity::v1::IdentityService::Service service;
  return wse::RunService(runtime, {&service});
}
