// rights-svc composition root: configuration, database, catalogue, directory client, outbox
// relay to notify-svc, the expiry job, serving.

#include "absl/flags/flag.h"
#include "common/config.h"
#include "common/log.h"
#include "common/mysql_replica_registry.h"
#include "common/operator_auth.h"
#include "common/outbox.h"
#include "common/periodic_task.h"
#include "common/replica_leases.h"
#include "common/service_main.h"
#include "grpcpp/create_channel.h"
#include "identity-svc/client/grpc_identity_client.h"
#include "notify-svc/client/grpc_notify_client.h"
#include "notify-svc/client/mail_outbox_deliverer.h"
#include "rights-svc/adapters/ext_authz_service.h"
#include "rights-svc/adapters/membership_service.h"
#include "rights-svc/adapters/replica_cache_service.h"
#include "rights-svc/adapters/rights_service.h"
#include "rights-svc/domain/catalogue.h"
#include "rights-svc/domain/permission_checker.h"
#include "rights-svc/domain/revision_cache.h"
#include "rights-svc/storage/mysql_store.h"

ABSL_FLAG(std::string, catalogue_file, "", "role catalogue JSON (default: the built-in one)");
ABSL_FLAG(std::string, identity_address, "127.0.0.1:50051", "identity-svc (the directory)");
ABSL_FLAG(std::string, notify_address, "127.0.0.1:50054", "notify-svc (mail delivery)");
ABSL_FLAG(std::string, replica_address, "",
          "host:port where the other rights-svc replicas reach this one (its pod IP); with it, "
          "CheckPermission remembers revisions under a database lease (replica_leases.h); "
          "without it, every check reads the revision");
ABSL_FLAG(absl::Duration, replica_lease, absl::Seconds(3),
          "lease length: the longest a revocation waits for a replica it cannot reach");
ABSL_FLAG(absl::Duration, replica_remember_for, absl::Minutes(5),
          "the longest an organisation's revision read once is answered from memory (bounds what "
          "changes unrecorded: a hand edit, a replica of a release that did not record changes); "
          "0: changes are recorded and pushed but nothing is remembered, for the first rollout of "
          "a release that remembers");
ABSL_FLAG(absl::Duration, expiry_interval, absl::Minutes(1),
          "how often access requests and grants are checked for expiry");

namespace {

wse::rights::Catalogue LoadCatalogue() {
  std::string json = wse::rights::Catalogue::BuiltInJson();
  if (!absl::GetFlag(FLAGS_catalogue_file).empty()) {
    json = wse::ReadSecretFile("--catalogue_file", absl::GetFlag(FLAGS_catalogue_file));
  }
  auto catalogue = wse::rights::Catalogue::FromJson(json);
  wse::RequireConfig(catalogue.ok(), std::string(catalogue.status().message()));
  return *std::move(catalogue);
}

// Who besides persons may call what (common/service_identity.h): identity-svc reads work
// relations, grants and memberships to build acting contexts; replicas tell each other of
// changes. The gateway's ext_authz lets only the operators' token through as non-person.
struct Callers {
  wse::OperatorAuthenticator rights, membership, replicas, gateway;
};

Callers CallersOf(const wse::ServiceRuntime& runtime, wse::AccessTokenVerifier& tokens) {
  const auto person_check = [&tokens](const wse::RequestContext& c) {
    return tokens.Verify(c.bearer_token).status();
  };
  const auto allowing = [&](wse::ServiceAllowList allowed) {
    return wse::OperatorAuthenticator(runtime.operator_token_hash, person_check,
                                      runtime.service_identities, std::move(allowed));
  };
  return {allowing({{"identity-svc", {"ListWorkRelations", "ListGrants"}}}),
          allowing({{"identity-svc", {"CheckMembership"}}}),
          // Our replicas push invalidations; registration-svc keeps CheckPermission answers
          // under a lease of its own.
          allowing({{"rights-svc", {"InvalidateRevisions"}},
                    {"registration-svc", {"RenewLease", "ReleaseLease"}}}),
          wse::OperatorAuthenticator(runtime.operator_token_hash, person_check)};
}

// One pass of the expiry job: pending requests past their time expire, grants about to end
// get their notice; the relay goes at once when that queued mails.
void ExpireOnce(wse::rights::RightsManager& rights, wse::OutboxRelay& relay) {
  const wse::RequestContext call = wse::BackgroundContext("ExpireAccessRequests");
  auto expired = rights.ExpireAccessRequests(call);
  if (!expired.ok()) {
    wse::LogWarn("access-request expiry failed", {{"error", expired.status().message()}});
  }
  auto expiring = rights.NotifyExpiringGrants(call);
  if (!expiring.ok()) {
    wse::LogWarn("grant expiry notices failed", {{"error", expiring.status().message()}});
  }
  if ((expired.ok() && *expired > 0) || (expiring.ok() && *expiring > 0)) relay.Poke();
}

}  // namespace

