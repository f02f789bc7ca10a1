// identity-svc composition root: configuration, database, key ring, wiring, serving.
#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "common/config.h"
#include "common/log.h"
#include "common/mysql_replica_registry.h"
#include "common/operator_auth.h"
#include "common/outbox.h"
#include "common/replica_leases.h"
#include "common/request_context.h"
#include "common/service_main.h"
#include "grpcpp/create_channel.h"
#include "identity-svc/adapters/identity_service.h"
#include "identity-svc/adapters/replica_cache_service.h"
#include "identity-svc/dev_idp/dev_idp.h"
#include "identity-svc/domain/id_token_verifier.h"
#include "identity-svc/domain/key_ring.h"
#include "identity-svc/domain/membership.h"
#include "identity-svc/domain/remembered_records.h"
#include "identity-svc/domain/rights_membership.h"
#include "identity-svc/domain/session_manager.h"
#include "identity-svc/storage/mysql_store.h"
#include "notify-svc/client/grpc_notify_client.h"
#include "notify-svc/client/mail_outbox_deliverer.h"
#include "rights-svc/client/grpc_rights_client.h"

ABSL_FLAG(std::string, idp_issuer, "", "issuer of the identity provider's ID tokens (required)");
ABSL_FLAG(std::string, idp_audience, "wse-loket", "our client id at the identity provider");
ABSL_FLAG(std::string, idp_jwks_file, "", "the identity provider's JWKS (required)");
ABSL_FLAG(std::string, idp_insz_claim, "rrn", "ID-token claim carrying the INSZ");
ABSL_FLAG(std::string, min_assurance, "SUBSTANTIAL", "LOW, SUBSTANTIAL or HIGH");
ABSL_FLAG(bool, allow_dev_idp, false,
          "trust the development identity provider (never in production)");
ABSL_FLAG(std::string, key_encryption_key_file, "",
          "64 hex characters sealing the signing keys at rest (required)");
ABSL_FLAG(absl::Duration, key_rotation_period, absl::Hours(24), "how long a signing key signs");
ABSL_FLAG(absl::Duration, access_token_ttl, absl::Minutes(5),
          "access-token lifetime (<= 15m): also how long a logged-out or ended session's last "
          "access token is still accepted by the other services");
ABSL_FLAG(bool, require_login_nonce, true,
          "every ID token must carry the nonce of a login started with StartLogin; false only for "
          "tools that mint ID tokens without a login (the development identity provider)");
ABSL_FLAG(absl::Duration, refresh_token_ttl, absl::Hours(2), "refresh-token lifetime");
ABSL_FLAG(absl::Duration, session_lifetime, absl::Hours(12), "absolute session lifetime");
ABSL_FLAG(std::string, rights_address, "",
          "rights-svc, for work relations and grants (empty: legal representatives only)");
ABSL_FLAG(std::string, replica_address, "",
          "host:port where the other identity-svc replicas reach this one (its pod IP); with it, "
          "sessions and persons are remembered under a database lease (replica_leases.h); "
          "without it every read goes to the database");
ABSL_FLAG(absl::Duration, replica_lease, absl::Seconds(3),
          "lease length: the longest a logout or a person's change waits for a replica it cannot "
          "reach");
ABSL_FLAG(absl::Duration, replica_remember_for, absl::Minutes(5),
          "the longest a session or person read once is answered from memory (bounds what changes "
          "unrecorded: a hand edit, a replica of a release that did not record changes); 0: "
          "changes are recorded and pushed but nothing is remembered, for the first rollout of a "
          "release that remembers");
ABSL_FLAG(std::string, notify_address, "127.0.0.1:50054",
          "notify-svc, which delivers the e-mail verification codes");
ABSL_FLAG(std::string, helpdesk_phone, "1700", "info line named in the guidance");
ABSL_FLAG(std::string, helpdesk_team, "gebruikersbeheer", "team to ask for at the info line");
ABSL_FLAG(std::string, gebruikersbeheer_help_url, "https://overheid.vlaanderen.be/gebruikersbeheer",
          "help page on gebruikersbeheer for local administrators, linked from the guidance "
          "(https; empty: no link)");

