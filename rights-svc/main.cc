// rights-svc composition root: configuration, database, migrations, serving.
#include "common/outbox.h"
#include "common/service_main.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

int main(int argc, char** argv) {
  wse::BlockTerminationSignals();
  const wse::ServiceDefinition definition{"rights-svc", "wse.rights.v1.RightsService",
                                          "127.0.0.1:50052", "wse_rights"};
  wse::ServiceRuntime runtime = wse::PrepareService(
      definition, argc, argv,
      {{"rights", &wse::EmbeddedMigrations()}, {"outbox", &wse::OutboxMigrations()}});
  // The RPCs answer UNIMPLEMENTED until the rights issue implements them.
  wse::rights::v1::RightsService::Service service;
  return wse::RunService(runtime, {&service});
}
