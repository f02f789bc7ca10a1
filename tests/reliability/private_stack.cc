#include "tests/reliability/private_stack.h"

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/service_identity.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

std::string RandomHex(int bytes) {
  std::random_device random;
  std::string out;
  for (int i = 0; i < bytes; ++i) out += absl::StrFormat("%02x", random() & 0xff);
  return out;
}

void WriteSecret(const std::string& path, const std::string& value) {
  std::ofstream(path) << value << "\n";
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace

ServiceProcess::ServiceProcess(std::string program, std::string full_name,
                               std::vector<std::string> argv, std::string log_path, int port)
    : program_(std::move(program)),
      full_name_(std::move(full_name)),
      argv_(std::move(argv)),
      log_path_(std::move(log_path)),
      port_(port) {}

ServiceProcess::~ServiceProcess() {
  if (process_) Signal(SIGCONT);  // A frozen process cannot be reaped otherwise.
}

absl::Status ServiceProcess::Start() {
  if (process_ && Running()) return absl::FailedPreconditionError(program_ + " already runs");
  process_.reset();
  std::ofstream(log_path_, std::ios::app) << "---- (re)start by the test ----\n";
  ASSIGN_OR_RETURN(auto started, ChildProcess::Start(argv_, log_path_));
  process_.emplace(std::move(started));
  return absl::OkStatus();
}

bool ServiceProcess::WaitServing(absl::Duration timeout) {
  return WaitFor(
             [&] {
               return HealthOf(port_, full_name_, absl::Milliseconds(500)) == "SERVING" ||
                      !Running();
             },
             timeout) &&
         Running();
}

void ServiceProcess::Signal(int signal_number) const {
  if (process_) process_->Signal(signal_number);
}

void ServiceProcess::Kill() {
  if (!process_) return;
  process_->Signal(SIGKILL);
  process_->Wait(absl::Seconds(10));
  process_.reset();
}

std::optional<int> ServiceProcess::Stop(absl::Duration timeout) {
  if (!process_) return std::nullopt;
  process_->Signal(SIGCONT);
  process_->Signal(SIGTERM);
  std::optional<int> code = process_->Wait(timeout);
  if (!code) Kill();
  process_.reset();
  return code;
}

bool ServiceProcess::Running() {
  if (!process_) return false;
  if (process_->Wait(absl::ZeroDuration()).has_value()) {
    process_.reset();
    return false;
  }
  return true;
}

std::string ServiceProcess::Log() const { return ReadFile(log_path_); }

std::string ServiceProcess::LogTail(size_t bytes) const {
  const std::string log = Log();
  return log.size() <= bytes ? log : log.substr(log.size() - bytes);
}

int ServiceProcess::Threads() const {
  if (pid() <= 0) return -1;
  const std::string status = ReadFile(absl::StrCat("/proc/", pid(), "/status"));
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (absl::ConsumePrefix(&line, "Threads:")) {
      int threads = -1;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &threads)) return threads;
    }
  }
  return -1;
}

std::map<std::string, int> ServiceProcess::ThreadsByName() const {
  std::map<std::string, int> names;
  if (pid() <= 0) return names;
  std::error_code error;
  for (const auto& task :
       std::filesystem::directory_iterator(absl::StrCat("/proc/", pid(), "/task"), error)) {
    const std::string name(absl::StripAsciiWhitespace(ReadFile(task.path().string() + "/comm")));
    if (!name.empty()) ++names[name];
  }
  return names;
}

std::string ServiceProcess::ThreadNames() const {
  std::string out;
  for (const auto& [name, count] : ThreadsByName()) {
    absl::StrAppend(&out, out.empty() ? "" : " ", name, "=", count);
  }
  return out;
}

PrivateStack::PrivateStack() : dir_(MakeTempDir("wse-reliability-")) {}

PrivateStack::~PrivateStack() {
  // Services first (they hold connections to the database), then the database and the sink.
  for (ServiceProcess* service : Services()) service->Kill();
  const bool keep = ::testing::Test::HasFailure();
  std::string db_dir = db_ != nullptr ? db_->dir() : "";
  db_.reset();
  sink_.reset();
  std::error_code error;
  if (keep) {
    std::printf("[ private  ] kept for inspection: %s (logs) and %s (database)\n", dir_.c_str(),
                db_dir.c_str());
    return;
  }
  std::filesystem::remove_all(dir_, error);
  if (!db_dir.empty()) std::filesystem::remove_all(db_dir, error);
}

