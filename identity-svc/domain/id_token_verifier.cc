#include "identity-svc/domain/id_token_verifier.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "identity-svc/domain/email_address.h"
#include "openssl/sha.h"

namespace wse::identity {
namespace {

int Rank(absl::string_view level) {
  if (level == "LOW") return 1;
  if (level == "SUBSTANTIAL") return 2;
  if (level == "HIGH") return 3;
  return 0;
}

std::string Text(const nlohmann::json& claims, const std::string& name) {
  return claims.contains(name) && claims[name].is_string() ? claims[name].get<std::string>()
                                                           : std::string();
}

std::string Sha256Hex(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), SHA256_DIGEST_LENGTH));
}

}  // namespace

absl::Status LoginRefused(std::string reason, std::string message) {
  return ErrorBuilder(absl::StatusCode::kUnauthenticated, std::move(message))
      .Reason(std::move(reason))
      .Dutch("Aanmelden is niet gelukt. Meld u opnieuw aan met uw digitale sleutel.");
}

std::string KeyTypeFromAmr(absl::string_view amr) {
  const std::string value = absl::AsciiStrToLower(amr);
  if (value == "eid" || value == "hwk") return "EID";
  if (value == "itsme") return "ITSME";
  if (value == "app" || value == "otp_app" || value == "totp") return "APP_CODE";
  if (value == "sms" || value == "otp_sms") return "SMS_CODE";
  if (value == "token") return "TOKEN";
  if (value == "eidas") return "EIDAS";
  return "OTHER";
}

std::string AssuranceFromAcr(absl::string_view acr) {
  const std::string value = absl::AsciiStrToLower(acr);
  if (absl::EndsWith(value, "substantial")) return "SUBSTANTIAL";
  if (absl::EndsWith(value, "high")) return "HIGH";
  if (absl::EndsWith(value, "low")) return "LOW";
  return "";
}

IdTokenVerifier::IdTokenVerifier(IdpOptions options, std::shared_ptr<KeySource> provider_keys)
    : options_(std::move(options)), verifier_(options_.jwt, std::move(provider_keys)) {}

absl::StatusOr<LoginIdentity> IdTokenVerifier::Verify(absl::string_view id_token) const {
  ASSIGN_OR_RETURN(auto jwt, verifier_.Verify(id_token));
  const nlohmann::json& claims = jwt.claims;
  auto insz = ParseInsz(Text(claims, options_.insz_claim), options_.insz_claim);
  if (!insz.ok()) {
    return LoginRefused("TOKEN_SUBJECT_INVALID", "the ID token carries no valid INSZ");
  }
  LoginIdentity identity;
  identity.nonce = Text(claims, "nonce");
  identity.replay_hash = Sha256Hex(id_token.substr(0, id_token.rfind('.')));
  identity.usable_until = jwt.expires + options_.jwt.clock_skew;
  identity.insz = *std::move(insz);
  identity.given_name = Text(claims, "given_name");
  identity.family_name = Text(claims, "family_name");
  identity.acr = Text(claims, "acr");
  identity.assurance_level = AssuranceFromAcr(identity.acr);
  std::string amr;
  if (claims.contains("amr") && claims["amr"].is_array() && !claims["amr"].empty() &&
      claims["amr"][0].is_string()) {
    amr = claims["amr"][0].get<std::string>();
  } else {
    amr = Text(claims, "amr");
  }
  identity.key_type = KeyTypeFromAmr(amr);
  // OpenID Connect's `email`, only when the provider says it verified it (`email_verified`
  // true): such an address outranks the organisation's imported one (email_address.h). An
  // address notify-svc could not mail is ignored rather than refusing the login.
  const bool verified = claims.contains("email_verified") &&
                        claims["email_verified"].is_boolean() &&
                        claims["email_verified"].get<bool>();
  const std::string email(absl::StripAsciiWhitespace(Text(claims, "email")));
  if (verified && IsPlausibleEmail(email)) identity.email_address = email;
  if (Rank(identity.assurance_level) < Rank(options_.minimum_assurance)) {
    return LoginRefused("ASSURANCE_TOO_LOW",
                        "this digital key does not reach the required assurance level");
  }
  return identity;
}

}  // namespace wse::identity
