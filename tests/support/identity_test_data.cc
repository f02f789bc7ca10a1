#include "tests/support/identity_test_data.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "identity-svc/dev_idp/dev_idp.h"
#include "tests/support/process.h"
#include "tests/support/stack_env.h"

namespace wse::testing {
namespace {

std::mt19937_64& Rng() {
  static std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(Rng()); }

}  // namespace

std::string RandomInsz() {
  const std::string base = absl::StrFormat("%02d%02d%02d%03d", Uniform(50, 99), Uniform(1, 12),
                                           Uniform(1, 28), Uniform(1, 997));
  const int64_t n = std::stoll(base);
  return absl::StrFormat("%s%02d", base, 97 - n % 97);
}

std::string RandomKboNumber() {
  const std::string base = absl::StrFormat("0%07d", Uniform(2000000, 9999999));
  return absl::StrFormat("%s%02d", base, 97 - std::stoll(base) % 97);
}

std::string RandomInstitutionNumber() { return absl::StrFormat("%06d", Uniform(100000, 999999)); }

std::string OperatorToken() {
  return std::string(
      absl::StripAsciiWhitespace(ReadFile(StackEnv::Get().run_dir + "/secrets/operator.token")));
}

std::string ServiceTokenFlag(const std::string& service) {
  return "--service_token_file=" + StackEnv::Get().run_dir + "/secrets/" + service +
         ".service-token";
}

std::string DevIdToken(const std::string& insz, const std::string& given_name,
                       const std::string& family_name, const std::string& audience, absl::Time now,
                       const std::string& nonce, const std::string& acr) {
  auto key = identity::LoadOrCreateDevIdpKey(StackEnv::Get().run_dir + "/dev-idp");
  EXPECT_TRUE(key.ok()) << key.status();
  identity::DevLogin login;
  login.insz = insz;
  login.given_name = given_name;
  login.family_name = family_name;
  login.audience = audience;
  login.nonce = nonce;
  login.acr = acr;
  auto token = identity::MintDevIdToken(*key, login, now);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.value_or("");
}

void Bearer(grpc::ClientContext* context, const std::string& token) {
  context->AddMetadata("authorization", "Bearer " + token);
}

std::string ImportOrganization(wse::identity::v1::IdentityService::Stub& stub,
                               const std::string& kbo_number, const std::string& display_name,
                               const std::vector<std::string>& legal_representatives) {
  grpc::ClientContext context;
  Bearer(&context, OperatorToken());
  wse::identity::v1::BatchImportOrganizationsRequest request;
  auto* org = request.add_organizations();
  org->mutable_identifier()->set_kbo_number(kbo_number);
  org->set_display_name(display_name);
  org->set_kind(wse::identity::v1::ORGANIZATION_KIND_ENTERPRISE);
  for (const auto& insz : legal_representatives) org->add_legal_representatives()->set_insz(insz);
  wse::identity::v1::BatchImportOrganizationsResponse response;
  grpc::Status status = stub.BatchImportOrganizations(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.results_size(), 1);
  return response.results_size() == 1 ? response.results(0).resource() : "";
}

std::string ImportPerson(wse::identity::v1::IdentityService::Stub& stub, const std::string& insz,
                         const std::string& given_name, const std::string& family_name,
                         const std::string& email) {
  grpc::ClientContext context;
  Bearer(&context, OperatorToken());
  wse::identity::v1::BatchImportPersonsRequest request;
  auto* person = request.add_persons();
  person->set_insz(insz);
  person->set_given_name(given_name);
  person->set_family_name(family_name);
  person->set_email_address(email);
  wse::identity::v1::BatchImportPersonsResponse response;
  grpc::Status status = stub.BatchImportPersons(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.results_size(), 1);
  return response.results_size() == 1 ? response.results(0).resource() : "";
}

}  // namespace wse::testing
