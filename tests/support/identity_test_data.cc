#include "tests/support/identity_test_data.h"

#include "gtest/gtest.h"
#include "identity-svc/dev_idp/dev_idp.h"
#include "tests/support/stack_env.h"

namespace wse::testing {

std::string OperatorToken() { return StackEnv::Get().operator_token; }

std::string ServiceTokenFlag(const std::string& service) {
  return "--service_token_file=" + StackEnv::Get().run_dir + "/secrets/" + service +
         ".service-token";
}

std::string DevIdToken(const std::string& insz, const std::string& given_name,
                       const std::string& family_name, const std::string& audience, absl::Time now,
                       const std::string& nonce, const std::string& acr) {
  auto key = identity::LoadOrCreateDevIdpKey(StackEnv::Get().dev_idp_dir);
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
