// GrpcRightsClient against in-process RightsService and MembershipService: whose credential each
// call carries, and what a failure means to the caller (the caller's own credential refused
// passes through; the service's refused, or rights-svc gone, is UNAVAILABLE).
#include <atomic>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "rights-svc/client/grpc_rights_client.h"

namespace wse::rights {
namespace {

std::string Authorization(grpc::ServerContext* context) {
  auto it = context->client_metadata().find("authorization");
  if (it == context->client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

class Rights final : public v1::RightsService::Service {
 public:
  grpc::Status CheckPermission(grpc::ServerContext* context,
                               const v1::CheckPermissionRequest* request,
                               v1::CheckPermissionResponse* response) override {
    Seen(context);
    if (Authorization(context) != "Bearer person-token") {
      return {grpc::StatusCode::PERMISSION_DENIED, "not your permission to ask"};
    }
    last_for_reuse_.store(request->for_reuse());
    response->set_allowed(request->organization() == "organizations/school");
    response->set_revision(7);
    if (request->organization() == "organizations/school") {
      response->mutable_reusable_for()->set_seconds(90);
      response->mutable_reusable_for()->set_nanos(500000000);
    }
    return grpc::Status::OK;
  }
  grpc::Status ExplainPermission(grpc::ServerContext* context, const v1::ExplainPermissionRequest*,
                                 v1::ExplainPermissionResponse* response) override {
    Seen(context);
    auto* rule = response->add_rules();
    rule->set_role("VOV_REGISTRATOR");
    rule->add_contexts("opleidingsdatabank");
    rule->set_requestable(true);
    response->set_access_request_possible(false);
    response->set_access_request_obstacle(v1::ACCESS_REQUEST_OBSTACLE_REQUESTER_EMAIL_UNKNOWN);
    return grpc::Status::OK;
  }
  grpc::Status ListWorkRelations(grpc::ServerContext* context, const v1::ListWorkRelationsRequest*,
                                 v1::ListWorkRelationsResponse* response) override {
    Seen(context);
    if (Authorization(context) != "Bearer service-token") {
      return {grpc::StatusCode::PERMISSION_DENIED, "SERVICE_NOT_ALLOWED"};
    }
    auto* active = response->add_work_relations();
    active->set_name("organizations/school/workRelations/1");
    active->set_state(v1::WORK_RELATION_STATE_ACTIVE);
    auto* ended = response->add_work_relations();
    ended->set_name("organizations/old/workRelations/2");
    ended->set_state(v1::WORK_RELATION_STATE_ENDED);
    return grpc::Status::OK;
  }

  // 1,203 grants over pages of at most the requested size; every third one revoked.
  grpc::Status ListGrants(grpc::ServerContext* context, const v1::ListGrantsRequest* request,
                          v1::ListGrantsResponse* response) override {
    Seen(context);
    constexpr int kGrants = 1203;
    int from = 0;
    if (!request->page_token().empty()) from = std::stoi(request->page_token());
    const int to = std::min(kGrants, from + request->page_size());
    for (int i = from; i < to; ++i) {
      auto* grant = response->add_grants();
      grant->set_name("organizations/org" + std::to_string(i) + "/grants/g");
      grant->set_state(i % 3 == 2 ? v1::GRANT_STATE_REVOKED : v1::GRANT_STATE_ACTIVE);
    }
    if (to < kGrants) response->set_next_page_token(std::to_string(to));
    return grpc::Status::OK;
  }

  std::string last_authorization() {
    absl::MutexLock lock(&mu_);
    return last_authorization_;
  }
  bool last_for_reuse() const { return last_for_reuse_.load(); }

 private:
  void Seen(grpc::ServerContext* context) {
    absl::MutexLock lock(&mu_);
    last_authorization_ = Authorization(context);
  }
  absl::Mutex mu_;
  std::string last_authorization_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> last_for_reuse_{false};
};

class RightsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&rights_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
    person_.request_id = "req-1";
    person_.bearer_token = "person-token";
  }
  void TearDown() override { server_->Shutdown(); }

  Rights rights_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  RequestContext person_;
};

TEST_F(RightsClientTest, PermissionCallsCarryTheCallersTokenNotTheServices) {
  GrpcRightsClient client(channel_, "service-token");
  auto allowed =
      client.CheckPermissionForReuse("marie", "school", "vov.registration.submit", person_);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_TRUE(allowed->allowed);
  EXPECT_EQ(allowed->revision, 7);
  EXPECT_EQ(allowed->reusable_for, absl::Milliseconds(90500));
  EXPECT_TRUE(rights_.last_for_reuse());
  // Not asked for reuse: nothing to keep, whatever the server sent.
  auto live = client.CheckPermission("marie", "school", "vov.registration.submit", person_);
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->reusable_for, std::nullopt);
  EXPECT_FALSE(rights_.last_for_reuse());
  EXPECT_EQ(rights_.last_authorization(), "Bearer person-token");
  // Without reusable_for the answer must not be reused.
  auto other = client.CheckPermissionForReuse("marie", "other", "vov.registration.submit", person_);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_FALSE(other->allowed);
  EXPECT_EQ(other->reusable_for, std::nullopt);