namespace {

wse::identity::IdpOptions IdpOptionsFromFlags() {
  const std::string issuer = absl::GetFlag(FLAGS_idp_issuer);
  wse::RequireConfig(!issuer.empty(), "--idp_issuer is required");
  wse::RequireConfig(!absl::GetFlag(FLAGS_idp_jwks_file).empty(), "--idp_jwks_file is required");
  wse::RequireConfig(issuer != wse::identity::kDevIdpIssuer || absl::GetFlag(FLAGS_allow_dev_idp),
                     "the development identity provider is only trusted with --allow_dev_idp");
  const std::string level = absl::GetFlag(FLAGS_min_assurance);
  wse::RequireConfig(level == "LOW" || level == "SUBSTANTIAL" || level == "HIGH",
                     "--min_assurance must be LOW, SUBSTANTIAL or HIGH");
  wse::identity::IdpOptions options;
  options.jwt.issuer = issuer;
  options.jwt.audience = absl::GetFlag(FLAGS_idp_audience);
  options.insz_claim = absl::GetFlag(FLAGS_idp_insz_claim);
  options.minimum_assurance = level;
  return options;
}

void CheckSessionFlags() {
  wse::RequireConfig(absl::GetFlag(FLAGS_access_token_ttl) > absl::ZeroDuration() &&
                         absl::GetFlag(FLAGS_access_token_ttl) <= absl::Minutes(15),
                     "--access_token_ttl must be within (0, 15m]");
  wse::RequireConfig(absl::GetFlag(FLAGS_require_login_nonce) || absl::GetFlag(FLAGS_allow_dev_idp),
                     "--norequire_login_nonce only with --allow_dev_idp (development)");
  wse::RequireConfig(!absl::GetFlag(FLAGS_key_encryption_key_file).empty(),
                     "--key_encryption_key_file is required");
  wse::RequireConfig(absl::GetFlag(FLAGS_replica_lease) >= absl::Milliseconds(300) &&
                         absl::GetFlag(FLAGS_replica_lease) <= wse::kMaxReplicaLease,
                     "--replica_lease must be from 300ms to 30s");
  wse::RequireConfig(absl::GetFlag(FLAGS_replica_remember_for) >= absl::ZeroDuration(),
                     "--replica_remember_for must not be negative");
}

wse::identity::SessionPolicy SessionPolicyFromFlags() {
  wse::identity::SessionPolicy policy;
  policy.issuer = wse::AccessTokenOptions().issuer;
  policy.audience = wse::AccessTokenOptions().audience;
  policy.access_token_ttl = absl::GetFlag(FLAGS_access_token_ttl);
  policy.refresh_token_ttl = absl::GetFlag(FLAGS_refresh_token_ttl);
  policy.session_lifetime = absl::GetFlag(FLAGS_session_lifetime);
  policy.require_login_nonce = absl::GetFlag(FLAGS_require_login_nonce);
  return policy;
}

// Who besides persons may read the directory (common/service_identity.h): rights-svc names
// persons and organisations in grants and requests (and finds a person by INSZ for a local
// administrator), registration-svc names them on receipts, notify-svc finds mail addresses.
wse::OperatorAuthenticator DirectoryCallers(const wse::ServiceRuntime& runtime,
                                            wse::AccessTokenVerifier& access_tokens) {
  return wse::OperatorAuthenticator(
      runtime.operator_token_hash,
      [&access_tokens](const wse::RequestContext& c) {
        return access_tokens.Verify(c.bearer_token).status();
      },
      runtime.service_identities,
      {{"rights-svc", {"GetPerson", "LookupPerson", "GetOrganization"}},
       {"registration-svc", {"GetPerson", "GetOrganization"}},
       {"notify-svc", {"GetPerson"}}});
}

// Who may tell this replica to forget records: the other identity-svc replicas (and operators).
wse::OperatorAuthenticator ReplicaCallers(const wse::ServiceRuntime& runtime,
                                          wse::AccessTokenVerifier& access_tokens) {
  return wse::OperatorAuthenticator(runtime.operator_token_hash,
                                    [&access_tokens](const wse::RequestContext& c) {
                                      return access_tokens.Verify(c.bearer_token).status();
                                    },
                                    runtime.service_identities,
                                    {{"identity-svc", {"InvalidateRecords"}}});
}

}  // namespace

