#pragma once
// Logins and imports against the test stack's identity-svc, so tests never
// collide with each other or with seeded data.

#include <string>

#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "wse/identity/v1/identity_service.grpc.pb.h"

namespace wse::testing {

// The operator token of the test stack.
std::string OperatorToken();
// "--service_token_file=..." of the test stack's `service` ("notify", "rights", ...), for a
// service process a test starts itself.
std::string ServiceTokenFlag(const std::string& service);

// A dev-IdP ID token for `insz` (as the external provider would issue after a login).
std::string DevIdToken(const std::string& insz, const std::string& given_name,
                       const std::string& family_name, const std::string& audience = "wse-loket",
                       absl::Time now = absl::Now(), const std::string& nonce = "",
                       const std::string& acr = "urn:wse:dev:loa:high");

void Bearer(grpc::ClientContext* context, const std::string& token);

// Imports one organisation (legal representatives by INSZ); returns its resource name.
std::string ImportOrganization(wse::identity::v1::IdentityService::Stub& stub,
                               const std::string& kbo_number, const std::string& display_name,
                               const std::vector<std::string>& legal_representatives);
// Imports one person; returns its resource name.
std::string ImportPerson(wse::identity::v1::IdentityService::Stub& stub, const std::string& insz,
                         const std::string& given_name, const std::string& family_name,
                         const std::string& email = "");

}  // namespace wse::testing
