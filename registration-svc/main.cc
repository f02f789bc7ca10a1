// registration-svc composition root: configuration, database, migrations, clients of rights-svc
// (permissions, kept under its lease) and identity-svc (names), the outbox relay to notify-svc
// (receipt mails), serving.
#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/config.h"
#include "common/log.h"
#include "common/operator_auth.h"
#include "common/outbox.h"
#include "common/periodic_task.h"
#include "common/random_token.h"
#include "common/replica_leases.h"
#include "common/service_main.h"
#include "grpcpp/create_channel.h"
#include "identity-svc/client/grpc_identity_client.h"
#include "notify-svc/client/grpc_notify_client.h"
#include "notify-svc/client/mail_outbox_deliverer.h"
#include "registration-svc/adapters/kept_answers_service.h"
#include "registration-svc/adapters/registration_service.h"
#include "registration-svc/domain/application_screen.h"
#include "registration-svc/domain/registration_manager.h"
#include "registration-svc/domain/rights_permissions.h"
#include "registration-svc/storage/mysql_store.h"
#include "rights-svc/client/grpc_rights_client.h"
#include "rights-svc/client/grpc_rights_leases.h"

ABSL_FLAG(std::string, rights_address, "127.0.0.1:50052", "rights-svc (live permissions)");
ABSL_FLAG(std::string, identity_address, "127.0.0.1:50051", "identity-svc (names on receipts)");
ABSL_FLAG(std::string, notify_address, "127.0.0.1:50054", "notify-svc (receipt mails)");
ABSL_FLAG(std::string, request_context, "opleidingsdatabank",
          "context offered first when a user requests the registration right");
ABSL_FLAG(std::string, support_email, "vlaamsopleidingsverlof@vlaanderen.be",
          "address shown for help with the registration steps");
ABSL_FLAG(std::string, gebruikersbeheer_help_url, "https://overheid.vlaanderen.be/gebruikersbeheer",
          "help page on gebruikersbeheer shown to a local administrator who grants their own "
          "right (https; empty: none)");
ABSL_FLAG(absl::Duration, draft_ttl, absl::Hours(24 * 30),
          "an open draft expires this long after its last change");
ABSL_FLAG(int, max_participants, 10000, "participants per draft and rows per upload");
ABSL_FLAG(absl::Duration, draft_retention, absl::Hours(24 * 7),
          "how long an expired draft stays before it and its participants (INSZ numbers) are "
          "deleted");
ABSL_FLAG(absl::Duration, draft_purge_interval, absl::Hours(1),
          "how often expired drafts past their retention are deleted");
ABSL_FLAG(absl::Duration, registration_window, absl::ZeroDuration(),
          "how long after a school year (31 August) it may still be registered; 0: no limit");
ABSL_FLAG(std::string, replica_address, "",
          "host:port where rights-svc reaches this process (its pod IP); with it, CheckPermission "
          "answers are kept under a lease from rights-svc (domain/kept_answers.h); without it, "
          "every registration call asks rights-svc");
ABSL_FLAG(absl::Duration, replica_lease, absl::Seconds(3),
          "the longest a lease from rights-svc is counted on, renewed every third of it; set it "
          "to rights-svc's --replica_lease (rights-svc grants no more than that)");
ABSL_FLAG(absl::Duration, correction_window, absl::ZeroDuration(),
          "how long after a school year its registrations may be corrected or withdrawn; 0: no "
          "limit");

namespace {

// A lease holder of rights-svc changes no rights: it has nobody to tell.
class NoPeers final : public wse::PeerInvalidator {
 public:
  absl::Status Invalidate(const wse::ReplicaPeer&, const std::vector<std::string>&) override {
    return absl::OkStatus();
  }
};

}  // namespace

