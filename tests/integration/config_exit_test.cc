// A service with bad configuration must refuse to start: non-zero exit and a one-line reason.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

struct Outcome {
  int exit_code;
  std::string output;
};

Outcome RunService(const std::string& binary, const std::vector<std::string>& args,
                   const std::vector<std::string>& env = {}) {
  const std::string log = MakeTempDir("wse-config-") + "/out.log";
  std::vector<std::string> argv = {StackEnv::Get().Binary(binary)};
  argv.insert(argv.end(), args.begin(), args.end());
  auto child = ChildProcess::Start(argv, log, env);
  EXPECT_TRUE(child.ok());
  auto code = child->Wait(absl::Seconds(30));
  EXPECT_TRUE(code.has_value()) << "the service did not exit";
  return {code.value_or(-1), ReadFile(log)};
}

Outcome RunRightsSvc(const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {}) {
  return RunService("rights-svc/rights-svc", args, env);
}

// rights-svc's own required setting, so that a test reaches the database stage.
std::string ServiceTokenFlag() {
  return "--service_token_file=" + StackEnv::Get().run_dir + "/secrets/rights.service-token";
}

// A file holding `content`, for a secret flag.
std::string SecretFile(const std::string& content) {
  const std::string path = MakeTempDir("wse-secret-") + "/token";
  std::ofstream(path) << content << "\n";
  return path;
}

