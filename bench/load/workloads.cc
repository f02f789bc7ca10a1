#include "bench/load/workloads.h"

#include <dirent.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/mysql_pool.h"
#include "common/mysql_statements.h"
#include "common/status_macros.h"
#include "cppconn/connection.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/statement.h"
#include "envoy/service/auth/v3/external_auth.grpc.pb.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"
#include "wse/notify/v1/notify_service.grpc.pb.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"
#include "wse/testing/v1/echo.grpc.pb.h"

namespace wse::bench {
namespace {

namespace idv1 = wse::identity::v1;
namespace rv1 = wse::rights::v1;
namespace reg = wse::registration::v1;
namespace nv1 = wse::notify::v1;
namespace auth = envoy::service::auth::v3;

using Validator = std::function<std::optional<std::string>(const grpc::ByteBuffer&)>;
using Generator = std::function<bool(CallSpec*)>;
using Sessions = std::vector<std::unique_ptr<Session>>;

constexpr char kWritePermission[] = "vov.registration.write";

void Log(const std::string& text) {
  std::fprintf(stderr, "[wse-load %s] %s\n",
               absl::FormatTime("%H:%M:%S", absl::Now(), absl::UTCTimeZone()).c_str(),
               text.c_str());
}

// One call per operation, from a generator (endless, or until it runs dry).
class CallSession final : public Session {
 public:
  CallSession(Generator next, Validator validate)
      : next_(std::move(next)), validate_(std::move(validate)) {}
  bool Next(CallSpec* call) override { return next_(call); }
  std::optional<Outcome> OnReply(const grpc::Status& status,
                                 const grpc::ByteBuffer& reply) override {
    if (!status.ok()) return Outcome::Of(status);
    if (validate_) {
      if (std::optional<std::string> failure = validate_(reply)) return Outcome::Error(*failure);
    }
    return Outcome::Ok();
  }

