// Secrets stay secret on the test stack. Registered to run after every other test of the suite
// (tests/security/runs_last.cmake.in gives it a DEPENDS on all of them), so the logs it reads hold
// everything the e2e story, the authorization matrix and the abuse tests made the services write:
// - no log line in $STACK_RUN_DIR/logs/*.log holds an INSZ (11 digits passing the checksum, also
//   written as YY.MM.DD-XXX.CC), a JWT-shaped string, a bearer credential, the operator token,
//   a database password or the key-encryption key;
// - the services take secrets only from files (or WSE_* variables naming files): no flag carries
//   a secret value, --db_password is refused, and no secret value is on a running service's
//   command line or in its environment; the secret files are readable by their owner only.
#include <sys/stat.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/identifiers.h"
#include "gtest/gtest.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

namespace fs = std::filesystem;

const char* const kServices[] = {"identity", "rights", "registration", "notify"};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

struct Finding {
  std::string file;
  int line = 0;
  std::string what;
};

// 11-digit runs standing alone (not inside a longer word such as a hex id) that are valid INSZ,
// and the same with the usual separators (YY.MM.DD-XXX.CC).
void FindInsz(const std::string& file, int line_no, const std::string& line,
              std::vector<Finding>* out) {
  for (size_t i = 0; i < line.size();) {
    if (!std::isdigit(static_cast<unsigned char>(line[i])) || (i > 0 && IsWordChar(line[i - 1]))) {
      ++i;
      continue;
    }
    size_t j = i;
    std::string digits;
    while (j < line.size() && (std::isdigit(static_cast<unsigned char>(line[j])) ||
                               ((line[j] == '.' || line[j] == '-') && j + 1 < line.size() &&
                                std::isdigit(static_cast<unsigned char>(line[j + 1]))))) {
      if (std::isdigit(static_cast<unsigned char>(line[j]))) digits += line[j];
      ++j;
    }
    const bool alone = j >= line.size() || !IsWordChar(line[j]);
    if (alone && digits.size() == 11 && ParseInsz(digits).ok()) {
      out->push_back({file, line_no, absl::StrCat("INSZ ", digits.substr(0, 6), "...")});
    }
    i = j;
  }
}

// Compact JWS: eyJ<base64url>.<base64url>.<base64url>.
void FindJwt(const std::string& file, int line_no, const std::string& line,
             std::vector<Finding>* out) {
  for (size_t at = line.find("eyJ"); at != std::string::npos; at = line.find("eyJ", at + 3)) {
    int dots = 0;
    size_t j = at;
    while (j < line.size() && (IsWordChar(line[j]) || line[j] == '-' || line[j] == '_' ||
                               line[j] == '.')) {
      dots += line[j] == '.';
      ++j;
    }
    if (dots >= 2 && j - at > 40) out->push_back({file, line_no, "JWT-shaped string"});
  }
  const std::string lower = absl::AsciiStrToLower(line);
  for (size_t at = lower.find("bearer "); at != std::string::npos;
       at = lower.find("bearer ", at + 7)) {
    size_t j = at + 7;
    while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j])) &&
           line[j] != '"') {
      ++j;
    }
    if (j - (at + 7) >= 16) out->push_back({file, line_no, "bearer credential"});
  }
}

std::map<std::string, std::string> Secrets() {
  std::map<std::string, std::string> secrets;  // what -> value
  const std::string dir = StackEnv::Get().run_dir + "/secrets";
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string value(absl::StripAsciiWhitespace(Slurp(entry.path().string())));
    if (value.size() >= 16) secrets[entry.path().filename().string()] = value;
  }
  return secrets;
}

TEST(SecretsTest, DetectorsFindWhatTheyLookFor) {
  auto count = [](const std::string& line) {
    std::vector<Finding> found;
    FindInsz("x", 1, line, &found);
    FindJwt("x", 1, line, &found);
    return found.size();
  };
  EXPECT_EQ(count(R"({"insz":"75031512353"})"), 1u);
  EXPECT_EQ(count("persoon 75.03.15-123.53 aangemeld"), 1u);
  EXPECT_EQ(count(R"({"masked":"75.03.15-***.**"})"), 0u);
  EXPECT_EQ(count(R"({"request_id":"a75031512353b0c1"})"), 0u);  // Inside a hex id.
  EXPECT_EQ(count(R"({"n":"75031512354"})"), 0u);                // Wrong checksum.
  EXPECT_EQ(count("token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJlc2lnbmF0dXJl"), 1u);
  EXPECT_EQ(count("authorization: Bearer 0123456789abcdef0123456789abcdef"), 1u);
}