  RequestContext stranger = person_;
  stranger.bearer_token = "someone-else";
  EXPECT_EQ(client.CheckPermission("marie", "school", "p", stranger).status().code(),
            absl::StatusCode::kPermissionDenied);  // The caller's own problem: passed through.
}

TEST_F(RightsClientTest, MembershipCallsCarryTheServiceTokenAndItsRefusalMeansRetry) {
  GrpcRightsClient client(channel_, "service-token");
  auto organizations = client.WorkRelationOrganizations("marie", person_);
  ASSERT_TRUE(organizations.ok()) << organizations.status();
  EXPECT_EQ(*organizations, std::vector<std::string>{"school"});  // Ended relations left out.
  EXPECT_EQ(rights_.last_authorization(), "Bearer service-token");

  GrpcRightsClient misconfigured(channel_, "wrong-token");
  EXPECT_EQ(misconfigured.WorkRelationOrganizations("marie", person_).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(RightsClientTest, MembershipListsReadEveryPage) {
  GrpcRightsClient client(channel_, "service-token");
  auto organizations = client.GrantOrganizations("marie", person_);
  ASSERT_TRUE(organizations.ok()) << organizations.status();
  ASSERT_EQ(organizations->size(), 802u);  // 1,203 of which 401 revoked.
  EXPECT_EQ(organizations->front(), "org0");
  EXPECT_EQ(organizations->back(), "org1201");
}

TEST_F(RightsClientTest, ExplanationsKeepEveryRuleAndAnUnreachableServiceMeansRetry) {
  GrpcRightsClient client(channel_, "service-token");
  auto explained = client.ExplainPermission("jan", "school", "p", person_);
  ASSERT_TRUE(explained.ok()) << explained.status();
  ASSERT_EQ(explained->rules.size(), 1u);
  EXPECT_EQ(explained->rules[0].role, "VOV_REGISTRATOR");
  EXPECT_EQ(explained->rules[0].contexts, std::vector<std::string>{"opleidingsdatabank"});
  EXPECT_FALSE(explained->access_request_possible);
  EXPECT_EQ(explained->obstacle, AccessRequestObstacle::kRequesterEmailUnknown);

  // CheckMembership is not implemented by this server: UNIMPLEMENTED is not the caller's.
  EXPECT_EQ(client.CheckMembership("jan", "school", person_).status().code(),
            absl::StatusCode::kUnavailable);
  server_->Shutdown();
  GrpcRightsClient down(channel_, "service-token", {.call_timeout = absl::Milliseconds(300)});
  EXPECT_EQ(down.CheckPermission("marie", "school", "p", person_).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace wse::rights
