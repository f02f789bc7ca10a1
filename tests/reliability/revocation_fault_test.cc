// A randomized fault run in the style of Jepsen (issue 15, point 1): three rights-svc replicas on
// one MariaDB; writers creating and ending work relations, granting and revoking through random
// replicas; readers calling CheckPermission on every replica; faults injected all the while. The
// history is then checked (revocation_history.h): no CheckPermission that started after a revoke
// (or an ended work relation) returned may answer allowed, and a write whose caller never got an
// answer must count everywhere one lease after the failure.
//
// Faults: KILL the replicas' database connections; restart MariaDB (clean or SIGKILL); cut a
// replica off from its peers' invalidations (its advertised address is a TcpProxy); SIGSTOP and
// SIGCONT a replica; SIGKILL a writer right after its COMMIT, before it could tell the others
// (invalidations cut, then killed once the database shows the commit); delay a replica's lease
// renewals (its lease row locked); a replica cut off while the database restarts.
//
// STACK_FAULT_SECONDS sets the length (default 40 s in the test command; the long run,
// tests/reliability/fault_run.sh, uses 300 s). STACK_FAULT_SEED repeats a run's random choices
// (the faults' timing still varies).
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/grpc_status.h"
#include "common/mysql_pool.h"
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/flow/identifiers.h"
#include "tests/reliability/private_stack.h"
#include "tests/reliability/revocation_history.h"
#include "tests/support/grpc_helpers.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::testing {
namespace {

namespace rv1 = wse::rights::v1;

constexpr int kReplicas = 3;
constexpr absl::Duration kLease = absl::Seconds(1);
constexpr char kRole[] = "DWSE_ORGANISATIEVERANTWOORDELIJKE";
constexpr char kContext[] = "opleidingsverlof";

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  int parsed = 0;
  return value != nullptr && absl::SimpleAtoi(value, &parsed) ? parsed : fallback;
}

std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

// One person in an organisation of its own (so no other subject's change refreshes a stale
// revision by accident), with what the writer last knew of its relation and grant.
struct Subject {
  std::string org, person;
  std::string relation_name, relation_etag;  // Empty: no active relation.
  std::string grant_name, grant_etag;        // Empty: no active grant.
  bool allowed() const { return !relation_name.empty() && !grant_name.empty(); }
};

struct FaultEvent {
  std::string kind, detail;
  absl::Time start, end;
};

class FaultRun {
 public:
  explicit FaultRun(PrivateStack& stack, uint64_t seed) : stack_(stack), rng_(seed) {
    for (int i = 0; i < kReplicas; ++i) {
      stubs_.push_back(rv1::RightsService::NewStub(Channel(stack.rights_replica(i).port())));
    }
  }

  void Setup(int subjects) {
    flow::Flow flow(stack_.services());
    for (int i = 0; i < subjects; ++i) {
      ASSERT_OK_AND_ASSIGN(flow::School school,
                           flow.NewSchool(absl::StrCat("Fault school ", i), 0, false));
      ASSERT_OK_AND_ASSIGN(flow::Person person, flow.ImportPerson(absl::StrCat("Subject", i)));
      ASSERT_FALSE(school.org.empty());
      ASSERT_FALSE(person.name.empty());
      subjects_.push_back({school.org, person.name, "", "", "", ""});
    }
  }

