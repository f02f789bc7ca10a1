// Two identity-svc replicas on one database (issue 18's remembered sessions and persons,
// identity-svc/domain/remembered_records.h): whatever one replica changes (a logout, a switch of
// acting context, a person's import) the other answers correctly on the very next call, although
// it answers GetCurrentUser from memory; also when it could not be told (frozen with SIGSTOP):
// the writer then waits out the lease, and the thawed replica reads the database again.
#include <csignal>

#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/flow/flow.h"
#include "tests/flow/flow_gtest.h"
#include "tests/reliability/private_stack.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"

namespace wse::testing {
namespace {

namespace idv1 = wse::identity::v1;

class IdentityReplicaTest : public ::testing::Test {
 protected:
  void StartStack() {
    PrivateStackOptions options;
    options.identity_replicas = 2;
    options.identity_flags = {"--replica_lease=1s"};
    ASSERT_TRUE(stack_.Start(options).ok()) << stack_.Logs();
    flow_ = std::make_unique<flow::Flow>(stack_.services());
    replica_ = idv1::IdentityService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", stack_.identity_replica().port()),
                            grpc::InsecureChannelCredentials()));
    ASSERT_OK_AND_ASSIGN(person_, flow_->ImportPerson("Rika", "Replica"));
    ASSERT_OK_AND_ASSIGN(org_, flow_->ImportOrganization("Replica BV", {person_.insz}));
  }

  // GetCurrentUser on the second replica.
  grpc::Status CurrentOnReplica(const std::string& token, idv1::GetCurrentUserResponse* out) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    context.AddMetadata("authorization", "Bearer " + token);
    return replica_->GetCurrentUser(&context, idv1::GetCurrentUserRequest(), out);
  }

  // Logout through the first replica.
  absl::Status Logout(const std::string& token) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    context.AddMetadata("authorization", "Bearer " + token);
    idv1::LogoutResponse response;
    const grpc::Status status =
        flow_->identity().Logout(&context, idv1::LogoutRequest(), &response);
    return status.ok() ? absl::OkStatus() : absl::UnknownError(status.error_message());
  }

  // The person's given name changed by an import through the first replica.
  absl::Status Rename(const std::string& given_name) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    context.AddMetadata("authorization", "Bearer " + stack_.operator_token());
    idv1::BatchImportPersonsRequest request;
    auto* person = request.add_persons();
    person->set_insz(person_.insz);
    person->set_given_name(given_name);
    person->set_family_name(person_.family_name);
    person->set_email_address(person_.email);
    idv1::BatchImportPersonsResponse response;
    const grpc::Status status = flow_->identity().BatchImportPersons(&context, request, &response);
    if (!status.ok()) return absl::UnknownError(status.error_message());
    if (response.results_size() != 1 ||
        response.results(0).outcome() != idv1::IMPORT_OUTCOME_UPDATED) {
      return absl::InternalError("not updated: " + response.DebugString());
    }
    return absl::OkStatus();
  }

  PrivateStack stack_;
  std::unique_ptr<flow::Flow> flow_;
  std::unique_ptr<idv1::IdentityService::Stub> replica_;
  flow::Person person_;
  std::string org_;
};

// The checker: over many rounds, every answer of the second replica right after a change made
// through the first reflects that change. Each round first makes the replica remember the
// session (and person) so that a stale answer would come from memory.
TEST_F(IdentityReplicaTest, AChangeThroughOneReplicaCountsAtOnceOnTheOther) {
  ASSERT_NO_FATAL_FAILURE(StartStack());
  int stale_context = 0, stale_name = 0, stale_logout = 0;
  constexpr int kRounds = 25;
  for (int round = 0; round < kRounds; ++round) {
    ASSERT_OK_AND_ASSIGN(auto login, flow_->Login(person_));
    const std::string personal = login.access_token();
    idv1::GetCurrentUserResponse current;
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(CurrentOnReplica(personal, &current).ok());

    // A switch of acting context through the first replica: the session's context on the other.
    ASSERT_OK_AND_ASSIGN(const std::string acting, flow_->Select(personal, org_));
    ASSERT_TRUE(CurrentOnReplica(acting, &current).ok());
    if (current.session().current_context().organization() != org_) ++stale_context;

    // The person's name, changed through the first replica.
    const std::string name = absl::StrCat("Rika", round);
    ASSERT_OK(Rename(name));
    ASSERT_TRUE(CurrentOnReplica(acting, &current).ok());
    if (current.person().given_name() != name) ++stale_name;

    // A logout through the first replica: the session has ended on the other too.
    ASSERT_OK(Logout(acting));
    const grpc::Status after = CurrentOnReplica(acting, &current);
    if (after.ok()) {
      ++stale_logout;
    } else {
      EXPECT_EQ(after.error_code(), grpc::StatusCode::UNAUTHENTICATED) << after.error_message();
    }
  }
  EXPECT_EQ(stale_context, 0) << "of " << kRounds << " selects";
  EXPECT_EQ(stale_name, 0) << "of " << kRounds << " renames";
  EXPECT_EQ(stale_logout, 0) << "of " << kRounds << " logouts";
  // The changes reached the replica by push (without it the lease renewals pull them up to a
  // third of a lease late, which the counts above catch).
  EXPECT_NE(
      stack_.identity_replica().Log().find("\"method\":\"InvalidateRecords\",\"code\":\"OK\""),
      std::string::npos)
      << stack_.identity_replica().LogTail();
}

TEST_F(IdentityReplicaTest, ALogoutWaitsOutAFrozenReplicaThatThenReadsTheDatabase) {
  ASSERT_NO_FATAL_FAILURE(StartStack());
  ASSERT_OK_AND_ASSIGN(auto login, flow_->Login(person_));
  const std::string token = login.access_token();
  idv1::GetCurrentUserResponse current;
  ASSERT_TRUE(CurrentOnReplica(token, &current).ok());  // Remembered.
  stack_.identity_replica().Signal(SIGSTOP);
  const absl::Time start = absl::Now();
  const absl::Status logged_out = Logout(token);
  const absl::Duration took = absl::Now() - start;
  stack_.identity_replica().Signal(SIGCONT);
  ASSERT_OK(logged_out);
  // The frozen replica's lease (1 s, renewed every third) had at least ~0.6 s left.
  EXPECT_GE(took, absl::Milliseconds(300)) << "the logout did not wait for the frozen replica";
  EXPECT_LT(took, absl::Seconds(5));
  const grpc::Status after = CurrentOnReplica(token, &current);
  EXPECT_EQ(after.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << "the thawed replica answered from its remembered session";
  absl::SleepFor(absl::Milliseconds(700));
  EXPECT_EQ(CurrentOnReplica(token, &current).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace wse::testing
