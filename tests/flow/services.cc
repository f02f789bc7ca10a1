#include "tests/flow/services.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wse::flow {
namespace {

// Reads the variables, remembering the ones that are missing or malformed.
class Variables {
 public:
  std::string Text(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
      missing_.push_back(name);
      return "";
    }
    return value;
  }
  int Port(const char* name) {
    int port = 0;
    const std::string text = Text(name);
    if (!text.empty() && (!absl::SimpleAtoi(text, &port) || port <= 0 || port > 65535)) {
      missing_.push_back(absl::StrCat(name, " (not a port: ", text, ")"));
    }
    return port;
  }
  const std::vector<std::string>& missing() const { return missing_; }

 private:
  std::vector<std::string> missing_;
};

}  // namespace

std::string Services::Address(int port) const {
  return port == 0 ? "" : absl::StrCat(host, ":", port);
}

absl::StatusOr<Services> Services::FromEnvironment() {
  Variables env;
  Services s;
  s.root = env.Text("STACK_ROOT");
  s.build_dir = env.Text("STACK_BUILD_DIR");
  s.run_dir = env.Text("STACK_RUN_DIR");
  s.db_socket = env.Text("STACK_DB_SOCKET");
  s.identity_port = env.Port("STACK_IDENTITY_PORT");
  s.rights_port = env.Port("STACK_RIGHTS_PORT");
  s.registration_port = env.Port("STACK_REGISTRATION_PORT");
  s.notify_port = env.Port("STACK_NOTIFY_PORT");
  s.gateway_port = env.Port("STACK_GATEWAY_PORT");
  s.operator_gateway_port = env.Port("STACK_OPERATOR_GATEWAY_PORT");
  s.db_port = env.Port("STACK_DB_PORT");
  s.smtp_port = env.Port("STACK_SMTP_PORT");
  s.identity_metrics_port = env.Port("STACK_IDENTITY_METRICS_PORT");
  s.rights_metrics_port = env.Port("STACK_RIGHTS_METRICS_PORT");
  s.registration_metrics_port = env.Port("STACK_REGISTRATION_METRICS_PORT");
  s.notify_metrics_port = env.Port("STACK_NOTIFY_METRICS_PORT");
  s.prometheus_port = env.Port("STACK_PROMETHEUS_PORT");
  if (!env.missing().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("not set: ", absl::StrJoin(env.missing(), ", "),
                     " (the STACK_* variables of deploy/local/lib.sh: run through "
                     "deploy/local/test.sh or bench/run.sh)"));
  }
  const char* mail_dir = std::getenv("STACK_MAIL_DIR");
  s.mail_dir = mail_dir != nullptr && *mail_dir != '\0' ? mail_dir : s.run_dir + "/mail";
  s.dev_idp_dir = s.run_dir + "/dev-idp";
  const std::string token_file = s.run_dir + "/secrets/operator.token";
  std::ifstream in(token_file);
  std::stringstream text;
  text << in.rdbuf();
  s.operator_token = std::string(absl::StripAsciiWhitespace(text.str()));
  if (s.operator_token.empty()) {
    return absl::FailedPreconditionError("no operator token in " + token_file);
  }
  return s;
}

}  // namespace wse::flow
