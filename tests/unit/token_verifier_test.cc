#include "common/token_verifier.h"

#include <cstdio>
#include <string>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "openssl/err.h"
#include "tests/unit/jwt_test_keys.h"

namespace wse {
namespace {

using testing::JwksOf;
using testing::MakeEcKey;
using testing::MakeRsaKey;
using testing::SignToken;
using testing::TestKey;

constexpr char kIssuer[] = "https://wse-loket.vlaanderen.be/identity";
constexpr char kAudience[] = "wse-loket";

class TokenVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ec_ = new TestKey(MakeEcKey("ec-1"));
    rsa_ = new TestKey(MakeRsaKey("rsa-1"));
    stranger_ = new TestKey(MakeEcKey("ec-1"));  // Same kid, different key.
  }
  static void TearDownTestSuite() {
    delete ec_;
    delete rsa_;
    delete stranger_;
  }

  std::shared_ptr<KeySource> Keys() const {
    return std::make_shared<StaticKeySource>(ParseJwks(JwksOf({*ec_, *rsa_})).value());
  }
  JwtVerifierOptions Options() const {
    return {kIssuer, kAudience, absl::Seconds(30), absl::Hours(1)};
  }

  static nlohmann::json Claims(int64_t ttl_seconds = 600) {
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    return {{"iss", kIssuer},
            {"aud", kAudience},
            {"sub", "person-42"},
            {"sid", "session-7"},
            {"org", "organizations/0403019261"},
            {"acr", "eid"},
            {"jti", "t-1"},
            {"iat", now},
            {"exp", now + ttl_seconds}};
  }

  std::string ReasonFor(const std::string& token) const {
    JwtVerifier verifier(Options(), Keys());
    auto result = verifier.Verify(token);
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
    return ReasonOf(result.status());
  }

  static TestKey* ec_;
  static TestKey* rsa_;
  static TestKey* stranger_;
};
TestKey* TokenVerifierTest::ec_ = nullptr;
TestKey* TokenVerifierTest::rsa_ = nullptr;
TestKey* TokenVerifierTest::stranger_ = nullptr;

TEST_F(TokenVerifierTest, AcceptsEs256AndRs256) {
  JwtVerifier verifier(Options(), Keys());
  auto es = verifier.Verify(SignToken(*ec_, "ES256", Claims()));
  ASSERT_TRUE(es.ok()) << es.status();
  EXPECT_EQ(es->claims["sub"], "person-42");
  EXPECT_EQ(es->kid, "ec-1");
  auto rs = verifier.Verify(SignToken(*rsa_, "RS256", Claims()));
  ASSERT_TRUE(rs.ok()) << rs.status();
}

TEST_F(TokenVerifierTest, RefusesTamperedPayload) {
  std::string token = SignToken(*ec_, "ES256", Claims());
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  nlohmann::json forged = Claims();
  forged["sub"] = "person-1";
  token =
      token.substr(0, first_dot + 1) + Base64UrlEncode(forged.dump()) + token.substr(second_dot);
  EXPECT_EQ(ReasonFor(token), "TOKEN_SIGNATURE_INVALID");
}

// The signature itself: one bit changed, cut short, or an ECDSA signature of the wrong length.
TEST_F(TokenVerifierTest, RefusesATamperedSignature) {
  for (const char* alg : {"ES256", "RS256"}) {
    const TestKey& key = std::string(alg) == "ES256" ? *ec_ : *rsa_;
    const std::string token = SignToken(key, alg, Claims());
    const size_t dot = token.rfind('.');
    std::string signature = Base64UrlDecode(token.substr(dot + 1)).value();
    std::string flipped = signature;
    flipped[flipped.size() / 2] ^= 0x01;
    EXPECT_EQ(ReasonFor(token.substr(0, dot + 1) + Base64UrlEncode(flipped)),
              "TOKEN_SIGNATURE_INVALID")
        << alg;
    EXPECT_EQ(ReasonFor(token.substr(0, dot + 1) +
                        Base64UrlEncode(signature.substr(0, signature.size() - 1))),
              "TOKEN_SIGNATURE_INVALID")
        << alg;
    EXPECT_EQ(ReasonFor(token.substr(0, dot + 1) + Base64UrlEncode(signature + signature)),
              "TOKEN_SIGNATURE_INVALID")
        << alg;
    // Nothing left on this thread's OpenSSL error queue for a later call to trip over.
    EXPECT_EQ(ERR_peek_error(), 0u) << alg;
  }
}

