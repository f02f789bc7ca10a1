// wse-dev-idp: prints a signed ID token for a demo person, as the external identity provider
// would issue after a digital-key login. Development and tests only.
#include <cstdio>

#include "absl/flags/flag.h"
#include "common/config.h"
#include "identity-svc/dev_idp/dev_idp.h"

ABSL_FLAG(bool, dev_environment, false,
          "must be set: confirms this is a development or test environment");
ABSL_FLAG(std::string, key_dir, "", "folder holding the dev IdP key and its JWKS");
ABSL_FLAG(std::string, insz, "", "INSZ of the person logging in");
ABSL_FLAG(std::string, given_name, "", "given name");
ABSL_FLAG(std::string, family_name, "", "family name");
ABSL_FLAG(std::string, amr, "eid", "digital key: eid, itsme, app, sms or token");
ABSL_FLAG(std::string, acr, "urn:wse:dev:loa:high", "assurance (…low / …substantial / …high)");
ABSL_FLAG(std::string, nonce, "", "nonce of the login attempt (optional)");
ABSL_FLAG(std::string, email, "", "`email` claim, as verified by the provider (optional)");
ABSL_FLAG(std::string, audience, "wse-loket", "client id of identity-svc at the provider");
ABSL_FLAG(bool, print_jwks_path, false, "only create the key and print the JWKS file path");

int main(int argc, char** argv) {
  wse::ParseConfig(argc, argv, "wse-dev-idp --dev_environment --key_dir=DIR --insz=...");
  wse::RequireConfig(absl::GetFlag(FLAGS_dev_environment),
                     "wse-dev-idp is a development tool; pass --dev_environment to confirm this is "
                     "not production");
  wse::RequireConfig(!absl::GetFlag(FLAGS_key_dir).empty(), "--key_dir is required");
  auto key = wse::identity::LoadOrCreateDevIdpKey(absl::GetFlag(FLAGS_key_dir));
  if (!key.ok()) {
    std::fprintf(stderr, "wse-dev-idp: %s\n", std::string(key.status().message()).c_str());
    return 1;
  }
  if (absl::GetFlag(FLAGS_print_jwks_path)) {
    std::printf("%s\n", key->jwks_path.c_str());
    return 0;
  }
  wse::RequireConfig(!absl::GetFlag(FLAGS_insz).empty(), "--insz is required");
  wse::identity::DevLogin login;
  login.insz = absl::GetFlag(FLAGS_insz);
  login.given_name = absl::GetFlag(FLAGS_given_name);
  login.family_name = absl::GetFlag(FLAGS_family_name);
  login.amr = absl::GetFlag(FLAGS_amr);
  login.acr = absl::GetFlag(FLAGS_acr);
  login.nonce = absl::GetFlag(FLAGS_nonce);
  login.email = absl::GetFlag(FLAGS_email);
  login.audience = absl::GetFlag(FLAGS_audience);
  auto token = wse::identity::MintDevIdToken(*key, login);
  if (!token.ok()) {
    std::fprintf(stderr, "wse-dev-idp: %s\n", std::string(token.status().message()).c_str());
    return 1;
  }
  std::printf("%s\n", token->c_str());
  return 0;
}
