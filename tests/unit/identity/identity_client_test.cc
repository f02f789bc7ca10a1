// GrpcIdentityClient against an in-process IdentityService: the one cache policy for directory
// data, the error meanings callers rely on, and what every call carries (request id, service
// token, a deadline no later than the caller's and at most call_timeout away).
#include <chrono>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "identity-svc/client/grpc_identity_client.h"

namespace wse::identity {
namespace {

class DirectoryServer final : public v1::IdentityService::Service {
 public:
  grpc::Status GetPerson(grpc::ServerContext* context, const v1::GetPersonRequest* request,
                         v1::GetPersonResponse* response) override {
    Record(context);
    if (request->name() == "persons/ghost") return {grpc::StatusCode::NOT_FOUND, "no such person"};
    if (request->name() == "persons/refused") {
      return {grpc::StatusCode::PERMISSION_DENIED, "SERVICE_NOT_ALLOWED"};
    }
    response->mutable_person()->set_name(request->name());
    response->mutable_person()->set_display_name("Naam " + request->name());
    response->mutable_person()->set_email_address("a@school.example");
    return grpc::Status::OK;
  }
  grpc::Status GetOrganization(grpc::ServerContext* context,
                               const v1::GetOrganizationRequest* request,
                               v1::GetOrganizationResponse* response) override {
    Record(context);
    response->mutable_organization()->set_name(request->name());
    response->mutable_organization()->set_display_name("School");
    response->mutable_organization()->add_legal_representatives()->set_person("persons/marie");
    return grpc::Status::OK;
  }

  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::string last_request_id() {
    absl::MutexLock lock(&mu_);
    return last_request_id_;
  }
  std::string last_authorization() {
    absl::MutexLock lock(&mu_);
    return last_authorization_;
  }
  std::chrono::system_clock::time_point last_deadline() {
    absl::MutexLock lock(&mu_);
    return last_deadline_;
  }

 private:
  void Record(grpc::ServerContext* context) {
    absl::MutexLock lock(&mu_);
    ++calls_;
    const auto& metadata = context->client_metadata();
    auto header = [&](const char* key) {
      auto it = metadata.find(key);
      return it == metadata.end() ? std::string()
                                  : std::string(it->second.data(), it->second.size());
    };
    last_request_id_ = header("x-request-id");
    last_authorization_ = header("authorization");
    last_deadline_ = context->deadline();
  }

  absl::Mutex mu_;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_request_id_ ABSL_GUARDED_BY(mu_);
  std::string last_authorization_ ABSL_GUARDED_BY(mu_);
  std::chrono::system_clock::time_point last_deadline_ ABSL_GUARDED_BY(mu_);
};

class IdentityClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&directory_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
    call_.request_id = "req-123";
  }
  void TearDown() override { server_->Shutdown(); }

  DirectoryServer directory_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  RequestContext call_;
};

TEST_F(IdentityClientTest, PersonsAreCachedForTheirTtlAndNotWithoutOne) {
  GrpcIdentityClient cached(channel_, "token");
  ASSERT_TRUE(cached.GetPerson("jan", call_).ok());
  auto again = cached.GetPerson("jan", call_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->display_name, "Naam persons/jan");
  EXPECT_EQ(again->id, "jan");
  EXPECT_EQ(again->preferred_locale, "nl");
  EXPECT_EQ(directory_.calls(), 1);

  GrpcIdentityClient uncached(channel_, "token", {.person_ttl = absl::ZeroDuration()});
  ASSERT_TRUE(uncached.GetPerson("jan", call_).ok());
  ASSERT_TRUE(uncached.GetPerson("jan", call_).ok());
  EXPECT_EQ(directory_.calls(), 3);
}

TEST_F(IdentityClientTest, OrganisationsAreAlwaysAskedTheirNamesMayBeCached) {
  GrpcIdentityClient client(channel_, "token");
  auto first = client.GetOrganization("school", call_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->legal_representative_ids, std::vector<std::string>{"marie"});
  ASSERT_TRUE(client.GetOrganization("school", call_).ok());
  EXPECT_EQ(directory_.calls(), 2);  // Legal representatives decide rights: never cached.
  auto name = client.OrganizationName("school", call_);
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(*name, "School");
  EXPECT_EQ(directory_.calls(), 2);
}

TEST_F(IdentityClientTest, NotFoundPassesOtherFailuresMeanRetryAndNoneIsCached) {
  GrpcIdentityClient client(channel_, "token");
  EXPECT_EQ(client.GetPerson("ghost", call_).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client.GetPerson("ghost", call_).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client.GetPerson("refused", call_).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(directory_.calls(), 3);

  server_->Shutdown();
  GrpcIdentityClient down(channel_, "token", {.call_timeout = absl::Milliseconds(300)});
  EXPECT_EQ(down.GetPerson("jan", call_).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(IdentityClientTest, EveryCallCarriesRequestIdTokenAndABoundedDeadline) {
  GrpcIdentityClient client(channel_, "service-token", {.call_timeout = absl::Seconds(2)});
  const auto before = std::chrono::system_clock::now();
  ASSERT_TRUE(client.GetOrganization("school", call_).ok());
  EXPECT_EQ(directory_.last_request_id(), "req-123");
  EXPECT_EQ(directory_.last_authorization(), "Bearer service-token");
  EXPECT_LE(directory_.last_deadline(), before + std::chrono::seconds(3));

  RequestContext hurried = call_;
  hurried.deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(800);
  ASSERT_TRUE(client.GetOrganization("school", hurried).ok());
  // gRPC sends the deadline as a timeout rounded up: allow a few milliseconds, far below the 2 s
  // the cap alone would give.
  EXPECT_LE(directory_.last_deadline(), hurried.deadline + std::chrono::milliseconds(50));
}

TEST_F(IdentityClientTest, ACallerWhoseDeadlinePassedHearsDeadlineExceeded) {
  GrpcIdentityClient client(channel_, "token");
  RequestContext late = call_;
  late.deadline = std::chrono::system_clock::now() - std::chrono::seconds(1);
  EXPECT_EQ(client.GetOrganization("school", late).status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace wse::identity