// Uncached verifications use the key parsed once, with the JWKS; printed, not asserted (shared
// machines, sanitizer builds).
TEST_F(TokenVerifierTest, PrintsTheCostOfAnUncachedVerification) {
  JwtVerifier verifier(Options(), Keys());
  const std::string es = SignToken(*ec_, "ES256", Claims());
  const std::string rs = SignToken(*rsa_, "RS256", Claims());
  constexpr int kRounds = 2000;
  for (const auto& [name, token] :
       {std::pair<const char*, std::string>{"ES256", es}, {"RS256", rs}}) {
    const absl::Time start = absl::Now();
    for (int i = 0; i < kRounds; ++i) ASSERT_TRUE(verifier.Verify(token).ok());
    std::printf("[ timing   ] uncached %s verification: %.1f us\n", name,
                absl::ToDoubleMicroseconds(absl::Now() - start) / kRounds);
  }
}

TEST_F(TokenVerifierTest, RefusesAKeyThatOnlySharesTheKid) {
  EXPECT_EQ(ReasonFor(SignToken(*stranger_, "ES256", Claims())), "TOKEN_SIGNATURE_INVALID");
}

TEST_F(TokenVerifierTest, RefusesAlgNone) {
  EXPECT_EQ(ReasonFor(SignToken(*ec_, "none", Claims())), "TOKEN_MALFORMED");
}

TEST_F(TokenVerifierTest, RefusesHs256SignedWithThePublicKey) {
  EXPECT_EQ(ReasonFor(SignToken(*rsa_, "HS256", Claims())), "TOKEN_ALGORITHM_REFUSED");
}

TEST_F(TokenVerifierTest, RefusesAlgorithmOtherThanTheKeys) {
  // An RS256 header naming the EC key's kid.
  TestKey confused = *rsa_;
  confused.kid = "ec-1";
  EXPECT_EQ(ReasonFor(SignToken(confused, "RS256", Claims())), "TOKEN_ALGORITHM_REFUSED");
}

TEST_F(TokenVerifierTest, RefusesUnknownKid) {
  TestKey other = MakeEcKey("ec-unknown");
  EXPECT_EQ(ReasonFor(SignToken(other, "ES256", Claims())), "TOKEN_KEY_UNKNOWN");
}

TEST_F(TokenVerifierTest, RefusesExpired) {
  EXPECT_EQ(ReasonFor(SignToken(*ec_, "ES256", Claims(-120))), "TOKEN_EXPIRED");
}

// Issue 15, point 4: the maximum lifetime holds also for a token without iat (on main a token
// without iat was accepted whatever its expiry).
TEST_F(TokenVerifierTest, RefusesALongLivedTokenAlsoWithoutIat) {
  nlohmann::json long_lived = Claims(/*ttl_seconds=*/10 * 365 * 24 * 3600);
  EXPECT_EQ(ReasonFor(SignToken(*ec_, "ES256", long_lived)), "TOKEN_MALFORMED");
  long_lived.erase("iat");
  EXPECT_EQ(ReasonFor(SignToken(*ec_, "ES256", long_lived)), "TOKEN_MALFORMED");
  nlohmann::json short_lived = Claims(600);
  short_lived.erase("iat");
  JwtVerifier verifier(Options(), Keys());
  EXPECT_TRUE(verifier.Verify(SignToken(*ec_, "ES256", short_lived)).ok());
}

TEST_F(TokenVerifierTest, AcceptsWithinClockSkew) {
  JwtVerifier verifier(Options(), Keys());
  EXPECT_TRUE(verifier.Verify(SignToken(*ec_, "ES256", Claims(-10))).ok());
}

TEST_F(TokenVerifierTest, RefusesWrongIssuerAndAudience) {
  nlohmann::json claims = Claims();
  claims["iss"] = "https://evil.example";
  EXPECT_EQ(ReasonFor(SignToken(*ec_, "ES256", claims)), "TOKEN_ISSUER_MISMATCH");
  claims = Claims();
  claims["aud"] = "another-app";
  EXPECT_EQ(ReasonFor(SignToken(*ec_, "ES256", claims)), "TOKEN_AUDIENCE_MISMATCH");
}

