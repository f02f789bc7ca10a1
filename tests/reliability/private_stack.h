#pragma once
// A whole private stack for fault tests: a MariaDB of its own, identity-svc, rights-svc,
// registration-svc and (optionally) notify-svc with a private SMTP sink, every one a child
// process on a free port, so a test can stop, kill, freeze and restart any part without touching
// the shared test stack. Only read from the test stack: the binaries, the dev IdP's key (to mint
// ID tokens) and the operator token (copied).

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tests/flow/services.h"
#include "tests/support/notify_sink.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/process.h"
#include "tests/support/tcp_proxy.h"

namespace wse::testing {

// One service binary, restartable on the same port (clients keep their channels).
class ServiceProcess {
 public:
  ServiceProcess(std::string program, std::string full_name, std::vector<std::string> argv,
                 std::string log_path, int port);
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;
  ~ServiceProcess();

  absl::Status Start();  // Does not wait; see WaitServing.
  bool WaitServing(absl::Duration timeout = absl::Seconds(30));
  void Signal(int signal_number) const;
  // SIGKILL and reap (returns at once: a killed process leaves no drain).
  void Kill();
  // SIGTERM, wait for the drain; SIGKILL after `timeout`. Returns the exit code, if any.
  std::optional<int> Stop(absl::Duration timeout = absl::Seconds(15));
  // Alive (neither exited nor killed). A stopped (SIGSTOP) process is alive.
  bool Running();
  pid_t pid() const { return process_ ? process_->pid() : 0; }
  int port() const { return port_; }
  const std::string& program() const { return program_; }
  const std::string& full_name() const { return full_name_; }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const;
  std::string LogTail(size_t bytes = 4000) const;
  // "Threads:" of /proc/<pid>/status (-1 when unknown).
  int Threads() const;
  // The threads by name (/proc/<pid>/task/*/comm, 15 characters): the sync server's handler
  // threads are "grpcpp_sync_ser".
  std::map<std::string, int> ThreadsByName() const;
  std::string ThreadNames() const;  // "default-executo=1 grpcpp_sync_ser=2 ..."

 private:
  std::string program_, full_name_;
  std::vector<std::string> argv_;
  std::string log_path_;
  int port_;
  std::optional<ChildProcess> process_;
};

struct PrivateStackOptions {
  bool with_notify = false;  // notify-svc and a private SMTP sink
  // rights-svc replicas on the same database (rights_replica(i)); the other services use the
  // first. rights_replica_flags come after rights_flags, for every replica but the first.
  int rights_replicas = 1;
  std::vector<std::string> rights_replica_flags;
  // identity-svc replicas on the same database (identity_replica(i), each writing its own JWKS
  // file); the other services use the first.
  int identity_replicas = 1;
  // Each replica advertises a TcpProxy to its peers (replica_proxy(i)), so a test can cut it off
  // from their invalidations while its own calls to the database and clients go on.
  bool proxied_replica_addresses = false;
  // Extra flags per service, appended to the defaults.
  std::vector<std::string> identity_flags, rights_flags, registration_flags, notify_flags;
};

class PrivateStack {
 public:
  PrivateStack();
  ~PrivateStack();  // Kills what still runs; removes the folders unless the test failed.

  // Starts everything and waits until every service is SERVING.
  absl::Status Start(const PrivateStackOptions& options = {});

  PrivateMariaDb& db() { return *db_; }
  PrivateSmtpSink& sink() { return *sink_; }
  ServiceProcess& identity() { return *identity_; }
  ServiceProcess& identity_replica(size_t index = 1) { return *identity_replicas_.at(index - 1); }
  ServiceProcess& rights() { return *rights_replicas_.at(0); }
  ServiceProcess& rights_replica(size_t index = 1) { return *rights_replicas_.at(index); }
  size_t rights_replica_count() const { return rights_replicas_.size(); }
  TcpProxy& replica_proxy(size_t index) { return *replica_proxies_.at(index); }
  ServiceProcess& registration() { return *registration_; }
  ServiceProcess& notify() { return *notify_; }
  std::vector<ServiceProcess*> Services();

  // Where its services run, for the flow library: its ports, its operator token and mail folder,
  // the test stack's development IdP (which its identity-svc trusts).
  flow::Services services() const;

  const std::string& dir() const { return dir_; }
  const std::string& operator_token() const { return operator_token_; }
  const std::string& maildir() const { return sink_->maildir(); }

  // One value (first column of the first row) of a root query on the private MariaDB; "" when
  // no row or the database is unreachable.
  std::string Query(const std::string& sql);
  int64_t Count(const std::string& sql);
  // The services' logs (last part of each), for failure messages.
  std::string Logs();

 private:
  std::string dir_;
  std::string operator_token_;
  std::unique_ptr<PrivateMariaDb> db_;
  std::unique_ptr<PrivateSmtpSink> sink_;
  std::unique_ptr<ServiceProcess> identity_, registration_, notify_;
  std::vector<std::unique_ptr<ServiceProcess>> rights_replicas_;    // [0] is rights().
  std::vector<std::unique_ptr<ServiceProcess>> identity_replicas_;  // Besides identity().
  std::vector<std::unique_ptr<TcpProxy>> replica_proxies_;
};

}  // namespace wse::testing
