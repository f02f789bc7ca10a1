#include "tests/support/in_process.h"

#include "absl/strings/str_cat.h"
#include "common/jwks.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace wse::testing {
namespace {

ServiceHostOptions LoopbackOptions() {
  ServiceHostOptions options;
  options.listen_address = "127.0.0.1:0";
  options.drain_timeout = absl::Seconds(1);
  options.idle_threads = 2;
  return options;
}

nlohmann::json Claims(const std::string& person, const std::string& organization,
                      absl::Duration lifetime) {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  const int64_t expires = now + absl::ToInt64Seconds(lifetime);
  nlohmann::json claims = {{"iss", TestAccessTokens::kIssuer},
                           {"aud", TestAccessTokens::kAudience},
                           {"sub", person},
                           {"sid", "session-" + person},
                           {"acr", "eid"},
                           {"jti", absl::StrCat("t-", person, "-", organization, "-", expires)},
                           {"iat", std::min(now, expires - 60)},
                           {"exp", expires}};
  if (!organization.empty()) claims["org"] = "organizations/" + organization;
  return claims;
}

}  // namespace

InProcessServer::InProcessServer(
    const std::vector<std::pair<grpc::Service*, std::string>>& services)
    : host_(LoopbackOptions()) {
  for (const auto& [service, name] : services) host_.AddService(service, name);
  absl::StatusOr<int> port = host_.Start();
  status_ = port.status();
  if (!port.ok()) return;
  target_ = absl::StrCat("127.0.0.1:", *port);
  channel_ = grpc::CreateChannel(target_, grpc::InsecureChannelCredentials());
}

TestAccessTokens::TestAccessTokens()
    : key_(MakeEcKey("test-1")),
      stranger_(MakeEcKey("test-1")),  // Same kid, other key.
      verifier_(std::make_unique<AccessTokenVerifier>(
          JwtVerifierOptions{kIssuer, kAudience, absl::Seconds(30), absl::Hours(1)},
          std::make_shared<StaticKeySource>(ParseJwks(JwksOf({key_})).value()))) {}

std::string TestAccessTokens::For(const std::string& person, const std::string& organization,
                                  absl::Duration lifetime) const {
  return SignToken(key_, "ES256", Claims(person, organization, lifetime));
}

std::string TestAccessTokens::Forged(const std::string& person,
                                     const std::string& organization) const {
  return SignToken(stranger_, "ES256", Claims(person, organization, absl::Minutes(10)));
}

}  // namespace wse::testing
