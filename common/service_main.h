#pragma once
// The start-up every service shares: flags common to all services, logging, the database pool,
// migrations, and serving with health and drain. A service's main() only adds its own parts.
//
// Common settings (flag / environment):
//   --listen / WSE_LISTEN                       host:port to serve on
//   --db_host, --db_port, --db_socket, --db_user, --db_password_file, --db_name
//   --db_pool_size, --db_startup_timeout        how long to wait for the database at start-up
//   --db_tls_ca_file                            TLS to the database, server certificate verified
//   --drain_timeout, --health_probe_interval, --log_level
//   --jwks_file, --token_issuer, --token_audience  verification of identity-svc's access tokens
//   --operator_token_file, --service_token_file, --service_identities_file  who else may call
//                                               (operator_auth.h, service_identity.h)

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/migrations.h"
#include "common/mysql_pool.h"
#include "common/service_host.h"
#include "common/service_identity.h"
#include "common/tls.h"
#include "common/token_verifier.h"
#include "grpcpp/channel.h"

namespace wse {

struct ServiceDefinition {
  std::string program;         // "rights-svc"
  std::string full_name;       // "wse.rights.v1.RightsService"
  std::string default_listen;  // "127.0.0.1:50052"
  std::string default_db;      // "wse_rights"
};

struct ServiceRuntime {
  ServiceDefinition definition;
  MysqlOptions db;
  std::unique_ptr<MysqlPool> pool;
  ServiceHostOptions host;
  // SHA-256 hex of the operators' token (--operator_token_file or --operator_token_hash_file);
  // empty: no operator access.
  std::string operator_token_hash;
  std::string service_token;  // --service_token_file: this service's credential to the others.
  // --service_identities_file: the services that may call this one (never null).
  std::shared_ptr<const ServiceIdentities> service_identities;
};

// Exits(2) with one line unless --service_token_file was given (`why`: whom it calls).
void RequireServiceToken(const ServiceRuntime& runtime, absl::string_view why);

// Parses flags + environment (exit 2 on bad configuration), runs `check_config` (the service's
// own settings, which exits 2 through RequireConfig) before anything touches the database,
// starts logging, waits up to --db_startup_timeout for the database, applies `migrations`
// (exit 1 with the reason on failure).
ServiceRuntime PrepareService(const ServiceDefinition& definition, int argc, char** argv,
                              const std::vector<MigrationSet>& migrations,
                              const std::function<void()>& check_config = nullptr);

// The TLS settings of this process (--tls_* flags), loaded by PrepareService.
TlsConfig& ServiceTls();
// A channel to another service, with TLS (and our certificate) when --tls_ca_file is set.
std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& address);
// The same with connections of its own (a local subchannel pool): its failures (and gRPC's
// reconnect backoff after them) never touch the calls on other channels to that address, and it
// reconnects at least every second. For background calls that may start before the callee is up
// (registration-svc's lease renewals).
std::shared_ptr<grpc::Channel> SeparateServiceChannel(const std::string& address);

// Verifier for identity-svc's access tokens from --jwks_file / --token_issuer / --token_audience.
std::unique_ptr<AccessTokenVerifier> MakeAccessTokenVerifier();
// --token_issuer / --token_audience as verifier options.
JwtVerifierOptions AccessTokenOptions();
// --jwks_file: where identity-svc publishes its public keys and the others read them.
std::string JwksFilePath();

// Serves until SIGTERM/SIGINT, then drains; returns the exit code for main().
int RunService(ServiceRuntime& runtime, const std::vector<grpc::Service*>& services);

}  // namespace wse
