// Service identities and operator credentials (issue 15, point 5): who besides persons may call
// which method, and which secrets are strong enough to start with.
#include "common/service_identity.h"

#include <vector>

#include "common/config.h"
#include "common/operator_auth.h"
#include "common/status.h"
#include "gtest/gtest.h"

namespace wse {
namespace {

const std::string kNotifyToken(64, 'x');  // Not a strong token; Identify does not judge.
const std::string kRightsToken = "rights-0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kOperatorToken =
    "c0ffee00112233445566778899aabbccddeeff00112233445566778899aabbcc";

std::shared_ptr<const ServiceIdentities> Identities() {
  auto parsed = ServiceIdentities::Parse("# callers of this service\n\nnotify-svc " +
                                         ServiceTokenHash(kNotifyToken) + "\n  rights-svc   " +
                                         ServiceTokenHash(kRightsToken) + "  \n");
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return std::make_shared<const ServiceIdentities>(*std::move(parsed));
}

RequestContext Call(absl::string_view method, std::optional<std::string> bearer) {
  RequestContext call;
  call.method = method;
  call.bearer_token = std::move(bearer);
  return call;
}

TEST(ServiceIdentitiesTest, NamesTheServiceWhoseTokenItIs) {
  auto identities = Identities();
  EXPECT_EQ(identities->Identify(kNotifyToken), "notify-svc");
  EXPECT_EQ(identities->Identify(kRightsToken), "rights-svc");
  EXPECT_EQ(identities->Identify(kOperatorToken), std::nullopt);
  EXPECT_EQ(identities->Identify(""), std::nullopt);
  EXPECT_EQ(ServiceIdentities().Identify(kNotifyToken), std::nullopt);
}

TEST(ServiceIdentitiesTest, RefusesAFileItCannotTrust) {
  const std::string hash = ServiceTokenHash(kNotifyToken);
  for (const std::string& bad : std::vector<std::string>{
           "notify-svc",                                                        // No hash.
           "notify-svc " + hash + " extra",                                     // Three fields.
           "notify-svc " + hash.substr(1),                                      // 63 characters.
           "notify-svc " + std::string(64, 'g'),                                // Not hex.
           "notify-svc " + hash + "\nnotify-svc " + ServiceTokenHash("other"),  // Name twice.
           "notify-svc " + hash + "\nrights-svc " + hash,  // One token, two services.
       }) {
    EXPECT_EQ(ServiceIdentities::Parse(bad).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(OperatorAuthenticatorTest, AServiceMayCallOnlyWhatItsAllowListNames) {
  const OperatorAuthenticator callers(ServiceTokenHash(kOperatorToken), nullptr, Identities(),
                                      {{"notify-svc", {"GetPerson"}}});
  EXPECT_TRUE(callers.IsTrusted(Call("GetPerson", kNotifyToken)));
  EXPECT_EQ(callers.AllowedService(Call("GetPerson", kNotifyToken)), "notify-svc");
  EXPECT_FALSE(callers.IsOperator(Call("GetPerson", kNotifyToken))) << "a service is no operator";

  // Outside its list, or a service without a list here: PERMISSION_DENIED, named.
  for (const RequestContext& call :
       {Call("LookupPerson", kNotifyToken), Call("GetPerson", kRightsToken)}) {
    EXPECT_FALSE(callers.IsTrusted(call));
    const absl::Status refused = callers.RequireTrusted(call);
    EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(ReasonOf(refused), "SERVICE_NOT_ALLOWED");
    EXPECT_EQ(callers.RefuseOtherServices(call).code(), absl::StatusCode::kPermissionDenied);
  }
  // The operators keep every method; a person's or no token is not a service's business.
  EXPECT_TRUE(callers.IsTrusted(Call("LookupPerson", kOperatorToken)));
  EXPECT_TRUE(callers.RefuseOtherServices(Call("LookupPerson", std::string("eyJ.a.b"))).ok());
  EXPECT_EQ(callers.RequireTrusted(Call("LookupPerson", std::nullopt)).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(OperatorAuthenticatorTest, TrustedOrPersonAnswersBothQuestionsAtOnce) {
  const OperatorAuthenticator callers(ServiceTokenHash(kOperatorToken), nullptr, Identities(),
                                      {{"notify-svc", {"GetPerson"}}});
  EXPECT_EQ(callers.TrustedOrPerson(Call("GetPerson", kOperatorToken)).value_or(false), true);
  EXPECT_EQ(callers.TrustedOrPerson(Call("GetPerson", kNotifyToken)).value_or(false), true);
  // A person's token or none: not trusted, to be verified next.
  EXPECT_EQ(callers.TrustedOrPerson(Call("GetPerson", std::string("eyJ.a.b"))).value_or(true),
            false);
  EXPECT_EQ(callers.TrustedOrPerson(Call("GetPerson", std::nullopt)).value_or(true), false);
  // A service outside its list is refused as RefuseOtherServices refuses it.
  const auto refused = callers.TrustedOrPerson(Call("LookupPerson", kNotifyToken));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused.status()), "SERVICE_NOT_ALLOWED");
}

TEST(ServiceTokenHashTest, IsTheHexSha256OfTheToken) {
  // FIPS 180-2's example.
  EXPECT_EQ(ServiceTokenHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ServiceTokenHash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(OperatorAuthenticatorTest, WithoutIdentitiesNoServiceIsKnown) {
  const OperatorAuthenticator callers(ServiceTokenHash(kOperatorToken));
  EXPECT_FALSE(callers.IsTrusted(Call("GetPerson", kNotifyToken)));
  EXPECT_EQ(ReasonOf(callers.RequireTrusted(Call("GetPerson", kNotifyToken))), "OPERATOR_ONLY");
}

TEST(CredentialStrengthTest, CountsTheRandomnessACredentialCanCarry) {
  EXPECT_EQ(CredentialStrengthBits(kOperatorToken), 256);            // openssl rand -hex 32
  EXPECT_EQ(CredentialStrengthBits(kOperatorToken.substr(2)), 248);  // One byte short.
  EXPECT_GE(CredentialStrengthBits("q7Yb3-Xw_0kLm9PzR2tVn8cHs4JdF6gUa1eWiOyBx5E"),
            256);                                              // base64url
  EXPECT_EQ(CredentialStrengthBits(std::string(80, 'a')), 0);  // No variety at all.
  EXPECT_EQ(CredentialStrengthBits("changeme-changeme-changeme-changeme-changeme"), 0);
  EXPECT_EQ(CredentialStrengthBits("operator"), 0);
  EXPECT_EQ(CredentialStrengthBits("Password1!Password2!Password3!xx-and some more words"), 0);
  EXPECT_EQ(CredentialStrengthBits("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl"), 0);
}

}  // namespace
}  // namespace wse
