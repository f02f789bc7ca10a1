#pragma once
// For in-process tests of a service's gRPC adapter: the real service class, with fakes behind
// it, served by the same ServiceHost the processes use (its interceptors and message limits) on
// a loopback port, and access tokens signed as identity-svc signs them with a key made for the
// test.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/grpc_status.h"
#include "common/service_host.h"
#include "common/token_verifier.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "tests/unit/jwt_test_keys.h"

namespace wse::testing {

class InProcessServer {
 public:
  // Serves `services` (name -> service) until destroyed.
  explicit InProcessServer(const std::vector<std::pair<grpc::Service*, std::string>>& services);
  // The host drains and stops when destroyed.

  absl::Status status() const { return status_; }  // Why it did not start, if it did not.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  std::string target() const { return target_; }  // "127.0.0.1:port"

 private:
  ServiceHost host_;
  absl::Status status_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string target_;
};

// Access tokens of persons, and the verifier a service checks them with.
class TestAccessTokens {
 public:
  static constexpr char kIssuer[] = "https://identity.test";
  static constexpr char kAudience[] = "wse-services";

  TestAccessTokens();

  AccessTokenVerifier& verifier() { return *verifier_; }
  // `person` acting for organizations/`organization` ("" = the personal context), for
  // `lifetime` from now (negative: expired).
  std::string For(const std::string& person, const std::string& organization,
                  absl::Duration lifetime = absl::Minutes(10)) const;
  // The same claims signed by another key with the same kid: a forgery.
  std::string Forged(const std::string& person, const std::string& organization) const;

 private:
  TestKey key_;
  TestKey stranger_;
  std::unique_ptr<AccessTokenVerifier> verifier_;
};

// Calls `method` of `stub` (e.g. &Stub::ListGrants) with `token` as the bearer ("" = none);
// the answer as absl::Status, details kept.
template <typename Stub, typename Method, typename Request, typename Response>
absl::Status CallWithToken(Stub& stub, Method method, const std::string& token,
                           const Request& request, Response* response) {
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  return FromGrpcStatus((stub.*method)(&context, request, response));
}

}  // namespace wse::testing
