#include "common/config.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

extern char** environ;  // NOLINT: POSIX.

namespace wse {
namespace {

std::string& ProgramName() {
  static std::string name = "wse";
  return name;
}

[[noreturn]] void ConfigFailure(absl::string_view reason) {
  std::fprintf(stderr, "%s: invalid configuration: %.*s\n", ProgramName().c_str(),
               static_cast<int>(reason.size()), reason.data());
  std::exit(2);
}

void ApplyEnvironment() {
  constexpr absl::string_view kPrefix = "WSE_";
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    absl::string_view var(*entry);
    if (!absl::StartsWith(var, kPrefix)) continue;
    const auto eq = var.find('=');
    if (eq == absl::string_view::npos) continue;
    const std::string env_name(var.substr(0, eq));
    const std::string flag_name = absl::AsciiStrToLower(env_name.substr(kPrefix.size()));
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(flag_name);
    if (flag == nullptr) ConfigFailure("unknown setting " + env_name);
    std::string error;
    if (!flag->ParseFrom(var.substr(eq + 1), &error)) {
      ConfigFailure(env_name + ": " + error);
    }
  }
}

}  // namespace

void ParseConfig(int argc, char** argv, absl::string_view usage) {
  if (argc > 0) {
    absl::string_view path(argv[0]);
    const auto slash = path.rfind('/');
    ProgramName() = std::string(slash == absl::string_view::npos ? path : path.substr(slash + 1));
  }
  absl::SetProgramUsageMessage(usage);
  ApplyEnvironment();
  // Unknown flags and bad values make ParseCommandLine print the reason and exit non-zero.
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    ConfigFailure(std::string("unexpected argument '") + positional[1] + "'");
  }
}

void RequireConfig(bool ok, absl::string_view reason) {
  if (!ok) ConfigFailure(reason);
}

std::string ReadSecretFile(absl::string_view flag_name, absl::string_view path) {
  std::ifstream in{std::string(path)};
  if (!in) ConfigFailure(std::string(flag_name) + ": cannot read '" + std::string(path) + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string value = buffer.str();
  if (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

}  // namespace wse
