#include "common/service_main.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/config.h"
#include "common/grpc_metrics.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/status.h"
#include "common/tls.h"
#include "grpcpp/create_channel.h"

ABSL_FLAG(std::string, listen, "", "host:port to serve gRPC on (default: the service's port)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:0",
          "host:port where Prometheus scrapes /metrics (port 0: any free one, logged at start; "
          "empty: no endpoint and no gRPC metrics)");
ABSL_FLAG(std::string, db_host, "127.0.0.1", "MariaDB/MySQL host");
ABSL_FLAG(int, db_port, 3307, "MariaDB/MySQL port");
ABSL_FLAG(std::string, db_socket, "", "MariaDB unix socket (preferred over host:port if set)");
ABSL_FLAG(std::string, db_user, "", "database user (default: the service's schema name)");
ABSL_FLAG(std::string, db_password_file, "", "file holding the database password");
ABSL_FLAG(std::string, db_name, "", "database schema (default: the service's own)");
ABSL_FLAG(int, db_pool_size, 16, "database connections kept by the pool");
ABSL_FLAG(std::string, db_tls_ca_file, "",
          "PEM CA of the database server's certificate: connect over TLS only, verifying the "
          "server's certificate and host name (empty: no TLS, for a local unix socket)");
ABSL_FLAG(absl::Duration, db_startup_timeout, absl::Seconds(30),
          "how long to wait for the database at start-up");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(20),
          "on SIGTERM, how long in-flight calls may take to finish");
ABSL_FLAG(absl::Duration, health_probe_interval, absl::Seconds(1),
          "how often the database is probed for the health status");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warn or error");
ABSL_FLAG(std::string, jwks_file, "",
          "JWKS file of identity-svc's access-token keys (identity-svc writes it)");
ABSL_FLAG(std::string, token_issuer, "https://wse-loket.vlaanderen.be/identity",
          "expected 'iss' of access tokens");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate of this service: serve TLS (and present it to other services)");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA of peers: verify the services this one calls over TLS (and clients, see below)");
ABSL_FLAG(bool, tls_require_client_cert, false,
          "refuse clients without a certificate signed by --tls_ca_file (mutual TLS)");
ABSL_FLAG(bool, migrate_only, false,
          "apply the database migrations and exit 0 (a pre-rollout Job); skips the service's own "
          "settings");
ABSL_FLAG(std::string, token_audience, "wse-loket", "expected 'aud' of access tokens");
ABSL_FLAG(std::string, operator_token_file, "",
          "file with the human operators' bearer token, at least 32 random bytes (empty: no "
          "operator access); the public gateway never lets it through");
ABSL_FLAG(std::string, operator_token_hash_file, "",
          "instead of --operator_token_file: a file with the SHA-256 (64 hex) of the operators' "
          "token, so that the service's pod never holds the token itself (production)");
ABSL_FLAG(std::string, service_token_file, "",
          "file with this service's own bearer token for its calls to the other services, at "
          "least 32 random bytes");
ABSL_FLAG(std::string, service_identities_file, "",
          "file of '<service name> <sha256 hex of its token>' lines: the services that may call "
          "this one (each only the methods on its allow-list)");

