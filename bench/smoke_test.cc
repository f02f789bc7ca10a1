// The load generator must keep working (issue 8): wse-load for ~2 s at concurrency 4 against the
// test echo server and against one real RPC of the test stack (CheckPermission, with a user,
// organisation and grant it prepares as the operator; no mail is sent). Each run must report
// successful calls and no errors, in its summary and in its CSV row.
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/support/echo_process.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

struct LoadRun {
  int exit_code = -1;
  std::vector<std::string> header, row;
  std::string log;

  std::string Column(const std::string& name) const {
    for (size_t i = 0; i < header.size() && i < row.size(); ++i) {
      if (header[i] == name) return row[i];
    }
    return "";
  }
  int64_t Count(const std::string& name) const {
    int64_t n = -1;
    return absl::SimpleAtoi(Column(name), &n) ? n : -1;
  }
};

LoadRun RunLoad(const std::vector<std::string>& flags) {
  const std::string dir = MakeTempDir("wse-load-smoke-");
  const std::string csv = dir + "/out.csv";
  std::vector<std::string> argv = {StackEnv::Get().Binary("bench/wse-load"), "--concurrency=4",
                                   "--duration=2s", "--warmup=0s", "--check", "--csv=" + csv};
  argv.insert(argv.end(), flags.begin(), flags.end());
  LoadRun run;
  auto child = ChildProcess::Start(argv, dir + "/wse-load.log");
  EXPECT_TRUE(child.ok()) << child.status();
  if (!child.ok()) return run;
  run.exit_code = child->Wait(absl::Seconds(120)).value_or(-1);
  run.log = ReadFile(dir + "/wse-load.log");
  std::vector<std::string> lines = absl::StrSplit(ReadFile(csv), '\n', absl::SkipEmpty());
  if (lines.size() == 2) {  // Header + one run (the note column has no commas here).
    run.header = absl::StrSplit(lines[0], ',');
    run.row = absl::StrSplit(lines[1], ',');
  }
  return run;
}

TEST(BenchSmokeTest, EchoServerAtConcurrencyFour) {
  EchoProcess echo = StartEchoServer();
  LoadRun run = RunLoad({"--workload=echo", absl::StrCat("--echo_address=127.0.0.1:", echo.port)});
  EXPECT_EQ(run.exit_code, 0) << run.log;
  ASSERT_FALSE(run.row.empty()) << run.log;
  EXPECT_EQ(run.Column("workload"), "echo");
  EXPECT_EQ(run.Column("concurrency"), "4");
  EXPECT_GT(run.Count("ok"), 0) << run.log;
  EXPECT_EQ(run.Count("errors"), 0) << run.log;
  double p99 = 0;
  EXPECT_TRUE(absl::SimpleAtod(run.Column("p99_ms"), &p99));
  EXPECT_GT(p99, 0);
}

TEST(BenchSmokeTest, CheckPermissionOnTheTestStack) {
  LoadRun run = RunLoad({"--workload=check"});
  EXPECT_EQ(run.exit_code, 0) << run.log;
  ASSERT_FALSE(run.row.empty()) << run.log;
  EXPECT_GT(run.Count("ok"), 0) << run.log;
  EXPECT_EQ(run.Count("errors"), 0) << run.log;
}

}  // namespace
}  // namespace wse::testing