std::vector<ServiceProcess*> PrivateStack::Services() {
  std::vector<ServiceProcess*> out;
  if (identity_ != nullptr) out.push_back(identity_.get());
  for (const auto& replica : identity_replicas_) out.push_back(replica.get());
  for (const auto& replica : rights_replicas_) out.push_back(replica.get());
  for (auto* s : {&registration_, &notify_}) {
    if (*s != nullptr) out.push_back(s->get());
  }
  return out;
}

flow::Services PrivateStack::services() const {
  const StackEnv& env = StackEnv::Get();
  flow::Services s;
  s.identity_port = identity_ ? identity_->port() : 0;
  s.rights_port = rights_replicas_.empty() ? 0 : rights_replicas_[0]->port();
  s.registration_port = registration_ ? registration_->port() : 0;
  s.notify_port = notify_ ? notify_->port() : 0;
  s.root = env.root;
  s.build_dir = env.build_dir;
  s.run_dir = dir_;
  s.mail_dir = sink_ ? sink_->maildir() : "";
  s.db_socket = db_ ? db_->socket() : "";
  s.operator_token = operator_token_;
  s.dev_idp_dir = env.dev_idp_dir;
  return s;
}

absl::Status PrivateStack::Start(const PrivateStackOptions& options) {
  if (dir_.empty()) return absl::InternalError("no temporary folder");
  const StackEnv& env = StackEnv::Get();
  const absl::Time start = absl::Now();

  // Secrets of our own: the key sealing identity-svc's signing keys and the operator token
  // (the test stack's token, so the shared helpers in identity_test_data.h work unchanged).
  operator_token_ = OperatorToken();
  if (operator_token_.empty()) return absl::FailedPreconditionError("no operator token");
  const std::string secrets = dir_ + "/secrets";
  std::filesystem::create_directories(secrets);
  std::filesystem::create_directories(dir_ + "/jwks");
  WriteSecret(secrets + "/operator.token", operator_token_);
  WriteSecret(secrets + "/key-encryption.key", RandomHex(32));
  // Each service its own token; every service knows the others by their hashes.
  std::string identities;
  for (const char* service : {"identity", "rights", "registration", "notify"}) {
    const std::string token = RandomHex(32);
    WriteSecret(absl::StrCat(secrets, "/", service, ".service-token"), token);
    absl::StrAppend(&identities, service, "-svc ", ServiceTokenHash(token), "\n");
  }
  WriteSecret(secrets + "/service-identities", identities);

  db_ = std::make_unique<PrivateMariaDb>();
  {
    ASSIGN_OR_RETURN(auto conn, ConnectMysql(db_->RootOptions()));
    std::unique_ptr<sql::Statement> stmt(conn->createStatement());
    for (const char* schema : {"wse_identity", "wse_rights", "wse_registration", "wse_notify"}) {
      stmt->execute(absl::StrCat("CREATE DATABASE ", schema,
                                 " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"));
    }
  }
  if (options.with_notify) {
    sink_ = std::make_unique<PrivateSmtpSink>();
    if (!sink_->Start()) return absl::InternalError("the private SMTP sink did not start");
  }

  // Without notify-svc its port stays closed: the outbox relays keep their mails and retry.
  const int identity_port = FreePort(), rights_port = FreePort(), registration_port = FreePort(),
            notify_port = FreePort();
  const std::string token_file = secrets + "/operator.token";
  auto common = [&](const std::string& service, int port) {
    return std::vector<std::string>{
        env.Binary(service + "-svc/" + service + "-svc"),
        absl::StrCat("--listen=127.0.0.1:", port),
        "--db_socket=" + db_->socket(),
        "--db_user=root",
        "--jwks_file=" + dir_ + "/jwks/identity.json",
        "--drain_timeout=2s",
        "--health_probe_interval=100ms",
        "--db_startup_timeout=20s",
        "--operator_token_file=" + token_file,
        absl::StrCat("--service_token_file=", secrets, "/", service, ".service-token"),
        "--service_identities_file=" + secrets + "/service-identities",
    };
  };
  auto make = [&](const std::string& service, const std::string& full_name, int port,
                  std::vector<std::string> own, const std::vector<std::string>& extra,
                  const std::string& log_suffix = "") {
    std::vector<std::string> argv = common(service, port);
    argv.insert(argv.end(), own.begin(), own.end());
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<ServiceProcess>(
        service + "-svc", full_name, std::move(argv),
        absl::StrCat(dir_, "/", service, "-svc", log_suffix, ".log"), port);
  };
  const std::string notify_address = absl::StrCat("127.0.0.1:", notify_port);
  const std::string identity_address = absl::StrCat("127.0.0.1:", identity_port);
  const std::string rights_address = absl::StrCat("127.0.0.1:", rights_port);
  auto identity_flags = [&](const std::string& advertised) {
    return std::vector<std::string>{"--idp_issuer=https://dev-idp.wse-loket.invalid",
                                    "--allow_dev_idp",
                                    "--norequire_login_nonce",
                                    "--idp_jwks_file=" + env.run_dir + "/dev-idp/dev-idp-jwks.json",
                                    "--key_encryption_key_file=" + secrets + "/key-encryption.key",
                                    "--rights_address=" + rights_address,
                                    "--replica_address=" + advertised};
  };
  identity_ = make("identity", "wse.identity.v1.IdentityService", identity_port,
                   identity_flags(identity_address), options.identity_flags);
  for (int i = 1; i < options.identity_replicas; ++i) {
    const int port = FreePort();
    std::vector<std::string> own = identity_flags(absl::StrCat("127.0.0.1:", port));
    // Its own JWKS file (the flag given last counts): the others read the first replica's.
    own.push_back(absl::StrCat("--jwks_file=", dir_, "/jwks/identity-replica", i, ".json"));
    identity_replicas_.push_back(make("identity", "wse.identity.v1.IdentityService", port,
                                      std::move(own), options.identity_flags,
                                      absl::StrCat("-replica", i)));
  }
  for (int i = 0; i < std::max(1, options.rights_replicas); ++i) {
    const int port = i == 0 ? rights_port : FreePort();
    int advertised = port;
    if (options.proxied_replica_addresses) {
      replica_proxies_.push_back(std::make_unique<TcpProxy>(port));
      advertised = replica_proxies_.back()->port();
    }
    std::vector<std::string> flags = options.rights_flags;
    if (i > 0) {
      flags.insert(flags.end(), options.rights_replica_flags.begin(),
                   options.rights_replica_flags.end());
    }
    rights_replicas_.push_back(
        make("rights", "wse.rights.v1.RightsService", port,
             {"--identity_address=" + identity_address, "--notify_address=" + notify_address,
              absl::StrCat("--replica_address=127.0.0.1:", advertised)},
             flags, i == 0 ? "" : absl::StrCat("-replica", i)));
  }
  registration_ =
      make("registration", "wse.registration.v1.RegistrationService", registration_port,
           {"--rights_address=" + rights_address, "--identity_address=" + identity_address,
            "--notify_address=" + notify_address,
            absl::StrCat("--replica_address=127.0.0.1:", registration_port)},
           options.registration_flags);
  if (options.with_notify) {
    notify_ =
        make("notify", "wse.notify.v1.NotifyService", notify_port,
             {absl::StrCat("--smtp_url=smtp://127.0.0.1:", sink_->port()),
              "--identity_address=" + identity_address,
              "--templates_dir=" + env.root + "/notify-svc/templates", "--initial_backoff=200ms",
              "--max_backoff=1s", "--max_attempts=100", "--poll_interval=50ms"},
             options.notify_flags);
  }

  // identity-svc first: it writes the JWKS file the others verify access tokens with.
  RETURN_IF_ERROR(identity_->Start());
  if (!identity_->WaitServing()) {
    return absl::UnavailableError("identity-svc did not become SERVING:\n" + identity_->LogTail());
  }
  for (ServiceProcess* service : Services()) {
    if (service == identity_.get()) continue;
    RETURN_IF_ERROR(service->Start());
  }
  for (ServiceProcess* service : Services()) {
    if (!service->WaitServing()) {
      return absl::UnavailableError(service->program() + " did not become SERVING:\n" +
                                    service->LogTail());
    }
  }
  std::printf("[ private  ] stack up in %.1f s (MariaDB, %zu services%s) under %s\n",
              absl::ToDoubleSeconds(absl::Now() - start), Services().size(),
              options.with_notify ? ", SMTP sink" : "", dir_.c_str());
  return absl::OkStatus();
}

std::string PrivateStack::Query(const std::string& sql) {
  auto conn = ConnectMysql(db_->RootOptions());
  if (!conn.ok()) return "";
  try {
    std::unique_ptr<sql::Statement> stmt((*conn)->createStatement());
    std::unique_ptr<sql::ResultSet> rows(stmt->executeQuery(sql));
    return rows->next() ? std::string(rows->getString(1)) : std::string();
  } catch (const sql::SQLException& e) {
    ADD_FAILURE() << "query failed: " << sql << ": " << e.what();
    return "";
  }
}

int64_t PrivateStack::Count(const std::string& sql) {
  int64_t n = -1;
  return absl::SimpleAtoi(Query(sql), &n) ? n : -1;
}

std::string PrivateStack::Logs() {
  std::string out;
  for (ServiceProcess* service : Services()) {
    absl::StrAppend(&out, "==== ", service->program(), " (", service->log_path(), ")\n",
                    service->LogTail(3000), "\n");
  }
  return out;
}

}  // namespace wse::testing
