// Issue 15, point 5: each service calls the others with a token of its own, and each callee lets
// it call only the methods on its allow-list. For every service token and every method of every
// service on the test stack (called straight at the service's port with an empty request): a
// method on the caller's allow-list gets past authentication and authorization (its answer is
// about the request), every other one is PERMISSION_DENIED with reason SERVICE_NOT_ALLOWED.
// On main every service's credential was the operators' token, which passes every row: the
// notify-svc credential created grants and read every person by INSZ.
#include <chrono>
#include <cstdio>
#include <future>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "gtest/gtest.h"
#include "tests/support/grpc_generic.h"
#include "tests/support/grpc_helpers.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"
#include "wse/notify/v1/notify_service.grpc.pb.h"
#include "wse/registration/v1/registration_service.grpc.pb.h"
#include "wse/rights/v1/membership.grpc.pb.h"
#include "wse/rights/v1/replica_cache.grpc.pb.h"
#include "wse/rights/v1/rights_service.grpc.pb.h"

namespace wse::testing {
namespace {

// The allow-lists as this test expects them: a change to a service's list must change this
// table too, in the same review.
const std::map<std::string, std::set<std::string>> kAllowed = {
    {"identity-svc",
     {"/wse.rights.v1.RightsService/ListWorkRelations", "/wse.rights.v1.RightsService/ListGrants",
      "/wse.rights.v1.MembershipService/CheckMembership", "/wse.notify.v1.NotifyService/SendMail",
      "/wse.notify.v1.NotifyService/SendMails"}},
    {"rights-svc",
     {"/wse.identity.v1.IdentityService/GetPerson", "/wse.identity.v1.IdentityService/LookupPerson",
      "/wse.identity.v1.IdentityService/GetOrganization",
      "/wse.rights.v1.ReplicaCacheService/InvalidateRevisions",
      "/wse.notify.v1.NotifyService/SendMail", "/wse.notify.v1.NotifyService/SendMails"}},
    {"registration-svc",
     {"/wse.identity.v1.IdentityService/GetPerson",
      "/wse.identity.v1.IdentityService/GetOrganization",
      "/wse.rights.v1.ReplicaCacheService/RenewLease",
      "/wse.rights.v1.ReplicaCacheService/ReleaseLease", "/wse.notify.v1.NotifyService/SendMail",
      "/wse.notify.v1.NotifyService/SendMails"}},
    {"notify-svc", {"/wse.identity.v1.IdentityService/GetPerson"}},
};

// Open methods (rights-svc/catalogue.json "open"): they ask for no credential at all.
const std::set<std::string> kOpen = {"/wse.identity.v1.IdentityService/StartLogin",
                                     "/wse.identity.v1.IdentityService/ExchangeIdToken",
                                     "/wse.identity.v1.IdentityService/RefreshSession",
                                     "/wse.identity.v1.IdentityService/GetJwks"};

struct Callee {
  std::string service;  // Full gRPC service name.
  int port;
};

std::vector<Callee> Callees() {
  const StackEnv& env = StackEnv::Get();
  return {{"wse.identity.v1.IdentityService", env.identity_port},
          {"wse.rights.v1.RightsService", env.rights_port},
          {"wse.rights.v1.MembershipService", env.rights_port},
          {"wse.rights.v1.ReplicaCacheService", env.rights_port},
          {"wse.registration.v1.RegistrationService", env.registration_port},
          {"wse.notify.v1.NotifyService", env.notify_port}};
}

std::string ServiceToken(const std::string& service) {
  const std::string file = absl::StrCat(StackEnv::Get().run_dir, "/secrets/",
                                        absl::StripSuffix(service, "-svc"), ".service-token");
  return std::string(absl::StripAsciiWhitespace(ReadFile(file)));
}

TEST(ServiceIdentityTest, EachServiceCallsOnlyWhatItsAllowListNames) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int allowed_calls = 0, refused_calls = 0;
  for (const auto& [caller, allowed] : kAllowed) {
    const std::string token = ServiceToken(caller);
    ASSERT_FALSE(token.empty()) << caller;
    for (const Callee& callee : Callees()) {
      const auto* service = pool->FindServiceByName(callee.service);
      ASSERT_NE(service, nullptr) << callee.service;
      for (int i = 0; i < service->method_count(); ++i) {
        const auto* method = service->method(i);
        if (method->server_streaming()) continue;
        const std::string path = absl::StrCat("/", callee.service, "/", method->name());
        if (kOpen.count(path) != 0) continue;
        const grpc::Status answer =
            method->client_streaming()
                ? CallClientStreamBytes(callee.port, path, token, {""}).status
                : CallUnaryBytes(callee.port, path, token, "").status;
        const absl::Status status = FromGrpcStatus(answer);
        if (allowed.count(path) != 0) {
          ++allowed_calls;
          EXPECT_NE(status.code(), absl::StatusCode::kUnauthenticated) << caller << " " << path;
          EXPECT_NE(status.code(), absl::StatusCode::kPermissionDenied)
              << caller << " " << path << ": " << status;
        } else {
          ++refused_calls;
          EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << caller << " " << path;
          EXPECT_EQ(ReasonOf(status), "SERVICE_NOT_ALLOWED")
              << caller << " " << path << ": " << status;
        }
      }
    }
  }
  std::printf("service tokens x methods: %d allowed, %d refused with SERVICE_NOT_ALLOWED\n",
              allowed_calls, refused_calls);
  EXPECT_EQ(allowed_calls, 18);
  EXPECT_GT(refused_calls, 4 * 50) << "every method of every service, for every caller";
}

// The operators' token still reaches every method on the services' own ports (the internal
// network); the gateway's public listener is another matter (tests/e2e/gateway_test.cc).
TEST(ServiceIdentityTest, TheOperatorsTokenIsNoServiceAndStillAnOperator) {
  const StackEnv& env = StackEnv::Get();
  const absl::Status lookup = FromGrpcStatus(
      CallUnaryBytes(env.identity_port, "/wse.identity.v1.IdentityService/ListOrganizations",
                     OperatorToken(), "")
          .status);
  EXPECT_TRUE(lookup.ok()) << lookup;
}

// Two Authorization headers count as none: a gateway may judge one and the service the other.
TEST(ServiceIdentityTest, TwoAuthorizationHeadersCountAsNone) {
  grpc::GenericStub stub(Channel(StackEnv::Get().identity_port));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  context.AddMetadata("authorization", "Bearer " + OperatorToken());
  context.AddMetadata("authorization", "Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/wse.identity.v1.IdentityService/ListOrganizations",
                 grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  EXPECT_EQ(done.get_future().get().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace wse::testing
