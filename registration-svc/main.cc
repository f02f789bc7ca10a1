// registration-svc composition root: configuration, database, migrations, serving.
#include "common/outbox.h"
#include "common/service_main.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"

int main(int argc, char** argv) {
  wse::BlockTerminationSignals();
  const wse::ServiceDefinition definition{"registration-svc",
                                          "wse.registration.v1.RegistrationService",
                                          "127.0.0.1:50053", "wse_registration"};
  wse::ServiceRuntime runtime = wse::PrepareService(
      definition, argc, argv,
      {{"registration", &wse::EmbeddedMigrations()}, {"outbox", &wse::OutboxMigrations()}});
  // The RPCs answer UNIMPLEMENTED until the registration issue implements them.
  wse::registration::v1::RegistrationService::Service service;
  return wse::RunService(runtime, {&service});
}