namespace wse {
namespace {

[[noreturn]] void StartupFailure(const ServiceDefinition& definition, absl::string_view reason) {
  LogError("start-up failed", {{"reason", reason}});
  std::fprintf(stderr, "%s: %.*s\n", definition.program.c_str(), static_cast<int>(reason.size()),
               reason.data());
  std::exit(1);
}

bool IsHostPort(const std::string& value) {
  const auto colon = value.rfind(':');
  int port = 0;
  return colon != std::string::npos && colon > 0 &&
         absl::SimpleAtoi(value.substr(colon + 1), &port) && port >= 0 && port <= 65535;
}

MysqlOptions DatabaseOptions(const ServiceDefinition& definition) {
  MysqlOptions db;
  db.host = absl::GetFlag(FLAGS_db_host);
  db.port = absl::GetFlag(FLAGS_db_port);
  db.socket = absl::GetFlag(FLAGS_db_socket);
  db.database =
      absl::GetFlag(FLAGS_db_name).empty() ? definition.default_db : absl::GetFlag(FLAGS_db_name);
  db.user = absl::GetFlag(FLAGS_db_user).empty() ? db.database : absl::GetFlag(FLAGS_db_user);
  db.pool_size = absl::GetFlag(FLAGS_db_pool_size);
  db.tls_ca_file = absl::GetFlag(FLAGS_db_tls_ca_file);
  if (!db.tls_ca_file.empty()) {
    RequireConfig(std::ifstream(db.tls_ca_file).good(),
                  "--db_tls_ca_file: cannot read '" + db.tls_ca_file + "'");
    RequireConfig(db.socket.empty(), "--db_tls_ca_file needs --db_host/--db_port, not --db_socket");
  }
  if (!absl::GetFlag(FLAGS_db_password_file).empty()) {
    db.password = ReadSecretFile("--db_password_file", absl::GetFlag(FLAGS_db_password_file));
  }
  return db;
}

void LoadCallerCredentials(ServiceRuntime& runtime) {
  RequireConfig(absl::GetFlag(FLAGS_operator_token_file).empty() ||
                    absl::GetFlag(FLAGS_operator_token_hash_file).empty(),
                "give --operator_token_file or --operator_token_hash_file, not both");
  if (!absl::GetFlag(FLAGS_operator_token_file).empty()) {
    runtime.operator_token_hash = ServiceTokenHash(
        ReadCredentialFile("--operator_token_file", absl::GetFlag(FLAGS_operator_token_file)));
  }
  if (!absl::GetFlag(FLAGS_operator_token_hash_file).empty()) {
    runtime.operator_token_hash = absl::AsciiStrToLower(ReadSecretFile(
        "--operator_token_hash_file", absl::GetFlag(FLAGS_operator_token_hash_file)));
    RequireConfig(runtime.operator_token_hash.size() == 64 &&
                      std::all_of(runtime.operator_token_hash.begin(),
                                  runtime.operator_token_hash.end(), absl::ascii_isxdigit),
                  "--operator_token_hash_file must hold 64 hex characters (sha256sum)");
  }
  if (!absl::GetFlag(FLAGS_service_token_file).empty()) {
    runtime.service_token =
        ReadCredentialFile("--service_token_file", absl::GetFlag(FLAGS_service_token_file));
  }
  auto identities = std::make_shared<ServiceIdentities>();
  if (!absl::GetFlag(FLAGS_service_identities_file).empty()) {
    auto parsed = ServiceIdentities::Parse(
        ReadSecretFile("--service_identities_file", absl::GetFlag(FLAGS_service_identities_file)));
    RequireConfig(parsed.ok(),
                  "--service_identities_file: " + std::string(parsed.status().message()));
    *identities = *std::move(parsed);
  }
  // One secret, one holder: a service token that is also the operators' would make every
  // service an operator again.
  RequireConfig(runtime.operator_token_hash.empty() ||
                    !identities->IdentifyHash(runtime.operator_token_hash).has_value(),
                "--operator_token_file: the operators' token is also a service's token");
  runtime.service_identities = std::move(identities);
}

}  // namespace

void RequireServiceToken(const ServiceRuntime& runtime, absl::string_view why) {
  RequireConfig(!runtime.service_token.empty(),
                "--service_token_file is required (" + std::string(why) + ")");
}

ServiceRuntime PrepareService(const ServiceDefinition& definition, int argc, char** argv,
                              const std::vector<MigrationSet>& migrations,
                              const std::function<void()>& check_config) {
  ParseConfig(argc, argv, definition.program + ": " + definition.full_name + " server");
  // Which build runs (the commit is the one the tree was configured at).
  GaugeOf("wse_build_info", "The running build: version and commit, value 1.",
          {{"service", definition.program}, {"version", WSE_VERSION}, {"commit", WSE_COMMIT}})
      .Set(1);
  const std::string listen =
      absl::GetFlag(FLAGS_listen).empty() ? definition.default_listen : absl::GetFlag(FLAGS_listen);
  RequireConfig(IsHostPort(listen), "--listen must be host:port, got '" + listen + "'");
  RequireConfig(absl::GetFlag(FLAGS_db_port) > 0 && absl::GetFlag(FLAGS_db_port) <= 65535,
                "--db_port must be within 1..65535");
  RequireConfig(absl::GetFlag(FLAGS_db_pool_size) >= 1 && absl::GetFlag(FLAGS_db_pool_size) <= 512,
                "--db_pool_size must be within 1..512");
  RequireConfig(absl::GetFlag(FLAGS_drain_timeout) >= absl::ZeroDuration(),
                "--drain_timeout must not be negative");
  RequireConfig(absl::GetFlag(FLAGS_health_probe_interval) >= absl::Milliseconds(50),
                "--health_probe_interval must be at least 50ms");
  RequireConfig(IsValidLogLevel(absl::GetFlag(FLAGS_log_level)),
                "--log_level must be one of debug, info, warn, error");

  auto tls =
      LoadTlsConfig(absl::GetFlag(FLAGS_tls_cert_file), absl::GetFlag(FLAGS_tls_key_file),
                    absl::GetFlag(FLAGS_tls_ca_file), absl::GetFlag(FLAGS_tls_require_client_cert));
  if (!tls.ok()) {
    const auto violations = FieldViolationsOf(tls.status());
    RequireConfig(false, violations.empty()
                             ? std::string(tls.status().message())
                             : violations[0].field + " " + violations[0].description);
  }
  ServiceTls() = *tls;

  ServiceRuntime runtime;
  runtime.definition = definition;
  runtime.host.credentials = ServerCredentialsFor(ServiceTls());
  runtime.db = DatabaseOptions(definition);
  LoadCallerCredentials(runtime);
  if (check_config && !absl::GetFlag(FLAGS_migrate_only)) check_config();
  runtime.host.listen_address = listen;
  runtime.host.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  runtime.host.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  SetGrpcMetricsEnabled(!runtime.host.metrics_listen.empty());
  runtime.host.probe_interval = absl::GetFlag(FLAGS_health_probe_interval);
  InitLogging(definition.program, absl::GetFlag(FLAGS_log_level));

  runtime.pool = std::make_unique<MysqlPool>(runtime.db);
  const absl::Time give_up = absl::Now() + absl::GetFlag(FLAGS_db_startup_timeout);
  absl::Status migrated;
  while (true) {
    migrated = ApplyMigrations(*runtime.pool, migrations);
    if (migrated.ok() || migrated.code() != absl::StatusCode::kUnavailable ||
        absl::Now() >= give_up) {
      break;
    }
    LogWarn("waiting for the database", {{"error", migrated.message()}});
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (!migrated.ok()) StartupFailure(definition, migrated.message());
  if (absl::GetFlag(FLAGS_migrate_only)) {
    LogInfo("migrations applied; exiting (--migrate_only)");
    std::exit(0);
  }
  return runtime;
}

JwtVerifierOptions AccessTokenOptions() {
  JwtVerifierOptions options;
  options.issuer = absl::GetFlag(FLAGS_token_issuer);
  options.audience = absl::GetFlag(FLAGS_token_audience);
  options.max_lifetime = absl::Minutes(16);  // Our access tokens live at most 15 minutes.
  return options;
}

std::string JwksFilePath() { return absl::GetFlag(FLAGS_jwks_file); }

TlsConfig& ServiceTls() {
  static TlsConfig tls;
  return tls;
}

namespace {

std::shared_ptr<grpc::Channel> ChannelWith(const std::string& address,
                                           const grpc::ChannelArguments& args) {
  // Every internal call is counted (grpc_client_*, common/grpc_metrics.h).
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(MakeClientMetricsInterceptorFactory());
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      address, ChannelCredentialsFor(ServiceTls()), args, std::move(interceptors));
}

}  // namespace

std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& address) {
  return ChannelWith(address, grpc::ChannelArguments());
}

std::shared_ptr<grpc::Channel> SeparateServiceChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // Reconnect within a second after the callee comes back (gRPC's default backoff grows to
  // 120 s, long without a lease).
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  return ChannelWith(address, args);
}

std::unique_ptr<AccessTokenVerifier> MakeAccessTokenVerifier() {
  const std::string path = JwksFilePath();
  RequireConfig(!path.empty(), "--jwks_file is required to verify access tokens");
  return std::make_unique<AccessTokenVerifier>(AccessTokenOptions(),
                                               std::make_shared<JwksFileKeySource>(path));
}

int RunService(ServiceRuntime& runtime, const std::vector<grpc::Service*>& services) {
  // Debian builds abseil without NDEBUG, which leaves Mutex deadlock detection on: a lock-graph
  // lookup at every lock of every request. The unit and ThreadSanitizer tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  ServiceHost host(runtime.host);
  for (grpc::Service* service : services) host.AddService(service, runtime.definition.full_name);
  host.WatchDatabase(runtime.db, runtime.pool.get());
  auto port = host.Start();
  if (!port.ok()) StartupFailure(runtime.definition, port.status().message());
  return host.WaitForTerminationSignal();
}

}  // namespace wse