 private:
  Generator next_;
  Validator validate_;
};

// The same request again and again.
Generator Repeat(std::string method, const google::protobuf::Message& request, std::string bearer) {
  const grpc::ByteBuffer packed = ToBuffer(request.SerializeAsString());
  return [method = std::move(method), packed, bearer = std::move(bearer)](CallSpec* call) {
    call->method = method;
    call->request = packed;
    call->bearer = bearer;
    return true;
  };
}

template <typename Response>
Validator Expect(std::function<std::optional<std::string>(const Response&)> check) {
  return [check = std::move(check)](const grpc::ByteBuffer& reply) -> std::optional<std::string> {
    Response response;
    if (!Unpack(reply, &response)) return "BAD_REPLY";
    return check(response);
  };
}

RunStats Measure(const WorkloadArgs& args, const std::function<RunStats()>& run) {
  if (args.on_load_start) args.on_load_start();
  RunStats stats = run();
  if (args.on_load_stop) args.on_load_stop();
  return stats;
}

std::string Ms(int64_t nanos) { return absl::StrFormat("%.2f", static_cast<double>(nanos) / 1e6); }

// "ConfirmDraft p50 12.3 / p99 40.1 ms; ..." for multi-call operations.
std::string StepSummary(const RunStats& stats) {
  std::vector<std::string> parts;
  for (const auto& [method, h] : stats.steps) {
    std::string name = method.substr(method.rfind('/') + 1);
    if (absl::StartsWith(method, "/envoy.")) name = "ext_authz." + name;
    parts.push_back(absl::StrCat(name, " ", Ms(h.Quantile(0.5)), "/", Ms(h.Quantile(0.99))));
  }
  return "per call p50/p99 ms: " + absl::StrJoin(parts, ", ");
}

absl::StatusOr<std::vector<Tenant>> Tenants(const WorkloadArgs& args, int count, bool login) {
  const absl::Time start = absl::Now();
  RETURN_IF_ERROR(args.stack_known);
  // With a work relation, as the employees who register have: their permission checks are
  // decided from rights-svc's memory. (A legal representative without one costs a directory
  // look-up in identity-svc per check; see the README's performance notes.)
  auto tenants = flow::Flow(args.stack, absl::Seconds(60))
                     .NewTenants(count, login, /*threads=*/8, /*work_relation=*/true);
  if (tenants.ok()) {
    Log(absl::StrCat("prepared ", count, " users with their organisation, right and training",
                     login ? " (logged in)" : "", " in ",
                     absl::FormatDuration(absl::Now() - start)));
  }
  return tenants;
}

// ---- baselines ----------------------------------------------------------------------------

absl::StatusOr<WorkloadResult> Echo(const WorkloadArgs& args) {
  if (args.echo_address.empty()) return absl::InvalidArgumentError("--echo_address is required");
  wse::testing::v1::EchoRequest request;
  request.set_message("ping");
  Sessions sessions;
  for (int i = 0; i < args.concurrency; ++i) {
    sessions.push_back(std::make_unique<CallSession>(
        Repeat("/wse.testing.v1.EchoService/Echo", request, ""), nullptr));
  }
  WorkloadResult result;
  result.stats =
      Measure(args, [&] { return RunAsync(args.echo_address, sessions, args.timing, args.async); });
  return result;
}

std::string RandomHex32() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x%016x", rng(), rng());
}

absl::StatusOr<WorkloadResult> MysqlInsert(const WorkloadArgs& args) {
  if (args.stack.db_socket.empty()) return absl::FailedPreconditionError("STACK_DB_SOCKET not set");
  MysqlOptions root;
  root.socket = args.stack.db_socket;
  root.user = "root";
  root.pool_size = 1;
  {
    MysqlPool admin(root);
    absl::Status created = WithConnection(admin, [](sql::Connection& conn) -> absl::Status {
      std::unique_ptr<sql::Statement> stmt(conn.createStatement());
      stmt->execute(
          "CREATE DATABASE IF NOT EXISTS wse_bench CHARACTER SET utf8mb4 "
          "COLLATE utf8mb4_unicode_ci");
      // The shape of registration-svc's registration_versions (a confirmed version's row).
      stmt->execute(
          "CREATE TABLE IF NOT EXISTS wse_bench.registration_versions ("
          " registration_id CHAR(32) NOT NULL, version INT NOT NULL,"
          " receipt_number BIGINT NOT NULL AUTO_INCREMENT, organization_id CHAR(32) NOT NULL,"
          " kind TINYINT NOT NULL, odb_number VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,"
          " school_year INT NOT NULL, submitted_by CHAR(32) NOT NULL,"
          " submitted_by_name VARCHAR(300) NOT NULL, organization_name VARCHAR(300) NOT NULL,"
          " training_title VARCHAR(500) NOT NULL, submit_time DATETIME(6) NOT NULL,"
          " content_sha256 VARCHAR(64) NOT NULL, content_format VARCHAR(64) NOT NULL,"
          " withdraw_reason VARCHAR(1000) NOT NULL, participant_count INT NOT NULL,"
          " attendance_count INT NOT NULL, participation_count INT NOT NULL,"
          " total_hours_present DOUBLE NOT NULL, warning_count INT NOT NULL,"
          " PRIMARY KEY (registration_id, version), UNIQUE KEY (receipt_number)"
          ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
      return absl::OkStatus();
    });
    if (!created.ok()) return created;
  }
  MysqlOptions options = root;
  options.database = "wse_bench";
  options.pool_size = args.concurrency;
  MysqlPool pool(options);
  {  // Connect before measuring.
    std::vector<MysqlPool::Lease> leases;
    for (int i = 0; i < args.concurrency; ++i) {
      ASSIGN_OR_RETURN(auto lease, pool.Acquire());
      leases.push_back(std::move(lease));
    }
  }
  const std::string org = RandomHex32();
  const std::string person = RandomHex32();
  auto insert = [&](int) -> std::optional<Outcome> {
    absl::Status s = InTransaction(pool, [&](sql::Connection& conn) -> absl::Status {
      // The services' own statement cache (common/mysql_statements.h): bind and execute only,
      // as every statement of the services does.
      Statement ps = Prepare(
          conn,
          "INSERT INTO registration_versions (registration_id, version, organization_id, kind,"
          " odb_number, school_year, submitted_by, submitted_by_name, organization_name,"
          " training_title, submit_time, content_sha256, content_format, withdraw_reason,"
          " participant_count, attendance_count, participation_count, total_hours_present,"
          " warning_count) VALUES (?, 1, ?, 1, ?, 2026, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?,"
          " 'wse.vov.receipt.v1', '', 2, 2, 0, 68, 0)");
      ps->setString(1, RandomHex32());
      ps->setString(2, org);
      ps->setString(3, "ODB-B0000000001");
      ps->setString(4, person);
      ps->setString(5, "Lotte Peeters");
      ps->setString(6, "Benchschool 750315-1");
      ps->setString(7, "Boekhouden voor gevorderden");
      ps->setString(8, RandomHex32() + RandomHex32());
      ps->executeUpdate();
      return absl::OkStatus();
    });
    if (s.ok()) return Outcome::Ok();
    return Outcome::Error(absl::StatusCodeToString(s.code()));
  };
  WorkloadResult result;
  result.stats = Measure(args, [&] { return RunThreads(args.concurrency, args.timing, insert); });
  return result;
}

// ---- identity and rights ------------------------------------------------------------------

using SessionFactory = std::function<std::unique_ptr<Session>(const Tenant&)>;

absl::StatusOr<WorkloadResult> PerUser(const WorkloadArgs& args, const std::string& target,
                                       const SessionFactory& make) {
  ASSIGN_OR_RETURN(auto tenants, Tenants(args, args.concurrency, /*login=*/true));
  Sessions sessions;
  for (const Tenant& t : tenants) sessions.push_back(make(t));
  WorkloadResult result;
  result.stats = Measure(args, [&] { return RunAsync(target, sessions, args.timing, args.async); });
  return result;
}

absl::StatusOr<WorkloadResult> Select(const WorkloadArgs& args) {
  return PerUser(args, args.stack.identity(), [](const Tenant& t) {
    idv1::SelectActingContextRequest request;
    request.set_organization(t.org);
    return std::make_unique<CallSession>(
        Repeat("/wse.identity.v1.IdentityService/SelectActingContext", request, t.personal_token),
        Expect<idv1::SelectActingContextResponse>([](const auto& r) -> std::optional<std::string> {
          if (r.access_token().empty()) return "NO_TOKEN";
          return std::nullopt;
        }));
  });
}

absl::StatusOr<WorkloadResult> Verify(const WorkloadArgs& args) {
  return PerUser(args, args.stack.identity(), [](const Tenant& t) {
    const std::string org = t.org;
    return std::make_unique<CallSession>(
        Repeat("/wse.identity.v1.IdentityService/GetCurrentUser", idv1::GetCurrentUserRequest(),
               t.org_token),
        Expect<idv1::GetCurrentUserResponse>([org](const auto& r) -> std::optional<std::string> {
          if (r.organization() != org) return "WRONG_ORGANIZATION";
          return std::nullopt;
        }));
  });
}

rv1::CheckPermissionRequest CheckRequestFor(const Tenant& t) {
  rv1::CheckPermissionRequest request;
  request.set_person(t.person.name);
  request.set_organization(t.org);
  request.set_permission(kWritePermission);
  return request;
}

absl::StatusOr<WorkloadResult> Check(const WorkloadArgs& args) {
  return PerUser(args, args.stack.rights(), [](const Tenant& t) {
    return std::make_unique<CallSession>(
        Repeat("/wse.rights.v1.RightsService/CheckPermission", CheckRequestFor(t), t.org_token),
        Expect<rv1::CheckPermissionResponse>([](const auto& r) -> std::optional<std::string> {
          if (!r.allowed()) return "NOT_ALLOWED";
          return std::nullopt;
        }));
  });
}

auth::CheckRequest AuthzRequestFor(const Tenant& t) {
  auth::CheckRequest request;
  auto* http = request.mutable_attributes()->mutable_request()->mutable_http();
  http->set_path("/wse.registration.v1.RegistrationService/ConfirmDraft");
  http->set_method("POST");
  (*http->mutable_headers())["authorization"] = "Bearer " + t.org_token;
  (*http->mutable_headers())["content-type"] = "application/grpc";
  return request;
}

absl::StatusOr<WorkloadResult> ExtAuthz(const WorkloadArgs& args) {
  return PerUser(args, args.stack.rights(), [](const Tenant& t) {
    return std::make_unique<CallSession>(
        Repeat("/envoy.service.auth.v3.Authorization/Check", AuthzRequestFor(t), ""),
        Expect<auth::CheckResponse>([](const auto& r) -> std::optional<std::string> {
          if (r.status().code() != 0) return absl::StrCat("DENIED_", r.status().code());
          return std::nullopt;
        }));
  });
}

// ---- registration -------------------------------------------------------------------------

int64_t CountMails(const std::string& dir);
absl::StatusOr<int64_t> QuietMailCount(const std::string& dir);

absl::StatusOr<WorkloadResult> Confirm(const WorkloadArgs& args) {
  const int drafts =
      args.confirm_drafts > 0 ? args.confirm_drafts : std::clamp(60 * args.concurrency, 600, 3000);
  ASSIGN_OR_RETURN(auto tenants, Tenants(args, args.concurrency, /*login=*/true));
  std::vector<CallSpec> calls(static_cast<size_t>(drafts));
  const absl::Time start = absl::Now();
  flow::Flow preparation(args.stack, absl::Seconds(60));
  absl::Status prepared =
      flow::ParallelFor(static_cast<size_t>(drafts), 16, [&](size_t i) -> absl::Status {
        const Tenant& t = tenants[i % tenants.size()];
        ASSIGN_OR_RETURN(flow::PreparedDraft draft,
                         preparation.PrepareDraft(t.org_token, t.org, t.odb, 2));
        reg::ConfirmDraftRequest request;
        request.set_name(draft.name);
        request.set_etag(draft.etag);
        request.set_request_id(draft.request_id);
        CallSpec& call = calls[i];
        call.method = "/wse.registration.v1.RegistrationService/ConfirmDraft";
        call.request = Pack(request);
        call.bearer = t.org_token;
        return absl::OkStatus();
      });
  if (!prepared.ok()) return prepared;
  Log(absl::StrCat("prepared ", drafts, " drafts with 2 participants each in ",
                   absl::FormatDuration(absl::Now() - start)));
  // Every confirmation promises a receipt mail: counted in the sink after the run.
  const std::string dir = args.stack.mail_dir;
  ASSIGN_OR_RETURN(const int64_t mails_before, QuietMailCount(dir));
  std::atomic<int64_t> confirmed{0};  // Also those of the warm-up.
  std::atomic<size_t> next{0};
  Sessions sessions;
  for (int i = 0; i < args.concurrency; ++i) {
    sessions.push_back(std::make_unique<CallSession>(
        [&](CallSpec* call) {
          const size_t n = next.fetch_add(1);
          if (n >= calls.size()) return false;
          *call = calls[n];
          return true;
        },
        Expect<reg::ConfirmDraftResponse>([&](const auto& r) -> std::optional<std::string> {
          if (!absl::StartsWith(r.receipt().reference(), "VOV-") || r.receipt().lines_size() != 2) {
            return "BAD_RECEIPT";
          }
          ++confirmed;
          return std::nullopt;
        })));
  }
  Timing timing = args.timing;
  timing.duration = absl::InfiniteDuration();
  timing.warmup_operations = std::max(args.concurrency, drafts / 10);
  WorkloadResult result;
  result.stats = Measure(
      args, [&] { return RunAsync(args.stack.registration(), sessions, timing, args.async); });
  // The mail path keeps up when every receipt mail is in the sink within 10 s of the last
  // confirmation (issue 18); a mail later than that counts as an error of the run.
  const absl::Time ended = absl::Now();
  int64_t mailed = 0;
  while ((mailed = CountMails(dir) - mails_before) < confirmed.load() &&
         absl::Now() - ended < absl::Seconds(10)) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  const double waited = absl::ToDoubleSeconds(absl::Now() - ended);
  if (mailed < confirmed.load()) {
    result.stats.errors["RECEIPT_MAIL_LATE"] += confirmed.load() - mailed;
  }
  result.note = absl::StrFormat(
      "%d drafts; %d of %d receipt mails in the sink %.2f s after the last confirmation", drafts,
      std::min<int64_t>(mailed, confirmed.load()), confirmed.load(), waited);
  return result;
}

absl::StatusOr<WorkloadResult> Bulk(const WorkloadArgs& args) {
  const int runs = std::max(args.bulk_runs, args.concurrency);
  ASSIGN_OR_RETURN(auto tenants, Tenants(args, args.concurrency, /*login=*/true));
  struct Run {
    const Tenant* tenant;
    std::string draft;
    std::vector<reg::UploadParticipantsRequest> messages;
  };
  flow::Flow preparation(args.stack, absl::Seconds(60));
  std::vector<Run> plan(static_cast<size_t>(runs));
  for (int i = 0; i < runs; ++i) {
    Run& run = plan[static_cast<size_t>(i)];
    run.tenant = &(tenants)[static_cast<size_t>(i) % tenants.size()];
    ASSIGN_OR_RETURN(
        flow::PreparedDraft draft,
        preparation.PrepareDraft(run.tenant->org_token, run.tenant->org, run.tenant->odb, 0));
    run.draft = draft.name;
    reg::UploadParticipantsRequest header;
    header.mutable_header()->set_draft(draft.name);
    header.mutable_header()->set_etag(draft.etag);
    header.mutable_header()->set_mode(reg::UPLOAD_MODE_MERGE);
    run.messages.push_back(header);
    for (int row = 0; row < args.bulk_rows; row += 500) {
      reg::UploadParticipantsRequest batch;
      for (int j = row; j < std::min(args.bulk_rows, row + 500); ++j) {
        auto* r = batch.mutable_batch()->add_rows();
        r->set_row_number(j + 1);
        *r->mutable_participant() = flow::Attending("Deelnemer", 36, 40);
      }
      run.messages.push_back(std::move(batch));
    }
  }
  std::vector<std::unique_ptr<reg::RegistrationService::Stub>> stubs;
  for (int i = 0; i < args.concurrency; ++i) {
    stubs.push_back(reg::RegistrationService::NewStub(flow::NewChannel(args.stack.registration())));
  }
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::vector<double> upload_ms, validate_ms;
  auto op = [&](int slot) -> std::optional<Outcome> {
    const size_t n = next.fetch_add(1);
    if (n >= plan.size()) return std::nullopt;
    const Run& run = plan[n];
    auto& stub = *stubs[static_cast<size_t>(slot)];
    const auto t0 = std::chrono::steady_clock::now();
    grpc::ClientContext context;
    Bearer(&context, run.tenant->org_token, 300);
    reg::UploadParticipantsResponse uploaded;
    auto writer = stub.UploadParticipants(&context, &uploaded);
    for (const auto& message : run.messages) {
      if (!writer->Write(message)) break;
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (!status.ok()) return Outcome::Of(status);
    if (uploaded.accepted_count() != args.bulk_rows) return Outcome::Error("ROWS_REJECTED");
    const auto t1 = std::chrono::steady_clock::now();
    grpc::ClientContext validate_context;
    Bearer(&validate_context, run.tenant->org_token, 300);
    reg::ValidateDraftRequest validate;
    validate.set_name(run.draft);
    reg::ValidateDraftResponse validated;
    status = stub.ValidateDraft(&validate_context, validate, &validated);
    if (!status.ok()) return Outcome::Of(status);
    if (validated.violations_size() != 0) return Outcome::Error("VIOLATIONS");
    const auto t2 = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mu);
    upload_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    validate_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    return Outcome::Ok();
  };
  Timing timing;
  timing.warmup = absl::ZeroDuration();
  timing.duration = absl::InfiniteDuration();
  WorkloadResult result;
  result.stats = Measure(args, [&] { return RunThreads(args.concurrency, timing, op); });
  auto median = [](std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  result.unit = "runs/s";
  result.note = absl::StrFormat("%d rows; upload %.0f ms + validate %.0f ms (median)",
                                args.bulk_rows, median(upload_ms), median(validate_ms));
  return result;
}

// ---- notify -------------------------------------------------------------------------------

int64_t CountMails(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return -1;
  int64_t n = 0;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name[0] != '.' && absl::EndsWith(name, ".eml")) ++n;
  }
  closedir(d);
  return n;
}

// The mails in the sink once nothing new arrived for 2 s (earlier workloads' receipt mails).
absl::StatusOr<int64_t> QuietMailCount(const std::string& dir) {
  if (CountMails(dir) < 0) return absl::FailedPreconditionError("no mail folder " + dir);
  const absl::Time give_up = absl::Now() + absl::Minutes(3);
  int64_t before = CountMails(dir);
  for (absl::Time quiet_since = absl::Now(); absl::Now() - quiet_since < absl::Seconds(2);) {
    if (absl::Now() > give_up) return absl::DeadlineExceededError("the mail sink never got quiet");
    absl::SleepFor(absl::Milliseconds(200));
    const int64_t now = CountMails(dir);
    if (now != before) {
      before = now;
      quiet_since = absl::Now();
    }
  }
  return before;
}

absl::StatusOr<WorkloadResult> Mail(const WorkloadArgs& args) {
  RETURN_IF_ERROR(args.stack_known);
  const std::string dir = args.stack.mail_dir;
  ASSIGN_OR_RETURN(const int64_t before, QuietMailCount(dir));
  const std::string op = args.stack.operator_token;
  const std::string run = flow::NewRequestId();
  const int total = args.mails;
  std::atomic<int> next{0};
  std::atomic<int64_t> queued{0};  // Every accepted SendMail (also those outside the window).
  auto count = [&queued](const grpc::ByteBuffer&) -> std::optional<std::string> {
    ++queued;
    return std::nullopt;
  };
  Sessions sessions;
  for (int i = 0; i < args.concurrency; ++i) {
    sessions.push_back(std::make_unique<CallSession>(
        [&](CallSpec* call) {
          const int n = next.fetch_add(1);
          if (n >= total) return false;
          nv1::SendMailRequest r;
          r.set_idempotency_key(absl::StrCat("bench/", run, "/", n));
          r.set_template_id("access-request-rejected");
          r.set_locale("nl");
          auto* to = r.add_recipients();
          to->set_email_address(absl::StrCat("bench-mail-", n, "@bench.example"));
          to->set_display_name("Zoë Janssens");
          auto& p = *r.mutable_parameters();
          p["requester_name"] = "Zoë Janssens";
          p["organization_name"] = "Benchschool";
          p["role_label"] = "DWSE organisatieverantwoordelijke";
          p["context"] = "opleidingsverlof";
          p["rejection_reason"] = "Geen band met de organisatie";
          r.set_source_event("bench/" + run);
          call->method = "/wse.notify.v1.NotifyService/SendMail";
          call->request = Pack(r);
          call->bearer = op;
          return true;
        },
        count));
  }
  Timing timing;
  timing.warmup = absl::ZeroDuration();
  timing.duration = absl::InfiniteDuration();
  const auto start = std::chrono::steady_clock::now();
  int64_t delivered = 0;
  WorkloadResult result;
  result.stats = Measure(args, [&] {
    RunStats stats = RunAsync(args.stack.notify(), sessions, timing, args.async);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while ((delivered = CountMails(dir) - before) < queued.load() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return stats;
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (delivered < queued.load()) result.stats.errors["NOT_DELIVERED"] += queued.load() - delivered;
  result.unit = "mails/s";
  result.throughput = static_cast<double>(std::min<int64_t>(delivered, queued.load())) / seconds;
  result.note = absl::StrFormat(
      "%d of %d mails in the sink %.2f s after the first SendMail; latency columns: SendMail",
      delivered, total, seconds);
  return result;
}

// ---- the story ----------------------------------------------------------------------------

enum class Step {
  kLogin,
  kSelect,
  kCurrentUser,
  kScreen,
  kCheck,
  kAuthz,
  kDraft,
  kAdd,
  kValidate,
  kConfirm
};

struct StoryShared {
  const flow::Flow* flow = nullptr;  // Mints the ID tokens of a digital-key login.
  std::vector<Tenant> tenants;
  std::vector<std::string> id_tokens;  // Pre-minted per fresh user (story); empty: soak.
  std::atomic<size_t> next{0};
  std::string school_year = flow::CurrentSchoolYear();
};

class StorySession final : public Session {
 public:
  // own < 0: each operation is a fresh user from the shared queue; else the same user again.
  StorySession(StoryShared* shared, int own, bool extended) : shared_(shared), own_(own) {
    steps_ = {Step::kLogin, Step::kSelect};
    if (extended) steps_.push_back(Step::kCurrentUser);
    steps_.push_back(Step::kScreen);
    if (extended) {
      steps_.push_back(Step::kCheck);
      steps_.push_back(Step::kAuthz);
    }
    for (Step s : {Step::kDraft, Step::kAdd, Step::kAdd, Step::kValidate, Step::kConfirm}) {
      steps_.push_back(s);
    }
  }

  bool Next(CallSpec* call) override {
    if (step_ == 0) {
      if (own_ < 0) {
        const size_t i = shared_->next.fetch_add(1);
        if (i >= shared_->tenants.size()) return false;
        tenant_ = &shared_->tenants[i];
        id_token_ = shared_->id_tokens[i];
      } else {
        tenant_ = &shared_->tenants[static_cast<size_t>(own_)];
        auto minted = shared_->flow->IdToken(tenant_->person);
        if (!minted.ok()) return false;
        id_token_ = *minted;
      }
    }
    const std::string identity = "/wse.identity.v1.IdentityService/";
    const std::string registration = "/wse.registration.v1.RegistrationService/";
    switch (steps_[step_]) {
      case Step::kLogin: {
        idv1::ExchangeIdTokenRequest r;
        r.set_id_token(id_token_);
        Fill(call, identity + "ExchangeIdToken", r, "");
        break;
      }
      case Step::kSelect: {
        idv1::SelectActingContextRequest r;
        r.set_organization(tenant_->org);
        Fill(call, identity + "SelectActingContext", r, personal_token_);
        break;
      }
      case Step::kCurrentUser:
        Fill(call, identity + "GetCurrentUser", idv1::GetCurrentUserRequest(), org_token_);
        break;
      case Step::kScreen:
        Fill(call, registration + "GetApplicationScreen", reg::GetApplicationScreenRequest(),
             org_token_);
        break;
      case Step::kCheck:
        Fill(call, "/wse.rights.v1.RightsService/CheckPermission", CheckRequestFor(*tenant_),
             org_token_);
        break;
      case Step::kAuthz: {
        Tenant as_now = *tenant_;
        as_now.org_token = org_token_;
        Fill(call, "/envoy.service.auth.v3.Authorization/Check", AuthzRequestFor(as_now), "");
        break;
      }
      case Step::kDraft: {
        reg::CreateDraftRequest r;
        r.set_parent(tenant_->org);
        r.set_request_id(flow::NewRequestId());
        r.mutable_draft()->set_training(tenant_->training);
        r.mutable_draft()->set_school_year(shared_->school_year);
        Fill(call, registration + "CreateDraft", r, org_token_);
        break;
      }
      case Step::kAdd: {
        reg::AddParticipantRequest r;
        r.set_parent(draft_);
        r.set_etag(etag_);
        *r.mutable_participant() = flow::Attending("Deelnemer", added_ == 0 ? 112 : 96, 120);
        Fill(call, registration + "AddParticipant", r, org_token_);
        break;
      }
      case Step::kValidate: {
        reg::ValidateDraftRequest r;
        r.set_name(draft_);
        Fill(call, registration + "ValidateDraft", r, org_token_);
        break;
      }
      case Step::kConfirm: {
        reg::ConfirmDraftRequest r;
        r.set_name(draft_);
        r.set_etag(etag_);
        r.set_request_id(flow::NewRequestId());
        Fill(call, registration + "ConfirmDraft", r, org_token_);
        break;
      }
    }
    return true;
  }

  std::optional<Outcome> OnReply(const grpc::Status& status,
                                 const grpc::ByteBuffer& reply) override {
    const Step step = steps_[step_];
    if (!status.ok()) return Fail(CodeName(status.error_code()));
    std::optional<std::string> failure = Check(step, reply);
    if (failure.has_value()) return Fail(*failure);
    if (++step_ < steps_.size()) return std::nullopt;
    step_ = 0;
    added_ = 0;
    return Outcome::Ok();
  }

 private:
  static void Fill(CallSpec* call, std::string method, const google::protobuf::Message& request,
                   std::string bearer) {
    call->method = std::move(method);
    call->request = ToBuffer(request.SerializeAsString());
    call->bearer = std::move(bearer);
  }

  Outcome Fail(const std::string& reason) {
    static const char* kNames[] = {"ExchangeIdToken",      "SelectActingContext", "GetCurrentUser",
                                   "GetApplicationScreen", "CheckPermission",     "ext_authz.Check",
                                   "CreateDraft",          "AddParticipant",      "ValidateDraft",
                                   "ConfirmDraft"};
    const std::string where = kNames[static_cast<int>(steps_[step_])];
    step_ = 0;
    added_ = 0;
    return Outcome::Error(reason + "@" + where);
  }

  std::optional<std::string> Check(Step step, const grpc::ByteBuffer& reply) {
    switch (step) {
      case Step::kLogin: {
        idv1::ExchangeIdTokenResponse r;
        if (!Unpack(reply, &r) || r.access_token().empty()) return "NO_TOKEN";
        personal_token_ = r.access_token();
        return std::nullopt;
      }
      case Step::kSelect: {
        idv1::SelectActingContextResponse r;
        if (!Unpack(reply, &r) || r.access_token().empty()) return "NO_TOKEN";
        org_token_ = r.access_token();
        return std::nullopt;
      }
      case Step::kCurrentUser:
        return std::nullopt;
      case Step::kScreen: {
        reg::GetApplicationScreenResponse r;
        if (!Unpack(reply, &r) || r.screen().action() != reg::SCREEN_ACTION_REGISTER) {
          return "SCREEN_NOT_REGISTER";
        }
        return std::nullopt;
      }
      case Step::kCheck: {
        rv1::CheckPermissionResponse r;
        if (!Unpack(reply, &r) || !r.allowed()) return "NOT_ALLOWED";
        return std::nullopt;
      }
      case Step::kAuthz: {
        auth::CheckResponse r;
        if (!Unpack(reply, &r) || r.status().code() != 0) return "DENIED";
        return std::nullopt;
      }
      case Step::kDraft: {
        reg::CreateDraftResponse r;
        if (!Unpack(reply, &r) || r.draft().name().empty()) return "NO_DRAFT";
        draft_ = r.draft().name();
        etag_ = r.draft().etag();
        return std::nullopt;
      }
      case Step::kAdd: {
        reg::AddParticipantResponse r;
        if (!Unpack(reply, &r) || r.etag().empty()) return "NO_ETAG";
        etag_ = r.etag();
        ++added_;
        return std::nullopt;
      }
      case Step::kValidate: {
        reg::ValidateDraftResponse r;
        if (!Unpack(reply, &r) || r.violations_size() != 0) return "VIOLATIONS";
        return std::nullopt;
      }
      case Step::kConfirm: {
        reg::ConfirmDraftResponse r;
        if (!Unpack(reply, &r) || !absl::StartsWith(r.receipt().reference(), "VOV-") ||
            r.receipt().lines_size() != 2) {
          return "BAD_RECEIPT";
        }
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  StoryShared* shared_;
  int own_;
  std::vector<Step> steps_;
  size_t step_ = 0;
  const Tenant* tenant_ = nullptr;
  std::string id_token_, personal_token_, org_token_, draft_, etag_;
  int added_ = 0;
};

absl::StatusOr<WorkloadResult> Story(const WorkloadArgs& args, bool soak) {
  const int users =
      soak ? args.concurrency
           : (args.story_users > 0 ? args.story_users : std::clamp(12 * args.concurrency, 60, 768));
  ASSIGN_OR_RETURN(auto tenants, Tenants(args, users, /*login=*/false));
  const flow::Flow minting(args.stack);
  StoryShared shared;
  shared.flow = &minting;
  shared.tenants = std::move(tenants);
  if (!soak) {
    for (const Tenant& t : shared.tenants) {
      ASSIGN_OR_RETURN(auto token, minting.IdToken(t.person));
      shared.id_tokens.push_back(token);
    }
  }
  Sessions sessions;
  for (int i = 0; i < args.concurrency; ++i) {
    sessions.push_back(std::make_unique<StorySession>(&shared, soak ? i : -1, soak));
  }
  Timing timing = args.timing;
  if (!soak) {
    timing.duration = absl::InfiniteDuration();
    timing.warmup_operations = std::max(args.concurrency, users / 10);
  }
  WorkloadResult result;
  result.stats =
      Measure(args, [&] { return RunAsync(args.stack.gateway(), sessions, timing, args.async); });
  result.unit = soak ? "loops/s" : "stories/s";
  result.note =
      absl::StrCat(soak ? "" : absl::StrCat(users, " fresh users; "), StepSummary(result.stats));
  return result;
}

}  // namespace

const std::vector<std::string>& WorkloadNames() {
  static const std::vector<std::string> names = {"echo",  "mysql-insert", "select",  "verify",
                                                 "check", "ext-authz",    "confirm", "bulk",
                                                 "mail",  "story",        "soak"};
  return names;
}

absl::StatusOr<WorkloadResult> RunWorkload(const std::string& name, const WorkloadArgs& args) {
  if (name == "echo") return Echo(args);
  if (name != "mysql-insert") {
    RETURN_IF_ERROR(args.stack_known);
  }
  if (name == "mysql-insert") return MysqlInsert(args);
  if (name == "select") return Select(args);
  if (name == "verify") return Verify(args);
  if (name == "check") return Check(args);
  if (name == "ext-authz") return ExtAuthz(args);
  if (name == "confirm") return Confirm(args);
  if (name == "bulk") return Bulk(args);
  if (name == "mail") return Mail(args);
  if (name == "story") return Story(args, /*soak=*/false);
  if (name == "soak") return Story(args, /*soak=*/true);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown workload '", name, "'; one of ", absl::StrJoin(WorkloadNames(), ", ")));
}

}  // namespace wse::bench
