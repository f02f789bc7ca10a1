// notify-svc composition root: configuration, database, migrations, serving.
#include "common/service_main.h"
#include "wse/notify/v1/notify_service.grpc.pb.h"

int main(int argc, char** argv) {
  wse::BlockTerminationSignals();
  const wse::ServiceDefinition definition{"notify-svc", "wse.notify.v1.NotifyService",
                                          "127.0.0.1:50054", "wse_notify"};
  wse::ServiceRuntime runtime =
      wse::PrepareService(definition, argc, argv, {{"notify", &wse::EmbeddedMigrations()}});
  // The RPCs answer UNIMPLEMENTED until the notify issue implements them.
  wse::notify::v1::NotifyService::Service service;
  return wse::RunService(runtime, {&service});
}
