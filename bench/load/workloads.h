#pragma once
// The workloads of the benchmark suite (issue 8), each a closed loop at a given concurrency:
//
//   echo          wse.testing.v1.EchoService/Echo on wse-echo-server: the unary gRPC ceiling
//   mysql-insert  one row like a registration version inserted and committed per transaction,
//                 same connector and pool code as the services, scratch schema wse_bench: the
//                 durable-write ceiling
//   select        IdentityService/SelectActingContext: a fresh org-scoped ES256 token (mint)
//   verify        IdentityService/GetCurrentUser with an org token: the access-token check (JWT
//                 cache, live session and person read) and nothing else
//   check         RightsService/CheckPermission (vov.registration.write, allowed)
//   ext-authz     envoy.service.auth.v3.Authorization/Check for a ConfirmDraft call
//   confirm       RegistrationService/ConfirmDraft of prepared drafts with 2 participants each
//                 (one durable transaction with the outbox row of the receipt mail)
//   bulk          UploadParticipants of `bulk_rows` rows + ValidateDraft, timed per run
//   mail          NotifyService/SendMail x `mails`, timed until every mail is a file in the SMTP
//                 sink's folder (end to end, notify-svc's delivery workers)
//   story         the seed story through the gateway per fresh user: ExchangeIdToken ->
//                 SelectActingContext -> GetApplicationScreen -> CreateDraft -> AddParticipant x2
//                 -> ValidateDraft -> ConfirmDraft
//   soak          the story in a loop for the same users (plus GetCurrentUser, CheckPermission
//                 and ext_authz Check), through the gateway: the memory run

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/load/engine.h"
#include "bench/load/stack.h"

namespace wse::bench {

struct WorkloadArgs {
  flow::Services stack;
  // Why `stack` is unknown (the STACK_* variables are missing): only echo runs without it.
  absl::Status stack_known = absl::FailedPreconditionError("the stack is not known");
  std::string echo_address;  // host:port of wse-echo-server
  int concurrency = 1;
  Timing timing;
  AsyncOptions async;
  int confirm_drafts = 0;  // Drafts prepared per confirm run; 0: from the concurrency.
  int bulk_rows = 10000;
  int bulk_runs = 1;
  int mails = 1500;
  int story_users = 0;  // Fresh users per story run; 0: from the concurrency.
  // Called right before / after the measured load (after the preparation).
  std::function<void()> on_load_start, on_load_stop;
};

struct WorkloadResult {
  RunStats stats;
  std::string unit = "ops/s";
  double throughput = -1;  // < 0: stats.throughput().
  std::string note;        // Anything else worth a column (per-step latencies, split times).

  double Throughput() const { return throughput >= 0 ? throughput : stats.throughput(); }
};

const std::vector<std::string>& WorkloadNames();
absl::StatusOr<WorkloadResult> RunWorkload(const std::string& name, const WorkloadArgs& args);

}  // namespace wse::bench