int main(int argc, char** argv) {
  wse::BlockTerminationSignals();
  const wse::ServiceDefinition definition{"identity-svc", "wse.identity.v1.IdentityService",
                                          "127.0.0.1:50051", "wse_identity"};
  wse::identity::IdpOptions idp;
  wse::ServiceRuntime runtime = wse::PrepareService(
      definition, argc, argv,
      {{"identity", &wse::EmbeddedMigrations()}, {"outbox", &wse::OutboxMigrations()}}, [&idp] {
        idp = IdpOptionsFromFlags();
        CheckSessionFlags();
        const std::string url = absl::GetFlag(FLAGS_gebruikersbeheer_help_url);
        wse::RequireConfig(url.empty() || absl::StartsWith(url, "https://"),
                           "--gebruikersbeheer_help_url must be an https:// address or empty");
      });
  const std::string help_url = absl::GetFlag(FLAGS_gebruikersbeheer_help_url);
  auto box = wse::identity::SealedBox::FromHexKeyFile(absl::GetFlag(FLAGS_key_encryption_key_file));
  wse::RequireConfig(box.ok(), std::string(box.status().message()));

  wse::identity::MysqlDirectoryRepository stored_directory(*runtime.pool);
  wse::identity::MysqlSessionRepository stored_sessions(*runtime.pool);

  // Sessions and persons remembered under the replicas' leases (remembered_records.h): every
  // change is recorded in its transaction and announced to the peers before the RPC returns.
  const bool replicated = !absl::GetFlag(FLAGS_replica_address).empty();
  if (replicated) {
    wse::RequireServiceToken(runtime, "--replica_address: identity-svc calls its replicas");
  }
  const std::string replica_id = wse::NewRequestId();
  wse::identity::RememberedRecords remembered(wse::MonotonicNow,
                                              absl::GetFlag(FLAGS_replica_remember_for));
  wse::MysqlReplicaRegistry registry(*runtime.pool, wse::identity::kIdentityReplicaTables);
  const std::unique_ptr<wse::PeerInvalidator> peers =
      wse::identity::MakeRecordInvalidator(runtime.service_token, replica_id);
  wse::ReplicaLeases leases(
      remembered, registry, *peers,
      {replica_id, absl::GetFlag(FLAGS_replica_address), absl::GetFlag(FLAGS_replica_lease), ""});
  const wse::identity::RecordsChanged announce = [&leases](const std::vector<std::string>& names,
                                                           absl::Duration longest_lease) {
    leases.ChangesCommitted(names, longest_lease);
  };
  stored_directory.OnRecordsChanged(announce);
  stored_sessions.OnRecordsChanged(announce);
  wse::identity::RememberingDirectoryRepository directory(stored_directory, remembered.persons);
  wse::identity::RememberingSessionRepository sessions(stored_sessions, remembered.sessions);
  wse::identity::MysqlSigningKeyRepository key_store(*runtime.pool);
  wse::identity::KeyRing keys(
      key_store, *std::move(box),
      {absl::GetFlag(FLAGS_key_rotation_period), absl::Minutes(16), wse::JwksFilePath()});
  if (absl::Status s = keys.Refresh(); !s.ok()) {
    wse::LogError("signing keys unavailable", {{"error", s.message()}});
    return 1;
  }
  keys.Start(absl::Minutes(1));

  wse::identity::IdTokenVerifier id_tokens(
      idp, std::make_shared<wse::JwksFileKeySource>(absl::GetFlag(FLAGS_idp_jwks_file)));
  wse::AccessTokenVerifier access_tokens(wse::AccessTokenOptions(),
                                         std::make_shared<wse::identity::KeyRingKeySource>(keys));
  wse::identity::LegalRepresentationSource legal_representation(directory);
  const wse::identity::SessionPolicy policy = SessionPolicyFromFlags();
  std::vector<wse::identity::MembershipSource*> membership = {&legal_representation};
  std::unique_ptr<wse::rights::GrpcRightsClient> rights;
  std::unique_ptr<wse::identity::RightsMembershipSource> rights_membership;
  if (!absl::GetFlag(FLAGS_rights_address).empty()) {
    wse::RequireServiceToken(runtime, "--rights_address: identity-svc calls rights-svc");
    rights = std::make_unique<wse::rights::GrpcRightsClient>(
        wse::ServiceChannel(absl::GetFlag(FLAGS_rights_address)), runtime.service_token);
    rights_membership = std::make_unique<wse::identity::RightsMembershipSource>(*rights);
    membership.push_back(rights_membership.get());
  }
  wse::identity::SessionManager session_manager(directory, sessions, keys, id_tokens, membership,
                                                policy);
  // Verification codes leave through the outbox, in the transaction that stores their hash.
  wse::RequireServiceToken(runtime, "identity-svc hands e-mail verification codes to notify-svc");
  wse::notify::GrpcNotifyClient notify(wse::ServiceChannel(absl::GetFlag(FLAGS_notify_address)),
                                       runtime.service_token);
  wse::notify::MailOutboxDeliverer deliverer(notify);
  wse::OutboxRelay relay(*runtime.pool, deliverer, {.source = "identity"});
  relay.Start();
  wse::identity::MysqlEmailVerificationStore stored_verifications(*runtime.pool, stored_directory);
  stored_verifications.OnRecordsChanged(announce);
  wse::identity::EmailVerifier email(stored_verifications);

  const wse::OperatorAuthenticator operators = DirectoryCallers(runtime, access_tokens);
  const wse::OperatorAuthenticator replica_callers = ReplicaCallers(runtime, access_tokens);
  wse::identity::IdentityReplicaCacheService replica_cache(remembered, replica_id, replica_callers);
  wse::identity::IdentityServiceImpl service(
      {session_manager,
       directory,
       keys,
       access_tokens,
       operators,
       {absl::GetFlag(FLAGS_helpdesk_phone), absl::GetFlag(FLAGS_helpdesk_team),
        "vlaamsopleidingsverlof@vlaanderen.be", help_url},
       email});
  // The lease is taken once this replica's address answers and given up when it drains.
  runtime.host.after_start = [&leases] { leases.Start(); };
  runtime.host.before_drain = [&leases] { leases.Stop(); };
  const int code = wse::RunService(runtime, {&service, &replica_cache});
  leases.Stop();
  relay.Stop();
  return code;
}
