#include "common/config.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
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

// absl's parser exits with 1 on an unknown flag or a bad value; every configuration error of the
// suite exits with 2 and one line, so the command line is checked here first (absl then parses it
// again, to the same values, and handles --help).
void CheckCommandLine(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg(argv[i]);
    if (arg == "--") break;
    if (!absl::StartsWith(arg, "-")) continue;  // Positional; refused below.
    arg.remove_prefix(absl::StartsWith(arg, "--") ? 2 : 1);
    const auto eq = arg.find('=');
    const std::string name(arg.substr(0, eq));
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    bool negated = false;
    if (flag == nullptr && absl::StartsWith(name, "no")) {
      flag = absl::FindCommandLineFlag(name.substr(2));
      negated = flag != nullptr && flag->IsOfType<bool>();
      if (!negated) flag = nullptr;
    }
    // absl's own flags (--help, --helpfull, --version, --flagfile, ...) are left to it.
    static constexpr absl::string_view kAbslFlags[] = {
        "help",    "helpfull",        "helpshort", "helppackage", "helpon",  "helpmatch",
        "version", "only_check_args", "flagfile",  "fromenv",     "tryfromenv", "undefok"};
    if (flag == nullptr &&
        std::find(std::begin(kAbslFlags), std::end(kAbslFlags), name) != std::end(kAbslFlags)) {
      if (eq == absl::string_view::npos && name != "help" && name != "helpfull" &&
          name != "helpshort" && name != "helppackage" && name != "version" &&
          name != "only_check_args" && i + 1 < argc) {
        ++i;  // Its value is the next argument.
      }
      continue;
    }
    if (flag == nullptr) ConfigFailure("unknown flag --" + name);
    if (negated) continue;
    std::string value;
    if (eq != absl::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (flag->IsOfType<bool>()) {
      continue;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      ConfigFailure("--" + name + " needs a value");
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) ConfigFailure("--" + name + ": " + error);
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
  CheckCommandLine(argc, argv);
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

int CredentialStrengthBits(absl::string_view credential) {
  std::set<char> distinct(credential.begin(), credential.end());
  if (distinct.size() < 8) return 0;
  // A word repeated ("changeme-changeme-...") is as strong as the word once.
  for (size_t period = 1; period <= credential.size() / 2; ++period) {
    if (credential.substr(period) == credential.substr(0, credential.size() - period)) return 0;
  }
  const auto all_of = [&](auto&& in_alphabet) {
    return std::all_of(credential.begin(), credential.end(), in_alphabet);
  };
  const int length = static_cast<int>(credential.size());
  if (all_of([](char c) { return absl::ascii_isxdigit(c); })) return 4 * length;
  if (all_of([](char c) {
        return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '+' || c == '/' || c == '=';
      })) {
    return 6 * (length - static_cast<int>(std::count(credential.begin(), credential.end(), '=')));
  }
  // Anything else (spaces, dots, punctuation) is a phrase or a JWT-shaped value, not the output
  // of a random generator.
  return 0;
}

std::string ReadCredentialFile(absl::string_view flag_name, absl::string_view path) {
  std::string value = ReadSecretFile(flag_name, path);
  if (CredentialStrengthBits(value) < 256) {
    ConfigFailure(std::string(flag_name) +
                  ": the token must be at least 32 random bytes (openssl rand -hex 32)");
  }
  return value;
}

}  // namespace wse
