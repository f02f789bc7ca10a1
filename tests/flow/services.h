#pragma once
// Where the services are: the one description of a running suite that the flow library, the
// tests and the load generator share. It comes from the STACK_* environment of
// deploy/local/lib.sh (the test and bench stacks), from a private stack a fault test starts
// (PrivateStack::services()), or from a test that serves a service in-process.

#include <string>

#include "absl/status/statusor.h"

namespace wse::flow {

struct Services {
  std::string host = "127.0.0.1";
  // 0: not running (or not known).
  int identity_port = 0, rights_port = 0, registration_port = 0, notify_port = 0;
  int gateway_port = 0, operator_gateway_port = 0, db_port = 0, smtp_port = 0;
  // Where each service serves its Prometheus metrics (HTTP, /metrics).
  int identity_metrics_port = 0, rights_metrics_port = 0, registration_metrics_port = 0,
      notify_metrics_port = 0;
  int prometheus_port = 0;  // The stack's Prometheus (HTTP API).

  std::string root;       // Repository root.
  std::string build_dir;  // Build tree (binaries).
  std::string run_dir;    // Run folder: logs, secrets.
  std::string mail_dir;   // The SMTP sink's maildir.
  std::string db_socket;  // MariaDB's socket (root access for throwaway schemas and checks).

  // The operator's bearer token (batch imports, operator-only RPCs).
  std::string operator_token;
  // The development identity provider's key folder: ID tokens minted with it are what a
  // digital-key login hands the front end.
  std::string dev_idp_dir;

  std::string Address(int port) const;  // "host:port"
  std::string identity() const { return Address(identity_port); }
  std::string rights() const { return Address(rights_port); }
  std::string registration() const { return Address(registration_port); }
  std::string notify() const { return Address(notify_port); }
  std::string gateway() const { return Address(gateway_port); }

  // The STACK_* variables (every one of them, and the operator token in the run folder);
  // FAILED_PRECONDITION naming what is missing.
  static absl::StatusOr<Services> FromEnvironment();
};

}  // namespace wse::flow