int main(int argc, char** argv) {
  wse::BlockTerminationSignals();
  const wse::ServiceDefinition definition{"registration-svc",
                                          "wse.registration.v1.RegistrationService",
                                          "127.0.0.1:50053", "wse_registration"};
  wse::ServiceRuntime runtime = wse::PrepareService(
      definition, argc, argv,
      {{"registration", &wse::EmbeddedMigrations()}, {"outbox", &wse::OutboxMigrations()}}, [] {
        wse::RequireConfig(absl::GetFlag(FLAGS_draft_retention) >= absl::ZeroDuration() &&
                               absl::GetFlag(FLAGS_draft_purge_interval) >= absl::Minutes(1),
                           "--draft_retention must not be negative and --draft_purge_interval "
                           "at least 1m");
        wse::RequireConfig(absl::GetFlag(FLAGS_draft_ttl) > absl::ZeroDuration(),
                           "--draft_ttl must be positive");
        wse::RequireConfig(absl::GetFlag(FLAGS_registration_window) >= absl::ZeroDuration() &&
                               absl::GetFlag(FLAGS_correction_window) >= absl::ZeroDuration(),
                           "--registration_window and --correction_window must not be negative");
        const int max = absl::GetFlag(FLAGS_max_participants);
        wse::RequireConfig(max >= 1 && max <= 100000, "--max_participants must be 1-100000");
        wse::RequireConfig(absl::GetFlag(FLAGS_replica_lease) >= absl::Milliseconds(300) &&
                               absl::GetFlag(FLAGS_replica_lease) <= wse::kMaxReplicaLease,
                           "--replica_lease must be from 300ms to 30s");
      });
  wse::RequireServiceToken(
      runtime, "registration-svc calls identity-svc, notify-svc and rights-svc's leases");
  const std::string& service_token = runtime.service_token;
  auto tokens = wse::MakeAccessTokenVerifier();
  // No service calls registration-svc: besides persons, only operators (imports, repairs).
  wse::OperatorAuthenticator operators(
      runtime.operator_token_hash,
      [&tokens](const wse::RequestContext& c) { return tokens->Verify(c.bearer_token).status(); },
      runtime.service_identities, {});

  // Permission calls carry the caller's own token (rights_client.h), not registration-svc's.
  wse::rights::GrpcRightsClient rights(wse::ServiceChannel(absl::GetFlag(FLAGS_rights_address)),
                                       /*service_token=*/"");
  // Kept answers under a lease from rights-svc, which pushes each change here with a token of
  // this process's own (kept_answers_service.h).
  const std::string push_token = wse::RandomHexToken(32);
  wse::registration::OrganizationRevisions revisions;
  wse::registration::KeptAnswers kept(revisions);
  // Its own connections: a renewal failing while rights-svc starts must not put the permission
  // calls' channel into reconnect backoff.
  wse::rights::GrpcRightsLeases rights_leases(
      wse::SeparateServiceChannel(absl::GetFlag(FLAGS_rights_address)), service_token);
  NoPeers no_peers;
  wse::ReplicaLeases leases(revisions, rights_leases, no_peers,
                            {wse::RandomHexToken(16), absl::GetFlag(FLAGS_replica_address),
                             absl::GetFlag(FLAGS_replica_lease), push_token});
  wse::registration::RightsPermissions permissions(rights, absl::GetFlag(FLAGS_request_context),
                                                   leases.enabled() ? &kept : nullptr);
  wse::registration::KeptAnswersService kept_answers(revisions, push_token, operators);
  wse::identity::GrpcIdentityClient directory(
      wse::ServiceChannel(absl::GetFlag(FLAGS_identity_address)), service_token);
  wse::registration::MysqlRegistrationStore store(*runtime.pool);
  wse::registration::RegistrationConfig config;
  config.draft_ttl = absl::GetFlag(FLAGS_draft_ttl);
  config.max_participants = absl::GetFlag(FLAGS_max_participants);
  config.draft_retention = absl::GetFlag(FLAGS_draft_retention);
  if (absl::GetFlag(FLAGS_registration_window) > absl::ZeroDuration()) {
    config.registration_window = absl::GetFlag(FLAGS_registration_window);
  }
  if (absl::GetFlag(FLAGS_correction_window) > absl::ZeroDuration()) {
    config.correction_window = absl::GetFlag(FLAGS_correction_window);
  }
  wse::registration::RegistrationManager manager(store, permissions, directory, config);
  const std::string help_url = absl::GetFlag(FLAGS_gebruikersbeheer_help_url);
  wse::RequireConfig(help_url.empty() || absl::StartsWith(help_url, "https://"),
                     "--gebruikersbeheer_help_url must be an https:// address or empty");
  wse::registration::ApplicationScreenBuilder screens(permissions,
                                                      absl::GetFlag(FLAGS_support_email), help_url);
  screens.ShowRegistrationDeadlines(config.registration_window);
  wse::registration::RegistrationServiceImpl service({*tokens, operators, screens, manager});

  // Receipt mails leave through the outbox: notify-svc may be down when a registration is
  // confirmed, and the confirmation must not wait for it.
  wse::notify::GrpcNotifyClient notify(wse::ServiceChannel(absl::GetFlag(FLAGS_notify_address)),
                                       service_token);
  wse::notify::MailOutboxDeliverer deliverer(notify);
  wse::OutboxRelay relay(*runtime.pool, deliverer, {.source = "registration"});
  relay.Start();
  // Expired drafts hold INSZ numbers: deleted once past their retention, at start and then
  // every interval (every replica may run it: each pass skips rows another holds).
  wse::PeriodicTask purge(absl::GetFlag(FLAGS_draft_purge_interval), [&manager] {
    auto purged = manager.PurgeExpiredDrafts();
    if (!purged.ok()) {
      wse::LogWarn("purging expired drafts failed", {{"error", purged.status().message()}});
    } else if (*purged > 0) {
      wse::LogInfo("expired drafts purged", {{"count", absl::StrCat(*purged)}});
    }
  });
  purge.Start();
  purge.Wake();
  // The lease is taken once this replica's address answers and given up when it drains.
  runtime.host.after_start = [&leases] { leases.Start(); };
  runtime.host.before_drain = [&leases] { leases.Stop(); };
  const int code = wse::RunService(runtime, {&service, &kept_answers});
  leases.Stop();
  purge.Stop();
  relay.Stop();
  return code;
}