TEST(SecretsTest, LogsHoldNoInszTokenPasswordOrKey) {
  const std::string logs = StackEnv::Get().run_dir + "/logs";
  const auto secrets = Secrets();
  ASSERT_TRUE(secrets.count("operator.token")) << "no operator token in the run folder";
  ASSERT_GE(secrets.size(), 5u) << "expected the operator token, 4 DB passwords, the KEK";
  std::vector<Finding> findings;
  int files = 0;
  size_t lines = 0;
  for (const auto& entry : fs::directory_iterator(logs)) {
    if (entry.path().extension() != ".log") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    int no = 0;
    const std::string name = entry.path().filename().string();
    while (std::getline(in, line)) {
      ++no;
      ++lines;
      FindInsz(name, no, line, &findings);
      FindJwt(name, no, line, &findings);
      for (const auto& [what, value] : secrets) {
        if (absl::StrContains(line, value)) findings.push_back({name, no, "secret " + what});
      }
      if (absl::StrContains(line, "PRIVATE KEY")) findings.push_back({name, no, "private key"});
    }
  }
  EXPECT_GE(files, 5) << "the services' logs are missing from " << logs;
  std::printf("scanned %d log files, %zu lines, %zu secrets\n", files, lines, secrets.size());
  for (const Finding& f : findings) {
    ADD_FAILURE() << f.file << ":" << f.line << ": " << f.what;
  }
}

TEST(SecretsTest, SecretFilesAreReadableByTheirOwnerOnly) {
  const std::string dir = StackEnv::Get().run_dir + "/secrets";
  struct stat st {};
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u) << dir << " is open to group/others";
  for (const auto& entry : fs::directory_iterator(dir)) {
    ASSERT_EQ(stat(entry.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 077, 0u) << entry.path() << " is readable by group/others";
  }
}

// Flags whose names suggest a secret must name a file; these are settings, not secrets.
bool IsSecretValuedFlag(const std::string& flag) {
  static const std::set<std::string> kNotSecret = {
      "access_token_ttl", "refresh_token_ttl", "token_audience", "token_issuer",
      "key_rotation_period"};
  if (absl::EndsWith(flag, "_file") || kNotSecret.count(flag)) return false;
  for (const char* word : {"password", "secret", "token", "key", "credential"}) {
    if (absl::StrContains(flag, word)) return true;
  }
  return false;
}

TEST(SecretsTest, ServicesTakeSecretsFromFilesOnly) {
  const StackEnv& env = StackEnv::Get();
  for (const char* svc : kServices) {
    const std::string binary = env.Binary(absl::StrCat(svc, "-svc/", svc, "-svc"));
    const std::string dir = MakeTempDir("wse-secrets-");
    // Every flag the service has.
    auto help = ChildProcess::Start({binary, "--helpfull"}, dir + "/help.txt");
    ASSERT_TRUE(help.ok()) << help.status();
    (void)help->Wait(absl::Seconds(30));
    int flags = 0;
    for (absl::string_view line : absl::StrSplit(ReadFile(dir + "/help.txt"), '\n')) {
      line = absl::StripLeadingAsciiWhitespace(line);
      if (!absl::ConsumePrefix(&line, "--")) continue;
      const std::string flag(line.substr(0, line.find_first_of(" =(")));
      ++flags;
      EXPECT_FALSE(IsSecretValuedFlag(flag)) << svc << "-svc has --" << flag
                                             << ": secrets come from files (--<name>_file)";
    }
    EXPECT_GT(flags, 10) << svc << "-svc --helpfull listed no flags";
    // A password on the command line is refused, whatever the service.
    auto refused = ChildProcess::Start({binary, "--db_password=hunter2-not-a-secret"},
                                       dir + "/refused.txt");
    ASSERT_TRUE(refused.ok());
    const std::optional<int> code = refused->Wait(absl::Seconds(30));
    EXPECT_TRUE(code.has_value() && *code != 0) << svc << "-svc accepted --db_password";
    EXPECT_TRUE(absl::StrContains(ReadFile(dir + "/refused.txt"), "db_password"))
        << ReadFile(dir + "/refused.txt");
  }
}

TEST(SecretsTest, NoSecretValueOnARunningServicesCommandLineOrEnvironment) {
  const StackEnv& env = StackEnv::Get();
  const auto secrets = Secrets();
  int checked = 0;
  for (const char* svc : kServices) {
    const std::string pid_file = absl::StrCat(env.run_dir, "/pids/", svc, "-svc.pid");
    const std::string pid(absl::StripAsciiWhitespace(Slurp(pid_file)));
    if (pid.empty() || !fs::exists("/proc/" + pid)) continue;
    const std::string cmdline = Slurp("/proc/" + pid + "/cmdline");
    const std::string environ = Slurp("/proc/" + pid + "/environ");
    ++checked;
    EXPECT_TRUE(absl::StrContains(cmdline, "--db_password_file=")) << svc;
    for (const auto& [what, value] : secrets) {
      EXPECT_FALSE(absl::StrContains(cmdline, value)) << svc << "-svc command line holds " << what;
      EXPECT_FALSE(absl::StrContains(environ, value)) << svc << "-svc environment holds " << what;
    }
  }
  EXPECT_EQ(checked, 4) << "the test stack's services are not running";
}

}  // namespace
}  // namespace wse::testing
