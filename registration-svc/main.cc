// registration-svc composition root: configuration, database, migrations, rights client,
// serving.
#include "absl/flags/flag.h"
#include "common/outbox.h"
#include "common/service_main.h"
#include "grpcpp/create_channel.h"
#include "registration-svc/application_screen.h"
#include "registration-svc/permissions.h"
#include "registration-svc/registration_service.h"

ABSL_FLAG(std::string, rights_address, "127.0.0.1:50052", "rights-svc (live permissions)");
ABSL_FLAG(std::string, request_context, "opleidingsdatabank",
          "context offered first when a user requests the registration right");
ABSL_FLAG(std::string, support_email, "vlaamsopleidingsverlof@vlaanderen.be",
          "address shown for help with the registration steps");

int main(int argc, char** argv) {
  wse::BlockTerminationSignals();
  const wse::ServiceDefinition definition{"registration-svc",
                                          "wse.registration.v1.RegistrationService",
                                          "127.0.0.1:50053", "wse_registration"};
  wse::ServiceRuntime runtime = wse::PrepareService(
      definition, argc, argv,
      {{"registration", &wse::EmbeddedMigrations()}, {"outbox", &wse::OutboxMigrations()}});
  auto tokens = wse::MakeAccessTokenVerifier();
  wse::registration::RightsPermissions permissions(
      grpc::CreateChannel(absl::GetFlag(FLAGS_rights_address), grpc::InsecureChannelCredentials()),
      absl::GetFlag(FLAGS_request_context));
  wse::registration::ApplicationScreenBuilder screens(permissions,
                                                      absl::GetFlag(FLAGS_support_email));
  wse::registration::RegistrationServiceImpl service(*tokens, screens);
  return wse::RunService(runtime, {&service});
}
