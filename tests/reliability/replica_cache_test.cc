// Two rights-svc replicas on one database (issue 8's remembered revisions, rights-svc/
// replica_leases.h): a change made through one replica is refused or allowed by the other on the
// very next check, also when the other could not be told: frozen with SIGSTOP, or alive and
// renewing its lease but unreachable (it advertises an address nobody listens on). The writer
// then waits out the lease, and the other replica no longer answers from memory.
#include <csignal>

#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/flow/identifiers.h"
#include "tests/reliability/private_stack.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::testing {
namespace {

namespace rv1 = wse::rights::v1;

class ReplicaCacheTest : public ::testing::Test {
 protected:
  void StartStack(std::vector<std::string> replica_flags = {}) {
    PrivateStackOptions options;
    options.rights_replicas = 2;
    options.rights_flags = {"--replica_lease=1s"};
    options.rights_replica_flags = std::move(replica_flags);
    ASSERT_TRUE(stack_.Start(options).ok()) << stack_.Logs();
    flow_ = std::make_unique<flow::Flow>(stack_.services());
    ASSERT_OK_AND_ASSIGN(school_, flow_->NewSchool("Atheneum Tweeling", 1, /*grant=*/true));
    ASSERT_FALSE(school_.tokens.empty());
    ASSERT_FALSE(school_.tokens[0].empty());
    replica_ = rv1::RightsService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", stack_.rights_replica().port()),
                            grpc::InsecureChannelCredentials()));
  }

  // CheckPermission for vov.registration.write on the second replica.
  bool ReplicaAllows() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    context.AddMetadata("authorization", "Bearer " + school_.tokens[0]);
    rv1::CheckPermissionRequest request;
    request.set_person(school_.users[0].name);
    request.set_organization(school_.org);
    request.set_permission("vov.registration.write");
    rv1::CheckPermissionResponse response;
    grpc::Status status = replica_->CheckPermission(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message() << "\n" << stack_.Logs();
    return status.ok() && response.allowed();
  }

  PrivateStack stack_;
  std::unique_ptr<flow::Flow> flow_;
  flow::School school_;
  std::unique_ptr<rv1::RightsService::Stub> replica_;
};

TEST_F(ReplicaCacheTest, AChangeThroughOneReplicaCountsAtOnceOnTheOther) {
  ASSERT_NO_FATAL_FAILURE(StartStack());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ReplicaAllows()) << "check " << i;

  ASSERT_TRUE(flow_->RevokeGrants(school_.admin_token, school_.org, school_.users[0]).ok());
  EXPECT_FALSE(ReplicaAllows()) << "revoked through the first replica, allowed by the second";

  ASSERT_TRUE(flow_->Grant(school_.admin_token, school_.org, school_.users[0]).ok());
  EXPECT_TRUE(ReplicaAllows()) << "granted through the first replica, refused by the second";
  EXPECT_TRUE(ReplicaAllows());
}

TEST_F(ReplicaCacheTest, ARevocationWaitsOutAFrozenReplicaThatThenAnswersFromTheDatabase) {
  ASSERT_NO_FATAL_FAILURE(StartStack());
  ASSERT_TRUE(ReplicaAllows());  // Remembered: allowed.
  stack_.rights_replica().Signal(SIGSTOP);
  const absl::Time start = absl::Now();
  const absl::Status revoked =
      flow_->RevokeGrants(school_.admin_token, school_.org, school_.users[0]);
  const absl::Duration took = absl::Now() - start;
  stack_.rights_replica().Signal(SIGCONT);
  ASSERT_TRUE(revoked.ok()) << revoked;
  // The frozen replica's lease (1 s, renewed every third) had at least ~0.6 s left. Frozen in
  // the middle of a renewal, it also held the lease gate row until the database ended its idle
  // transaction (MysqlOptions::idle_transaction_timeout, 5 s): the writer waits for that first.
  EXPECT_GE(took, absl::Milliseconds(300)) << "the revocation did not wait for the frozen replica";
  EXPECT_LT(took, absl::Seconds(8));

  EXPECT_FALSE(ReplicaAllows()) << "the thawed replica answered from its remembered revision";
  // Once it renewed its lease (every third of a second), it must have forgotten, not resumed.
  absl::SleepFor(absl::Milliseconds(700));
  EXPECT_FALSE(ReplicaAllows()) << "the renewed lease revived a revision remembered before it";
}

TEST_F(ReplicaCacheTest, AnUnreachableReplicaThatKeepsItsLeasePullsTheChange) {
  // Port 9 (discard) has no listener here: every invalidation for this replica fails at once.
  ASSERT_NO_FATAL_FAILURE(StartStack({"--replica_address=127.0.0.1:9"}));
  ASSERT_TRUE(ReplicaAllows());  // Remembered: allowed.
  const absl::Time start = absl::Now();
  ASSERT_TRUE(flow_->RevokeGrants(school_.admin_token, school_.org, school_.users[0]).ok());
  const absl::Duration took = absl::Now() - start;
  EXPECT_GE(took, absl::Milliseconds(300)) << "the revocation did not wait for the lease";
  EXPECT_LT(took, absl::Seconds(5));
  // The replica kept renewing all along; a renewal pulled the change (revision_changes).
  EXPECT_FALSE(ReplicaAllows()) << "an unreachable replica answered from its remembered revision";
  absl::SleepFor(absl::Milliseconds(700));
  EXPECT_FALSE(ReplicaAllows());
  EXPECT_NE(stack_.rights().Log().find("waiting until it pulls the change"), std::string::npos)
      << stack_.rights().LogTail();
}

}  // namespace
}  // namespace wse::testing