TEST_F(TokenVerifierTest, RefusesGarbage) {
  EXPECT_EQ(ReasonFor("not-a-token"), "TOKEN_MALFORMED");
  EXPECT_EQ(ReasonFor("a.b.c"), "TOKEN_MALFORMED");
  EXPECT_EQ(ReasonFor(std::string(10000, 'x')), "TOKEN_MALFORMED");
}

TEST_F(TokenVerifierTest, AccessTokenVerifierExtractsTheCallerAndCaches) {
  int clock_calls = 0;
  AccessTokenVerifier verifier(Options(), Keys(), [&clock_calls] {
    ++clock_calls;
    return absl::Now();
  });
  const std::string token = SignToken(*ec_, "ES256", Claims());
  auto caller = verifier.Verify(token);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->person_id, "person-42");
  EXPECT_EQ(caller->session_id, "session-7");
  EXPECT_EQ(caller->organization, "organizations/0403019261");
  EXPECT_EQ(caller->key_type, "eid");
  // The second verification is answered from the cache: only the cache lookup reads the clock.
  const int before = clock_calls;
  ASSERT_TRUE(verifier.Verify(token).ok());
  EXPECT_EQ(clock_calls - before, 1);
}

// A key source whose published keys a test changes.
class ChangingKeySource : public KeySource {
 public:
  explicit ChangingKeySource(KeySet keys) { Set(std::move(keys)); }
  absl::StatusOr<std::shared_ptr<const KeySet>> Keys() override {
    absl::MutexLock lock(&mu_);
    return keys_;
  }
  void Set(KeySet keys) {
    absl::MutexLock lock(&mu_);
    keys_ = std::make_shared<const KeySet>(std::move(keys));
  }

 private:
  absl::Mutex mu_;
  std::shared_ptr<const KeySet> keys_ ABSL_GUARDED_BY(mu_);
};

// Issue 15, point 4: on main a cached verification outlived the removal of its key from the JWKS
// until the token expired.
TEST_F(TokenVerifierTest, AKeyRemovedFromTheJwksEndsItsCachedVerifications) {
  auto keys = std::make_shared<ChangingKeySource>(ParseJwks(JwksOf({*ec_, *rsa_})).value());
  AccessTokenVerifier verifier(Options(), keys);
  const std::string by_ec = SignToken(*ec_, "ES256", Claims());
  const std::string by_rsa = SignToken(*rsa_, "RS256", Claims());
  ASSERT_TRUE(verifier.Verify(by_ec).ok());
  ASSERT_TRUE(verifier.Verify(by_rsa).ok());
  keys->Set(ParseJwks(JwksOf({*rsa_})).value());  // The EC key is withdrawn.
  auto refused = verifier.Verify(by_ec);
  ASSERT_FALSE(refused.ok()) << "a token of a withdrawn key was still accepted from the cache";
  EXPECT_EQ(ReasonOf(refused.status()), "TOKEN_KEY_UNKNOWN");
  EXPECT_TRUE(verifier.Verify(by_rsa).ok()) << "the other key's tokens stay valid";
}

TEST_F(TokenVerifierTest, AccessTokenVerifierRequiresAToken) {
  AccessTokenVerifier verifier(Options(), Keys());
  auto missing = verifier.Verify(std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(ReasonOf(missing.status()), "TOKEN_MISSING");
}

TEST(JwksTest, RefusesDocumentsWithoutUsableKeys) {
  EXPECT_FALSE(ParseJwks("not json").ok());
  EXPECT_FALSE(ParseJwks("{\"keys\": []}").ok());
  EXPECT_FALSE(
      ParseJwks("{\"keys\": [{\"kid\": \"a\", \"kty\": \"oct\", \"k\": \"c2VjcmV0\"}]}").ok());
  EXPECT_FALSE(ParseJwks("{\"keys\": [{\"kid\": \"a\", \"kty\": \"EC\", \"x\": 5}]}").ok());
}

}  // namespace
}  // namespace wse