int main(int argc, char** argv) {
  wse::BlockTerminationSignals();
  const wse::ServiceDefinition definition{"rights-svc", "wse.rights.v1.RightsService",
                                          "127.0.0.1:50052", "wse_rights"};
  wse::rights::Catalogue catalogue;
  wse::ServiceRuntime runtime = wse::PrepareService(
      definition, argc, argv,
      {{"rights", &wse::EmbeddedMigrations()}, {"outbox", &wse::OutboxMigrations()}}, [&catalogue] {
        catalogue = LoadCatalogue();
        wse::RequireConfig(absl::GetFlag(FLAGS_replica_lease) >= absl::Milliseconds(300) &&
                               absl::GetFlag(FLAGS_replica_lease) <= wse::kMaxReplicaLease,
                           "--replica_lease must be from 300ms to 30s");
        wse::RequireConfig(absl::GetFlag(FLAGS_replica_remember_for) >= absl::ZeroDuration(),
                           "--replica_remember_for must not be negative");
      });
  wse::RequireServiceToken(runtime, "rights-svc calls identity-svc, notify-svc and its replicas");
  const std::string& service_token = runtime.service_token;
  auto tokens = wse::MakeAccessTokenVerifier();

  wse::rights::MysqlRightsStore store(*runtime.pool);
  wse::identity::GrpcIdentityClient directory(
      wse::ServiceChannel(absl::GetFlag(FLAGS_identity_address)), service_token);
  wse::rights::RightsManager rights(store, directory, catalogue);
  wse::rights::RightsQueries queries(rights);

  // Remembered revisions, kept honest by the replicas' leases (replica_leases.h).
  const std::string replica_id = wse::rights::NewRightsId();
  wse::rights::RevisionCache revisions(wse::MonotonicNow,
                                       absl::GetFlag(FLAGS_replica_remember_for));
  wse::MysqlReplicaRegistry registry(*runtime.pool, wse::rights::kRightsReplicaTables);
  const std::unique_ptr<wse::PeerInvalidator> peers =
      wse::rights::MakeRevisionInvalidator(service_token, replica_id);
  wse::ReplicaLeases leases(
      revisions, registry, *peers,
      {replica_id, absl::GetFlag(FLAGS_replica_address), absl::GetFlag(FLAGS_replica_lease), ""});
  store.OnRevisionsCommitted(
      [&leases](const std::vector<std::string>& organizations, absl::Duration longest_lease) {
        leases.ChangesCommitted(organizations, longest_lease);
      });
  wse::rights::PermissionChecker permissions(rights, absl::Now,
                                             leases.enabled() ? &revisions : nullptr);
  const Callers callers = CallersOf(runtime, *tokens);
  wse::rights::ReplicaCacheService replica_cache(
      revisions, registry, absl::GetFlag(FLAGS_replica_lease), replica_id, callers.replicas);
  wse::rights::MembershipService membership(permissions, callers.membership);
  wse::rights::RightsServiceImpl service({rights, queries, permissions, *tokens, callers.rights});
  wse::rights::ExtAuthzService ext_authz(permissions, catalogue, *tokens, callers.gateway);

  // Mails leave through the outbox: notify-svc may be down when the change happens.
  wse::notify::GrpcNotifyClient notify(wse::ServiceChannel(absl::GetFlag(FLAGS_notify_address)),
                                       service_token);
  wse::notify::MailOutboxDeliverer deliverer(notify);
  wse::OutboxRelay relay(*runtime.pool, deliverer, {.source = "rights"});
  relay.Start();

  // Expires pending requests and sends grant-expiry notices: at start, then every interval.
  wse::PeriodicTask expiry(absl::GetFlag(FLAGS_expiry_interval),
                           [&rights, &relay] { ExpireOnce(rights, relay); });
  expiry.Start();
  expiry.Wake();
  // The lease is taken once this replica's address answers and given up when it drains.
  runtime.host.after_start = [&leases] { leases.Start(); };
  runtime.host.before_drain = [&leases] { leases.Stop(); };
  const int code = wse::RunService(runtime, {&service, &ext_authz, &membership, &replica_cache});
  leases.Stop();
  expiry.Stop();
  relay.Stop();
  return code;
}