TEST(ConfigExitTest, UnknownFlagIsRefused) {
  Outcome out = RunRightsSvc({"--no_such_setting=1"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("invalid configuration: unknown flag --no_such_setting"),
            std::string::npos)
      << out.output;
  EXPECT_EQ(RunRightsSvc({"--nodb_port"}).exit_code, 2);  // "no" only negates booleans.
}

TEST(ConfigExitTest, UnparsableValueIsRefused) {
  Outcome out = RunRightsSvc({"--db_port=abc"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("db_port"), std::string::npos) << out.output;
  Outcome separate = RunRightsSvc({"--db_port", "abc"});  // Value as the next argument.
  EXPECT_EQ(separate.exit_code, 2);
  EXPECT_NE(separate.output.find("--db_port"), std::string::npos) << separate.output;
  EXPECT_EQ(RunRightsSvc({"--db_port"}).exit_code, 2);  // No value at all.
}

TEST(ConfigExitTest, OutOfRangeValueIsRefusedWithReason) {
  Outcome out = RunRightsSvc({"--db_pool_size=0"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("invalid configuration: --db_pool_size must be within 1..512"),
            std::string::npos)
      << out.output;
}

// A claim must hold one SMTP transaction and the outcome's write: a lease that leaves less than
// 5 s after the SMTP timeout could let a second worker send a mail again.
TEST(ConfigExitTest, NotifyRefusesALeaseWithoutRoomForTheOutcome) {
  Outcome out = RunService("notify-svc/notify-svc", {"--smtp_timeout=30s", "--lease=34s"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("--smtp_timeout + 5s <= --lease"), std::string::npos) << out.output;
}

TEST(ConfigExitTest, MalformedListenAddressIsRefused) {
  Outcome out = RunRightsSvc({"--listen=just-a-host"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("--listen must be host:port"), std::string::npos) << out.output;
}

TEST(ConfigExitTest, UnknownEnvironmentSettingIsRefused) {
  Outcome out = RunRightsSvc({}, {"WSE_DB_PASWORD_FILE=/tmp/typo"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("unknown setting WSE_DB_PASWORD_FILE"), std::string::npos)
      << out.output;
}

TEST(ConfigExitTest, EnvironmentValuesAreValidatedToo) {
  Outcome out = RunRightsSvc({}, {"WSE_LOG_LEVEL=loud"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("--log_level must be one of"), std::string::npos) << out.output;
}

TEST(ConfigExitTest, MissingPasswordFileIsRefused) {
  Outcome out = RunRightsSvc({"--db_password_file=/nonexistent/secret", ServiceTokenFlag()});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("cannot read '/nonexistent/secret'"), std::string::npos) << out.output;
}

// A pre-rollout migration Job: migrate, exit 0, without the service's own settings.
// Issue 15, point 5: on main any operator token was accepted, "operator" included.
TEST(ConfigExitTest, AWeakOperatorOrServiceTokenStopsTheStart) {
  for (const std::string& weak :
       {std::string("operator"), std::string(64, 'a'), std::string("0123456789abcdef0123"),
        std::string("changeme-changeme-changeme-changeme-changeme-changeme")}) {
    for (const std::string flag : {"--operator_token_file=", "--service_token_file="}) {
      Outcome out = RunRightsSvc({flag + SecretFile(weak)});
      EXPECT_EQ(out.exit_code, 2) << flag << weak;
      EXPECT_NE(out.output.find("must be at least 32 random bytes"), std::string::npos)
          << out.output;
      EXPECT_EQ(std::count(out.output.begin(), out.output.end(), '\n'), 1) << out.output;
    }
  }
}

TEST(ConfigExitTest, TheOperatorsTokenCannotAlsoBeAServices) {
  const std::string run = StackEnv::Get().run_dir + "/secrets/";
  Outcome out = RunRightsSvc({"--operator_token_file=" + run + "notify.service-token",
                              "--service_identities_file=" + run + "service-identities"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("also a service's token"), std::string::npos) << out.output;
}

TEST(ConfigExitTest, DatabaseTlsNeedsATcpConnectionAndAReadableCa) {
  Outcome socket = RunRightsSvc({"--db_socket=/tmp/x.sock", "--db_tls_ca_file=/etc/hostname"});
  EXPECT_EQ(socket.exit_code, 2);
  EXPECT_NE(socket.output.find("--db_tls_ca_file needs --db_host"), std::string::npos)
      << socket.output;
  Outcome missing = RunRightsSvc({"--db_tls_ca_file=/nonexistent/ca.pem"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("--db_tls_ca_file: cannot read"), std::string::npos)
      << missing.output;
}

TEST(ConfigExitTest, MigrateOnlyAppliesMigrationsAndExits) {
  const StackEnv& env = StackEnv::Get();
  Outcome out = RunRightsSvc(
      {"--db_socket=" + env.db_socket, "--db_user=root", "--db_name=wse_rights", "--migrate_only"});
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("migrations applied"), std::string::npos) << out.output;
}

// The development identity provider is never trusted or run by accident.
TEST(ConfigExitTest, DevIdentityProviderRefusesToRunWithoutDevEnvironment) {
  const std::string log = MakeTempDir("wse-config-") + "/idp.log";
  auto child = ChildProcess::Start({StackEnv::Get().Binary("identity-svc/wse-dev-idp"),
                                    "--key_dir=" + MakeTempDir("wse-idp-"), "--insz=85073003328"},
                                   log);
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->Wait(absl::Seconds(30)), 2);
  EXPECT_NE(ReadFile(log).find("--dev_environment"), std::string::npos) << ReadFile(log);
}

TEST(ConfigExitTest, IdentityServiceTrustsTheDevIssuerOnlyWhenAllowed) {
  const std::string log = MakeTempDir("wse-config-") + "/identity.log";
  const StackEnv& env = StackEnv::Get();
  auto child = ChildProcess::Start(
      {env.Binary("identity-svc/identity-svc"), "--listen=127.0.0.1:0",
       "--db_socket=" + env.db_socket, "--db_user=root", "--db_name=wse_identity",
       "--idp_issuer=https://dev-idp.wse-loket.invalid",
       "--idp_jwks_file=" + env.run_dir + "/dev-idp/dev-idp-jwks.json",
       "--key_encryption_key_file=" + env.run_dir + "/secrets/key-encryption.key"},
      log);
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->Wait(absl::Seconds(30)), 2);
  EXPECT_NE(ReadFile(log).find("only trusted with --allow_dev_idp"), std::string::npos)
      << ReadFile(log);
}

// A service's own settings are checked before it touches the database: a broken role catalogue
// is a configuration error (exit 2) even while the database is unreachable.
TEST(ConfigExitTest, BrokenCatalogueIsRefusedBeforeTheDatabaseIsTried) {
  const std::string dir = MakeTempDir("wse-config-");
  {
    FILE* f = fopen((dir + "/catalogue.json").c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs(R"({"roles": [{"code": "A", "label": "A"}, {"code": "A", "label": "again"}]})", f);
    fclose(f);
  }
  Outcome out =
      RunRightsSvc({"--catalogue_file=" + dir + "/catalogue.json",
                    "--db_port=" + std::to_string(FreePort()), "--db_startup_timeout=30s"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.output.find("duplicate role code A"), std::string::npos) << out.output;
}

TEST(ConfigExitTest, UnreachableDatabaseStopsStartupWithReason) {
  Outcome out = RunRightsSvc({ServiceTokenFlag(), "--db_host=127.0.0.1",
                              "--db_port=" + std::to_string(FreePort()), "--db_startup_timeout=1s",
                              "--listen=127.0.0.1:0"});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.output.find("cannot reach the database"), std::string::npos) << out.output;
}

}  // namespace
}  // namespace wse::testing