  void Run(absl::Duration duration, int writers, int readers) {
    origin_ = absl::Now();
    deadline_ = origin_ + duration;
    // The last subject belongs to the fault thread (the writer it kills).
    const int shared = static_cast<int>(subjects_.size()) - 1;
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([this, w, writers, shared] {
        std::mt19937_64 rng(Seed());
        std::vector<int> mine;
        for (int s = w; s < shared; s += writers) mine.push_back(s);
        while (absl::Now() < deadline_) {
          const int subject = mine[rng() % mine.size()];
          NextWrite(subject, static_cast<int>(rng() % kReplicas), rng);
          absl::SleepFor(absl::Milliseconds(rng() % 40));
        }
      });
    }
    for (int r = 0; r < readers; ++r) {
      threads.emplace_back([this, r] {
        std::mt19937_64 rng(Seed());
        for (int n = r; absl::Now() < deadline_; ++n) {
          Read(static_cast<int>(rng() % subjects_.size()), n % kReplicas);
        }
      });
    }
    Faults();
    for (std::thread& t : threads) t.join();
  }

  void Report() {
    absl::MutexLock lock(&mu_);
    std::map<std::string, int> writes_by_kind, faults_by_kind;
    int unanswered = 0;
    for (const WriteOp& w : writes_) {
      ++writes_by_kind[absl::StrCat(WriteKindName(w.kind), w.answered ? "" : " (no answer)")];
      if (!w.answered) ++unanswered;
    }
    for (const FaultEvent& f : faults_) ++faults_by_kind[f.kind];
    result_ = CheckHistory(writes_, reads_, kLease);
    std::printf(
        "[ faults   ] %.0f s, %zu writes (%d without answer), %zu checks answered, "
        "%lld check errors\n",
        absl::ToDoubleSeconds(absl::Now() - origin_), writes_.size(), unanswered, reads_.size(),
        static_cast<long long>(read_errors_));
    for (const auto& [kind, n] : writes_by_kind)
      std::printf("[ faults   ]   write %-34s %5d\n", kind.c_str(), n);
    for (const auto& [kind, n] : faults_by_kind)
      std::printf("[ faults   ]   fault %-34s %5d\n", kind.c_str(), n);
    std::printf(
        "[ faults   ] checker: %lld checks after a revoke or end must refuse, "
        "%lld stale allows, %lld stale denies\n",
        static_cast<long long>(result_.reads_after_revoke),
        static_cast<long long>(result_.stale_allows), static_cast<long long>(result_.stale_denies));
    // By the write a violating check should have seen, with a few examples of each.
    std::map<std::string, int> shown;
    for (const Violation& v : result_.violations) {
      if (++shown[Cause(v)] <= 3) std::printf("[ faults   ]   %s\n", Describe(v, origin_).c_str());
    }
    for (const auto& [cause, n] : result_.by_cause) {
      std::printf("[ faults   ]   violations: %-40s %6lld\n", cause.c_str(),
                  static_cast<long long>(n));
    }
    for (const FaultEvent& f : faults_) {
      if (faults_.size() > 40) break;  // Long runs: the counts above are enough.
      std::printf("[ faults   ]   %7.1f .. %7.1f ms  %s %s\n",
                  absl::ToDoubleMilliseconds(f.start - origin_),
                  absl::ToDoubleMilliseconds(f.end - origin_), f.kind.c_str(), f.detail.c_str());
    }
    std::fflush(stdout);
  }

  const CheckResult& result() const { return result_; }
  size_t write_count() {
    absl::MutexLock lock(&mu_);
    return writes_.size();
  }
  std::map<std::string, int> FaultCounts() {
    absl::MutexLock lock(&mu_);
    std::map<std::string, int> out;
    for (const FaultEvent& f : faults_) ++out[f.kind];
    return out;
  }

 private:
  uint64_t Seed() {
    absl::MutexLock lock(&mu_);
    return rng_();
  }

  void Prepare(grpc::ClientContext* context, absl::Duration deadline) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    context->AddMetadata("authorization", "Bearer " + stack_.operator_token());
  }

  void Read(int subject, int replica) {
    rv1::CheckPermissionRequest request;
    request.set_person(subjects_[subject].person);
    request.set_organization(subjects_[subject].org);
    request.set_permission("vov.registration.write");
    rv1::CheckPermissionResponse response;
    grpc::ClientContext context;
    Prepare(&context, absl::Seconds(2));
    ReadOp op;
    op.subject = subject;
    op.replica = replica;
    op.invoked = absl::Now();
    const grpc::Status status = stubs_[replica]->CheckPermission(&context, request, &response);
    op.completed = absl::Now();
    absl::MutexLock lock(&mu_);
    if (!status.ok()) {
      ++read_errors_;
      return;
    }
    op.allowed = response.allowed();
    op.revision = response.revision();
    reads_.push_back(op);
  }

  // The next write for the subject's state, through `replica`; afterwards the subject's state is
  // known again (from the answer, or else read back once the stack answers).
  void NextWrite(int index, int replica, std::mt19937_64& rng) {
    Subject& s = subjects_[index];
    WriteKind kind;
    if (s.relation_name.empty()) {
      kind = s.grant_name.empty() ? WriteKind::kCreateRelation : WriteKind::kRevoke;
    } else if (s.grant_name.empty()) {
      kind = rng() % 5 == 0 ? WriteKind::kEndRelation : WriteKind::kGrant;
    } else {
      kind = rng() % 2 == 0 ? WriteKind::kRevoke : WriteKind::kEndRelation;
    }
    Write(index, kind, replica);
  }

  // Issues one write; returns when its outcome is known.
  void Write(int index, WriteKind kind, int replica,
             const std::function<void()>& while_in_flight = nullptr) {
    Subject& s = subjects_[index];
    const bool allowed_before = s.allowed();
    WriteOp op;
    op.subject = index;
    op.kind = kind;
    op.replica = replica;
    grpc::ClientContext context;
    // Long enough that a paused replica answers (pauses last at most 3 s): a client deadline
    // would leave the write's commit time open.
    Prepare(&context, absl::Seconds(30));
    grpc::Status status;
    std::string name, etag;
    auto call = [&] {
      switch (kind) {
        case WriteKind::kCreateRelation: {
          rv1::CreateWorkRelationRequest request;
          request.set_parent(s.org);
          request.set_request_id(flow::NewRequestId());
          request.mutable_work_relation()->set_person(s.person);
          request.mutable_work_relation()->set_type(rv1::WORK_RELATION_TYPE_VASTE_MEDEWERKER);
          rv1::CreateWorkRelationResponse response;
          status = stubs_[replica]->CreateWorkRelation(&context, request, &response);
          name = response.work_relation().name();
          etag = response.work_relation().etag();
          break;
        }
        case WriteKind::kGrant: {
          rv1::CreateGrantRequest request;
          request.set_parent(s.org);
          request.set_request_id(flow::NewRequestId());
          request.mutable_grant()->set_person(s.person);
          request.mutable_grant()->set_role(kRole);
          request.mutable_grant()->set_context(kContext);
          rv1::CreateGrantResponse response;
          status = stubs_[replica]->CreateGrant(&context, request, &response);
          name = response.grant().name();
          etag = response.grant().etag();
          break;
        }
        case WriteKind::kRevoke: {
          rv1::RevokeGrantRequest request;
          request.set_name(s.grant_name);
          request.set_etag(s.grant_etag);
          request.set_reason("fault run");
          rv1::RevokeGrantResponse response;
          status = stubs_[replica]->RevokeGrant(&context, request, &response);
          break;
        }
        case WriteKind::kEndRelation: {
          rv1::EndWorkRelationRequest request;
          request.set_name(s.relation_name);
          request.set_etag(s.relation_etag);
          request.set_reason("fault run");
          rv1::EndWorkRelationResponse response;
          status = stubs_[replica]->EndWorkRelation(&context, request, &response);
          break;
        }
      }
    };
    op.invoked = absl::Now();
    if (while_in_flight) {
      std::thread caller([&] {
        call();
        op.completed = absl::Now();
      });
      while_in_flight();
      caller.join();
    } else {
      call();
      op.completed = absl::Now();
    }
    op.answered = status.ok();
    if (status.ok()) {
      op.applied = true;
      switch (kind) {
        case WriteKind::kCreateRelation:
          s.relation_name = name;
          s.relation_etag = etag;
          break;
        case WriteKind::kGrant:
          s.grant_name = name;
          s.grant_etag = etag;
          break;
        case WriteKind::kRevoke:
          s.grant_name.clear();
          break;
        case WriteKind::kEndRelation:
          s.relation_name.clear();
          break;
      }
      // What the services hold, not what the model hopes: ending a relation may have ended its
      // grants too. One read back keeps the next write's etags right.
      if (kind == WriteKind::kEndRelation) Reload(index);
    } else {
      op.error = FromGrpcStatus(status).ToString();
      Reload(index);  // Did it take effect? Ask once the stack answers.
      op.applied = s.allowed() != allowed_before ||
                   (kind == WriteKind::kCreateRelation && !s.relation_name.empty()) ||
                   (kind == WriteKind::kGrant && !s.grant_name.empty());
    }
    op.allowed_after = s.allowed();
    absl::MutexLock lock(&mu_);
    writes_.push_back(op);
  }

  // Reads the subject's active relation and grant back through replica 0 (lists read the
  // database), retrying while the stack recovers from a fault.
  void Reload(int index) {
    Subject& s = subjects_[index];
    for (int attempt = 0; attempt < 600; ++attempt) {
      rv1::ListWorkRelationsResponse relations;
      rv1::ListGrantsResponse grants;
      grpc::ClientContext c1, c2;
      Prepare(&c1, absl::Seconds(3));
      Prepare(&c2, absl::Seconds(3));
      rv1::ListWorkRelationsRequest lr;
      lr.set_parent(s.org);
      lr.set_person(s.person);
      lr.set_page_size(50);
      rv1::ListGrantsRequest lg;
      lg.set_parent(s.org);
      lg.set_person(s.person);
      lg.set_page_size(50);
      const int replica = attempt % kReplicas;
      if (stubs_[replica]->ListWorkRelations(&c1, lr, &relations).ok() &&
          stubs_[replica]->ListGrants(&c2, lg, &grants).ok()) {
        s.relation_name = s.relation_etag = s.grant_name = s.grant_etag = "";
        for (const auto& r : relations.work_relations()) {
          if (r.state() == rv1::WORK_RELATION_STATE_ACTIVE) {
            s.relation_name = r.name();
            s.relation_etag = r.etag();
          }
        }
        for (const auto& g : grants.grants()) {
          if (g.state() == rv1::GRANT_STATE_ACTIVE) {
            s.grant_name = g.name();
            s.grant_etag = g.etag();
          }
        }
        return;
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << "the stack did not answer for a minute\n" << stack_.Logs();
  }

  // ---- faults

  void Record(std::string kind, std::string detail, absl::Time start) {
    absl::MutexLock lock(&mu_);
    faults_.push_back({std::move(kind), std::move(detail), start, absl::Now()});
  }

  std::unique_ptr<sql::Connection> Root() {
    auto conn = ConnectMysql(stack_.db().RootOptions());
    return conn.ok() ? *std::move(conn) : nullptr;
  }

  void KillDatabaseConnections() {
    const absl::Time start = absl::Now();
    int killed = 0;
    if (auto conn = Root()) {
      try {
        std::unique_ptr<sql::Statement> stmt(conn->createStatement());
        std::unique_ptr<sql::ResultSet> rows(stmt->executeQuery(
            "SELECT id FROM information_schema.processlist WHERE db = 'wse_rights'"
            " AND id <> CONNECTION_ID()"));
        std::vector<int64_t> ids;
        while (rows->next()) ids.push_back(rows->getInt64(1));
        for (int64_t id : ids) {
          try {
            stmt->execute(absl::StrCat("KILL CONNECTION ", id));
            ++killed;
          } catch (const sql::SQLException&) {
            // Gone meanwhile.
          }
        }
      } catch (const sql::SQLException&) {
      }
    }
    Record("kill database connections", absl::StrCat(killed, " connections"), start);
  }

  void RestartDatabase(std::mt19937_64& rng, int cut_replica = -1) {
    const absl::Time start = absl::Now();
    if (cut_replica >= 0) stack_.replica_proxy(cut_replica).Cut();
    const bool crash = rng() % 2 == 0;
    if (crash) {
      stack_.db().Kill();
    } else {
      stack_.db().Stop();
    }
    absl::SleepFor(absl::Milliseconds(300 + rng() % 700));
    stack_.db().Start();
    if (cut_replica >= 0) {
      absl::SleepFor(absl::Milliseconds(rng() % 1000));
      stack_.replica_proxy(cut_replica).Heal();
    }
    Record(cut_replica >= 0 ? "replica cut off while MariaDB restarts" : "restart MariaDB",
           absl::StrCat(crash ? "SIGKILL" : "SIGTERM",
                        cut_replica >= 0 ? absl::StrCat(", replica ", cut_replica) : ""),
           start);
  }

  void CutReplica(int replica, std::mt19937_64& rng) {
    const absl::Time start = absl::Now();
    stack_.replica_proxy(replica).Cut();
    absl::SleepFor(absl::Milliseconds(500 + rng() % 2500));
    stack_.replica_proxy(replica).Heal();
    Record("cut a replica off from invalidations", absl::StrCat("replica ", replica), start);
  }

  void PauseReplica(int replica, std::mt19937_64& rng) {
    const absl::Time start = absl::Now();
    stack_.rights_replica(replica).Signal(SIGSTOP);
    absl::SleepFor(absl::Milliseconds(200 + rng() % 2800));
    stack_.rights_replica(replica).Signal(SIGCONT);
    Record("SIGSTOP/SIGCONT a replica", absl::StrCat("replica ", replica), start);
  }

  void DelayRenewals(int replica, std::mt19937_64& rng) {
    const absl::Time start = absl::Now();
    const std::string address = absl::StrCat("127.0.0.1:", stack_.replica_proxy(replica).port());
    auto conn = Root();
    std::string detail = "lease row not found";
    if (conn != nullptr) {
      try {
        std::unique_ptr<sql::Statement> stmt(conn->createStatement());
        stmt->execute("START TRANSACTION");
        std::unique_ptr<sql::ResultSet> rows(stmt->executeQuery(
            "SELECT replica_id FROM wse_rights.replica_leases WHERE address = '" + address +
            "' FOR UPDATE"));
        if (rows->next()) {
          const absl::Duration hold = absl::Milliseconds(500 + rng() % 2500);
          absl::SleepFor(hold);
          detail = absl::StrCat("replica ", replica, " held ", absl::FormatDuration(hold));
        }
        stmt->execute("ROLLBACK");
      } catch (const sql::SQLException& e) {
        detail = e.what();
      }
    }
    Record("delay a replica's lease renewals", detail, start);
  }

  // SIGKILL a replica right after it committed a revoke, before any other replica heard of it.
  void KillWriterAfterCommit(int replica) {
    const int index = static_cast<int>(subjects_.size()) - 1;
    Subject& s = subjects_[index];
    for (int i = 0; i < 3 && !s.allowed(); ++i) {
      Write(index, s.relation_name.empty() ? WriteKind::kCreateRelation : WriteKind::kGrant,
            (replica + 1) % kReplicas);
    }
    if (!s.allowed()) return;
    const absl::Time start = absl::Now();
    const std::string grant_id = IdOf(s.grant_name);
    // Its invalidations go nowhere: it commits, then waits for the peers' answers.
    for (int i = 0; i < kReplicas; ++i) stack_.replica_proxy(i).Cut();
    bool committed = false;
    Write(index, WriteKind::kRevoke, replica, [&] {
      committed = WaitFor(
          [&] {
            return stack_.Query("SELECT COUNT(*) FROM wse_rights.grants WHERE id = '" + grant_id +
                                "' AND revoke_time IS NOT NULL") == "1";
          },
          absl::Seconds(5));
      stack_.rights_replica(replica).Kill();
      for (int i = 0; i < kReplicas; ++i) stack_.replica_proxy(i).Heal();
    });
    Record("SIGKILL a writer right after its COMMIT",
           absl::StrCat("replica ", replica, committed ? "" : " (commit not seen in 5 s)"), start);
    Restart(replica);
  }

  void Restart(int replica) {
    if (!stack_.rights_replica(replica).Running()) {
      EXPECT_TRUE(stack_.rights_replica(replica).Start().ok());
    }
    EXPECT_TRUE(stack_.rights_replica(replica).WaitServing(absl::Seconds(60)))
        << stack_.rights_replica(replica).LogTail();
  }

  void Faults() {
    std::mt19937_64 rng(Seed());
    std::vector<int> kinds;
    while (absl::Now() < deadline_) {
      if (kinds.empty()) {  // Every kind once per round, in a random order.
        kinds = {0, 1, 2, 3, 4, 5, 6};
        std::shuffle(kinds.begin(), kinds.end(), rng);
      }
      const int kind = kinds.back();
      kinds.pop_back();
      const int replica = static_cast<int>(rng() % kReplicas);
      switch (kind) {
        case 0:
          KillDatabaseConnections();
          break;
        case 1:
          RestartDatabase(rng);
          break;
        case 2:
          CutReplica(replica, rng);
          break;
        case 3:
          PauseReplica(replica, rng);
          break;
        case 4:
          KillWriterAfterCommit(replica);
          break;
        case 5:
          DelayRenewals(replica, rng);
          break;
        case 6:
          RestartDatabase(rng, replica);
          break;
      }
      absl::SleepFor(absl::Milliseconds(300 + rng() % 1200));
    }
  }

  PrivateStack& stack_;
  std::vector<std::unique_ptr<rv1::RightsService::Stub>> stubs_;
  std::vector<Subject> subjects_;  // Each written by one thread only.
  absl::Time origin_, deadline_;
  absl::Mutex mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
  std::vector<WriteOp> writes_ ABSL_GUARDED_BY(mu_);
  std::vector<ReadOp> reads_ ABSL_GUARDED_BY(mu_);
  std::vector<FaultEvent> faults_ ABSL_GUARDED_BY(mu_);
  int64_t read_errors_ ABSL_GUARDED_BY(mu_) = 0;
  CheckResult result_;
};

TEST(RevocationFaultTest, NoRevokedRightIsHonouredWhateverFails) {
  const int seconds = EnvInt("STACK_FAULT_SECONDS", 40);
  const uint64_t seed = static_cast<uint64_t>(EnvInt("STACK_FAULT_SEED", std::random_device{}()));
  std::printf("[ faults   ] seed %llu (STACK_FAULT_SEED), %d s (STACK_FAULT_SECONDS)\n",
              static_cast<unsigned long long>(seed), seconds);
  PrivateStack stack;
  PrivateStackOptions options;
  options.rights_replicas = kReplicas;
  options.proxied_replica_addresses = true;
  options.rights_flags = {absl::StrCat("--replica_lease=", absl::FormatDuration(kLease))};
  ASSERT_TRUE(stack.Start(options).ok()) << stack.Logs();

  FaultRun run(stack, seed);
  ASSERT_NO_FATAL_FAILURE(run.Setup(9));
  run.Run(absl::Seconds(seconds), /*writers=*/2, /*readers=*/3);
  run.Report();

  // A run that checked nothing proves nothing.
  EXPECT_GE(run.write_count(), 30u);
  EXPECT_GE(run.result().reads_checked, 300);
  EXPECT_GE(run.result().reads_after_revoke, 50);
  EXPECT_GE(run.FaultCounts().size(), seconds >= 30 ? 7u : 1u) << "every kind of fault, once";
  EXPECT_EQ(run.result().stale_allows, 0) << "a revoked right was honoured (see above)";
  EXPECT_EQ(run.result().stale_denies, 0) << "a granted right did not count yet (see above)";
}

}  // namespace
}  // namespace wse::testing
