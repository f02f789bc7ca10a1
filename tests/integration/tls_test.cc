// Every service can serve TLS and require client certificates (mutual TLS) from PEM files, with
// the same code the services use for their own outgoing calls (common/tls.h). Shown on notify-svc
// with the development certificates of deploy/local/dev_certs.sh.
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/tls.h"
#include "cppconn/connection.h"
#include "cppconn/statement.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/support/identity_test_data.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

std::string MakeCerts(const std::string& dir) {
  const std::string command =
      absl::StrCat("bash ", StackEnv::Get().root, "/deploy/local/dev_certs.sh ", dir);
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return dir;
}

// The health of notify-svc over `credentials`: the status of the call.
grpc::Status Check(int port, std::shared_ptr<grpc::ChannelCredentials> credentials,
                   std::string* serving = nullptr) {
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), credentials);
  auto stub = Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  HealthCheckRequest request;
  request.set_service("wse.notify.v1.NotifyService");
  HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (serving) *serving = HealthCheckResponse::ServingStatus_Name(response.status());
  return status;
}

TlsConfig Client(const std::string& dir, bool with_certificate) {
  auto tls = LoadTlsConfig(with_certificate ? dir + "/service.pem" : "",
                           with_certificate ? dir + "/service.key" : "", dir + "/ca.pem", false);
  EXPECT_TRUE(tls.ok()) << tls.status();
  return *tls;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto conn = ConnectMysql(db_.RootOptions());
    ASSERT_TRUE(conn.ok()) << conn.status();
    std::unique_ptr<sql::Statement>((*conn)->createStatement())
        ->execute("CREATE DATABASE wse_notify");
    certs_ = MakeCerts(temp_ + "/certs");
    rogue_ = MakeCerts(temp_ + "/rogue");  // Another CA: same names, not trusted.
  }

  absl::StatusOr<ChildProcess> StartNotify(int port, std::vector<std::string> extra) {
    std::vector<std::string> argv = {StackEnv::Get().Binary("notify-svc/notify-svc"),
                                     absl::StrCat("--listen=127.0.0.1:", port),
                                     "--db_socket=" + db_.socket(), "--db_user=root",
                                     "--health_probe_interval=200ms", ServiceTokenFlag("notify")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return ChildProcess::Start(argv, log_);
  }

  PrivateMariaDb db_;
  std::string temp_ = MakeTempDir("wse-tls-");
  std::string log_ = temp_ + "/notify.log";
  std::string certs_, rogue_;
};

TEST_F(TlsTest, MutualTlsAdmitsOnlyClientsWithACertificateOfTheCa) {
  const int port = FreePort();
  auto service = StartNotify(port, {"--tls_cert_file=" + certs_ + "/service.pem",
                                    "--tls_key_file=" + certs_ + "/service.key",
                                    "--tls_ca_file=" + certs_ + "/ca.pem",
                                    "--tls_require_client_cert"});
  ASSERT_TRUE(service.ok()) << service.status();
  const auto trusted = ChannelCredentialsFor(Client(certs_, /*with_certificate=*/true));
  std::string serving;
  ASSERT_TRUE(WaitFor([&] { return Check(port, trusted, &serving).ok() && serving == "SERVING"; },
                      absl::Seconds(30)))
      << ReadFile(log_);

  // Plaintext, TLS without a client certificate, and a certificate of another CA: refused.
  EXPECT_EQ(Check(port, grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Check(port, ChannelCredentialsFor(Client(certs_, false))).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  TlsConfig rogue = Client(rogue_, true);
  rogue.ca_pem = Client(certs_, false).ca_pem;  // Trusts the server, but is not trusted back.
  EXPECT_EQ(Check(port, ChannelCredentialsFor(rogue)).error_code(), grpc::StatusCode::UNAVAILABLE);
  // A client that does not trust the server's CA does not talk to it either.
  EXPECT_EQ(Check(port, ChannelCredentialsFor(Client(rogue_, true))).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // And the trusted client still gets through.
  EXPECT_TRUE(Check(port, trusted).ok());
}

TEST_F(TlsTest, ServerOnlyTlsAcceptsClientsWithoutCertificates) {
  const int port = FreePort();
  auto service = StartNotify(port, {"--tls_cert_file=" + certs_ + "/service.pem",
                                    "--tls_key_file=" + certs_ + "/service.key"});
  ASSERT_TRUE(service.ok()) << service.status();
  const auto anonymous = ChannelCredentialsFor(Client(certs_, false));
  std::string serving;
  EXPECT_TRUE(WaitFor([&] { return Check(port, anonymous, &serving).ok() && serving == "SERVING"; },
                      absl::Seconds(30)))
      << ReadFile(log_);
  EXPECT_EQ(Check(port, grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, InconsistentSettingsRefuseToStart) {
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--tls_cert_file=" + certs_ + "/service.pem"},
        std::vector<std::string>{"--tls_cert_file=" + certs_ + "/service.pem",
                                 "--tls_key_file=" + certs_ + "/service.key",
                                 "--tls_require_client_cert"},
        std::vector<std::string>{"--tls_cert_file=" + certs_ + "/ca.srl",
                                 "--tls_key_file=" + certs_ + "/service.key"}}) {
    auto service = StartNotify(FreePort(), flags);
    ASSERT_TRUE(service.ok());
    auto code = service->Wait(absl::Seconds(20));
    ASSERT_TRUE(code.has_value()) << "still running with " << flags.back();
    EXPECT_EQ(*code, 2) << ReadFile(log_);
  }
}

}  // namespace
}  // namespace wse::testing
