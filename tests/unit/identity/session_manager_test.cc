// SessionManager with in-memory repositories, the real key ring and the real ID-token verifier
// (fed by the development identity provider's key).
#include "identity-svc/domain/session_manager.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "identity-svc/dev_idp/dev_idp.h"
#include "tests/support/identity_fakes.h"
#include "tests/support/process.h"
#include "tests/unit/identity/identity_test_options.h"

namespace wse::identity {
namespace {

constexpr char kAnInsz[] = "85073003328";
constexpr char kJanInsz[] = "01020300467";

using testing::DevIdpOptions;
using testing::Policy;

class SessionManagerTest : public ::testing::Test {
 protected:
  SessionManagerTest()
      : idp_key_(LoadOrCreateDevIdpKey(wse::testing::MakeTempDir("wse-idp-")).value()),
        ring_(keys_, SealedBox::Create(std::string(32, 's')).value(), {}, [this] { return now_; }),
        id_tokens_(DevIdpOptions(), std::make_shared<JwksFileKeySource>(idp_key_.jwks_path)),
        legal_(directory_),
        manager_(directory_, sessions_, ring_, id_tokens_, {&legal_}, Policy(),
                 [this] { return now_; }) {}

  void SetUp() override {
    ASSERT_TRUE(ring_.Refresh().ok());
    PersonRecord an;
    an.id = "an-id";
    an.insz = kAnInsz;
    an.given_name = "An";
    an.family_name = "Peeters";
    PersonRecord stored;
    ASSERT_TRUE(directory_.UpsertPerson(an, {}, &stored).ok());
    school_.id = "school-id";
    school_.institution_number = "123456";
    school_.display_name = "Atheneum Demo";
    school_.kind = "SCHOOL";
    school_.legal_representative_insz = {kAnInsz};
    OrganizationRecord ignored;
    ASSERT_TRUE(directory_.UpsertOrganization(school_, {}, &ignored).ok());
  }

  std::string IdToken(const std::string& insz, const std::string& nonce = "",
                      const std::string& email = "") {
    DevLogin login;
    login.insz = insz;
    login.given_name = "Given";
    login.family_name = "Family";
    login.nonce = nonce;
    login.email = email;
    return MintDevIdToken(idp_key_, login, absl::Now()).value();
  }

  IssuedSession Login(const std::string& insz) {
    auto issued = manager_.Login(IdToken(insz), "", "", call_);
    EXPECT_TRUE(issued.ok()) << issued.status();
    return *std::move(issued);
  }

  int Audited(const std::string& action) {
    int count = 0;
    for (const AuditEntry& entry : sessions_.audit) count += entry.action == action;
    return count;
  }

  Caller CallerOf(const IssuedSession& issued) {
    Caller caller;
    caller.person_id = issued.person.id;
    caller.session_id = issued.session.id;
    return caller;
  }

  absl::Time now_ = absl::Now();
  DevIdpKey idp_key_;
  testing::FakeDirectoryRepository directory_;
  testing::FakeSessionRepository sessions_;
  testing::FakeSigningKeyRepository keys_;
  KeyRing ring_;
  IdTokenVerifier id_tokens_;
  LegalRepresentationSource legal_;
  SessionManager manager_;
  OrganizationRecord school_;
  RequestContext call_;
};

TEST_F(SessionManagerTest, KnownPersonLogsInPersonally) {
  IssuedSession issued = Login(kAnInsz);
  EXPECT_EQ(issued.person.id, "an-id");
  EXPECT_EQ(issued.session.key_type, "EID");
  EXPECT_FALSE(issued.session.current_organization_id.has_value());
  EXPECT_FALSE(issued.refresh_token.empty());
  EXPECT_NE(issued.session.refresh_token_hash, issued.refresh_token);  // Only the hash is kept.
  EXPECT_EQ(sessions_.audit.back().action, "LOGIN");
}

TEST_F(SessionManagerTest, UnknownPersonIsRecordedAtFirstLogin) {
  IssuedSession issued = Login(kJanInsz);
  auto person = directory_.FindPersonByInsz(kJanInsz);
  ASSERT_TRUE(person.ok());
  EXPECT_EQ(person->source, "LOGIN");
  EXPECT_EQ(issued.person.id, person->id);
}

// Issue 19: the identity provider's `email` claim is where mails go when nobody gave another.
TEST_F(SessionManagerTest, TheProvidersAddressIsTakenAtLogin) {
  // A person first seen at login keeps the claim...
  auto jan = manager_.Login(IdToken(kJanInsz, "", "jan@idp.example"), "", "", call_);
  ASSERT_TRUE(jan.ok()) << jan.status();
  EXPECT_EQ(jan->person.email_address, "jan@idp.example");
  EXPECT_EQ(jan->person.email_source, "IDP");
  // ...a known person without address gets it, recorded in the audit trail...
  auto an = manager_.Login(IdToken(kAnInsz, "", "an@idp.example"), "", "", call_);
  ASSERT_TRUE(an.ok()) << an.status();
  EXPECT_EQ(an->person.email_address, "an@idp.example");
  EXPECT_EQ(directory_.FindPersonById("an-id")->email_address, "an@idp.example");
  EXPECT_EQ(directory_.audit.back().action, "EMAIL_ADDRESS_FROM_ID_TOKEN");
  // ...a login without the claim leaves it, and an address An confirmed herself outranks the
  // provider's from then on.
  const size_t audited = directory_.audit.size();
  ASSERT_TRUE(manager_.Login(IdToken(kAnInsz), "", "", call_).ok());
  EXPECT_EQ(directory_.FindPersonById("an-id")->email_address, "an@idp.example");
  PersonRecord confirmed = *directory_.FindPersonById("an-id");
  confirmed.email_address = "an@thuis.example";
  confirmed.email_source = "VERIFIED";
  ASSERT_TRUE(directory_.UpsertPerson(confirmed, {}, nullptr).ok());
  auto later = manager_.Login(IdToken(kAnInsz, "", "an@idp.example"), "", "", call_);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->person.email_address, "an@thuis.example");
  EXPECT_EQ(directory_.audit.size(), audited + 1) << "only the confirmation changed the row";
}

TEST_F(SessionManagerTest, ContextsListPersonalFirstThenOrganisations) {
  IssuedSession issued = Login(kAnInsz);
  auto contexts = manager_.ActingContexts(CallerOf(issued), call_);
  ASSERT_TRUE(contexts.ok()) << contexts.status();
  ASSERT_EQ(contexts->size(), 2u);
  EXPECT_FALSE((*contexts)[0].organization.has_value());
  EXPECT_EQ((*contexts)[1].organization->display_name, "Atheneum Demo");
  EXPECT_EQ((*contexts)[1].bases, std::vector<ActingBasis>{ActingBasis::kLegalRepresentative});
}

TEST_F(SessionManagerTest, SelectChecksMembershipLive) {
  IssuedSession an = Login(kAnInsz);
  auto selected = manager_.Select(CallerOf(an), std::string("school-id"), call_);
  ASSERT_TRUE(selected.ok()) << selected.status();
  EXPECT_EQ(selected->session.current_organization_id, "school-id");

  IssuedSession jan = Login(kJanInsz);
  auto refused = manager_.Select(CallerOf(jan), std::string("school-id"), call_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(refused.status()), "NOT_A_MEMBER");
  EXPECT_EQ(selected->organization->display_name, "Atheneum Demo");  // Read for the check.
}

// An organisation id nobody knows is refused like one the person is no member of (whether it
// exists is not for the caller to learn), and the session keeps its context.
TEST_F(SessionManagerTest, AnUnknownOrganisationIsRefusedLikeAnyOtherAndSwitchesNothing) {
  IssuedSession an = Login(kAnInsz);
  ASSERT_TRUE(manager_.Select(CallerOf(an), std::string("school-id"), call_).ok());
  const int audited = Audited("SELECT_ORGANIZATION");
  auto refused = manager_.Select(CallerOf(an), std::string("no-such-organisation"), call_);
  EXPECT_EQ(ReasonOf(refused.status()), "NOT_A_MEMBER");
  EXPECT_EQ(sessions_.Find(an.session.id)->current_organization_id, "school-id");
  EXPECT_EQ(Audited("SELECT_ORGANIZATION"), audited);
}

TEST_F(SessionManagerTest, RefreshDropsAnOrganisationThePersonLost) {
  IssuedSession an = Login(kAnInsz);
  ASSERT_TRUE(manager_.Select(CallerOf(an), std::string("school-id"), call_).ok());
  school_.legal_representative_insz.clear();  // The KBO no longer lists An.
  OrganizationRecord ignored;
  ASSERT_TRUE(directory_.UpsertOrganization(school_, {}, &ignored).ok());
  auto refreshed = manager_.Refresh(an.refresh_token, call_);
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_FALSE(refreshed->session.current_organization_id.has_value());
}

TEST_F(SessionManagerTest, ReplayedRefreshTokenEndsTheSession) {
  IssuedSession an = Login(kAnInsz);
  auto first = manager_.Refresh(an.refresh_token, call_);
  ASSERT_TRUE(first.ok());
  auto replay = manager_.Refresh(an.refresh_token, call_);
  EXPECT_EQ(ReasonOf(replay.status()), "REFRESH_TOKEN_REUSED");
  EXPECT_EQ(manager_.Refresh(first->refresh_token, call_).status().code(),
            absl::StatusCode::kUnauthenticated);
}

// The replay is answered "session ended" only once the session is revoked: when the revocation
// fails the caller gets that error, and the retry revokes it.
TEST_F(SessionManagerTest, AReplayWhoseRevocationFailsIsNotAnsweredAsEnded) {
  IssuedSession an = Login(kAnInsz);
  auto first = manager_.Refresh(an.refresh_token, call_);
  ASSERT_TRUE(first.ok());
  sessions_.fail_next_revoke = absl::UnavailableError("database gone");
  EXPECT_EQ(manager_.Refresh(an.refresh_token, call_).status().code(),
            absl::StatusCode::kUnavailable);
  auto session = sessions_.Find(an.session.id);
  ASSERT_TRUE(session.ok());
  EXPECT_FALSE(session->revoke_time.has_value());
  auto retried = manager_.Refresh(an.refresh_token, call_);
  EXPECT_EQ(ReasonOf(retried.status()), "REFRESH_TOKEN_REUSED");
  EXPECT_EQ(manager_.Refresh(first->refresh_token, call_).status().code(),
            absl::StatusCode::kUnauthenticated);
}

// Issue 15, point 4: rotation compares and sets on the hash of the token presented. The second
// refresh runs entirely between the first one's lookup of the token and its reading of the
// session; on main the first then rotated the token the second had just issued, so one refresh
// token gave two live ones.
TEST_F(SessionManagerTest, TwoRacingRefreshesWithOneTokenCannotBothSucceed) {
  IssuedSession an = Login(kAnInsz);
  absl::StatusOr<IssuedSession> inner = absl::UnknownError("not run");
  sessions_.before_find = [&] { inner = manager_.Refresh(an.refresh_token, call_); };
  auto outer = manager_.Refresh(an.refresh_token, call_);
  ASSERT_TRUE(inner.ok()) << inner.status();
  EXPECT_FALSE(outer.ok()) << "one refresh token was rotated twice";
  EXPECT_EQ(ReasonOf(outer.status()), "REFRESH_TOKEN_REUSED");
  EXPECT_TRUE(manager_.Refresh(inner->refresh_token, call_).ok()) << "the winner's token works";
}

TEST_F(SessionManagerTest, ExpiredSessionCannotSelectOrRefresh) {
  IssuedSession an = Login(kAnInsz);
  now_ += absl::Hours(13);
  EXPECT_EQ(ReasonOf(manager_.Select(CallerOf(an), std::nullopt, call_).status()), "SESSION_ENDED");
  EXPECT_EQ(manager_.Refresh(an.refresh_token, call_).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(SessionManagerTest, LogoutOnlyEndsYourOwnSession) {
  IssuedSession an = Login(kAnInsz);
  IssuedSession jan = Login(kJanInsz);
  EXPECT_EQ(manager_.Logout(CallerOf(jan), an.session.id).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(manager_.Logout(CallerOf(an), an.session.id).ok());
  EXPECT_FALSE(manager_.Refresh(an.refresh_token, call_).ok());
  EXPECT_TRUE(manager_.Refresh(jan.refresh_token, call_).ok());
}

// Issue 15, point 4: an ID token is accepted once. On main the same token opened as many
// sessions as it was presented.
TEST_F(SessionManagerTest, AnIdTokenOpensOneSession) {
  const std::string token = IdToken(kAnInsz);
  ASSERT_TRUE(manager_.Login(token, "", "", call_).ok());
  auto replay = manager_.Login(token, "", "", call_);
  EXPECT_EQ(replay.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(replay.status()), "ID_TOKEN_REPLAYED");
  EXPECT_EQ(Audited("LOGIN"), 1);
  EXPECT_EQ(Audited("ID_TOKEN_REPLAY_REFUSED"), 1);
  EXPECT_TRUE(manager_.Login(IdToken(kAnInsz), "", "", call_).ok()) << "a new token logs in";
}

// Issue 15, point 4: a nonce is bound to the login that issued it. On main the nonce was only
// compared with what the caller chose to send: nothing, for a copied token.
TEST_F(SessionManagerTest, ATokenWithANonceLogsInOnlyWithItsLoginOnce) {
  auto started = manager_.StartLogin();
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_NE(started->login_id, started->nonce);

  auto without_login = manager_.Login(IdToken(kAnInsz, started->nonce), "", "", call_);
  EXPECT_EQ(ReasonOf(without_login.status()), "LOGIN_ID_REQUIRED");
  auto with_nonce_only =
      manager_.Login(IdToken(kAnInsz, started->nonce), started->nonce, "", call_);
  EXPECT_EQ(ReasonOf(with_nonce_only.status()), "LOGIN_ID_REQUIRED");
  auto other_login = manager_.StartLogin();
  ASSERT_TRUE(other_login.ok());
  auto crossed = manager_.Login(IdToken(kAnInsz, started->nonce), "", other_login->login_id, call_);
  EXPECT_EQ(ReasonOf(crossed.status()), "TOKEN_NONCE_MISMATCH");

  auto logged_in = manager_.Login(IdToken(kAnInsz, started->nonce), "", started->login_id, call_);
  ASSERT_TRUE(logged_in.ok()) << logged_in.status();
  auto again = manager_.Login(IdToken(kAnInsz, started->nonce), "", started->login_id, call_);
  EXPECT_EQ(ReasonOf(again.status()), "LOGIN_UNKNOWN") << "a login completes once";
}

TEST_F(SessionManagerTest, ALoginExpires) {
  auto started = manager_.StartLogin();
  ASSERT_TRUE(started.ok());
  now_ += absl::Minutes(11);
  auto late = manager_.Login(IdToken(kAnInsz, started->nonce), "", started->login_id, call_);
  EXPECT_EQ(ReasonOf(late.status()), "LOGIN_UNKNOWN");
}

TEST_F(SessionManagerTest, WhenConfiguredEveryTokenNeedsALoginStartedHere) {
  SessionPolicy policy = Policy();
  policy.require_login_nonce = true;
  SessionManager strict(directory_, sessions_, ring_, id_tokens_, {&legal_}, policy,
                        [this] { return now_; });
  EXPECT_EQ(ReasonOf(strict.Login(IdToken(kAnInsz), "", "", call_).status()),
            "TOKEN_NONCE_MISSING");
  auto started = strict.StartLogin();
  ASSERT_TRUE(started.ok());
  EXPECT_TRUE(strict.Login(IdToken(kAnInsz, started->nonce), "", started->login_id, call_).ok());
}

// Issue 15, point 4: an ended session (logout, or a replayed refresh token) mints nothing more:
// no select, no list, no refresh; the bound for access tokens already out is their lifetime.
TEST_F(SessionManagerTest, AnEndedSessionSelectsListsAndRefreshesNothing) {
  IssuedSession logged_out = Login(kAnInsz);
  ASSERT_TRUE(manager_.Logout(CallerOf(logged_out), logged_out.session.id).ok());
  IssuedSession replayed = Login(kAnInsz);
  ASSERT_TRUE(manager_.Refresh(replayed.refresh_token, call_).ok());
  ASSERT_FALSE(manager_.Refresh(replayed.refresh_token, call_).ok());  // Ends the session.

  for (const IssuedSession& ended : {logged_out, replayed}) {
    EXPECT_EQ(ReasonOf(manager_.Select(CallerOf(ended), school_.id, call_).status()),
              "SESSION_ENDED");
    EXPECT_EQ(ReasonOf(manager_.Select(CallerOf(ended), std::nullopt, call_).status()),
              "SESSION_ENDED");
    EXPECT_EQ(ReasonOf(manager_.ActingContexts(CallerOf(ended), call_).status()), "SESSION_ENDED");
    EXPECT_EQ(ReasonOf(manager_.Current(CallerOf(ended)).status()), "SESSION_ENDED");
  }
  EXPECT_LE(Policy().access_token_ttl, absl::Minutes(5)) << "the documented bound";
}

// Selects that queue while a transaction runs share the next one (the select writer), and each
// caller gets its own answer: an ended session its refusal, an item that breaks the batch its
// error after the others were written again one by one, everyone else a token for their choice.
TEST_F(SessionManagerTest, SelectsShareATransactionAndOneBadSelectAnswersTheOthersNormally) {
  std::vector<IssuedSession> sessions;
  for (int i = 0; i < 8; ++i) sessions.push_back(Login(kAnInsz));
  const std::string logged_out = sessions[3].session.id;
  const std::string poison = sessions[5].session.id;  // Its write fails whatever it is with.
  ASSERT_TRUE(manager_.Logout(CallerOf(sessions[3]), logged_out).ok());

  absl::Notification first_running, release_first;
  std::atomic<int> writes{0};
  sessions_.before_switch = [&](const std::vector<const ContextSwitch*>& batch) -> absl::Status {
    if (writes++ == 0) {
      first_running.Notify();
      release_first.WaitForNotification();
    }
    for (const ContextSwitch* change : batch) {
      if (change->session_id == poison) return absl::InternalError("Duplicate entry");
    }
    return absl::OkStatus();
  };
  std::vector<absl::StatusOr<IssuedSession>> results(8, absl::UnknownError("unset"));
  std::vector<std::thread> callers;
  auto select = [&](int i) {
    const std::optional<std::string> where =
        i % 2 == 0 ? std::optional<std::string>(school_.id) : std::nullopt;
    results[i] = manager_.Select(CallerOf(sessions[i]), where, call_);
  };
  callers.emplace_back(select, 0);
  first_running.WaitForNotification();  // Caller 0's transaction runs; the others queue.
  for (int i = 1; i < 8; ++i) callers.emplace_back(select, i);
  absl::SleepFor(absl::Milliseconds(100));
  release_first.Notify();
  for (auto& t : callers) t.join();

  for (int i = 0; i < 8; ++i) {
    if (i == 3) {
      EXPECT_EQ(ReasonOf(results[i].status()), "SESSION_ENDED");
    } else if (i == 5) {
      EXPECT_EQ(results[i].status().code(), absl::StatusCode::kInternal);
    } else {
      ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].status();
      EXPECT_FALSE(results[i]->access.token.empty());
      EXPECT_EQ(results[i]->session.current_organization_id.has_value(), i % 2 == 0) << i;
      EXPECT_EQ(sessions_.Find(sessions[i].session.id)->current_organization_id,
                results[i]->session.current_organization_id);
    }
  }
  // Caller 0 alone, the seven together (failed as a whole), then each of the seven alone.
  EXPECT_EQ(writes.load(), 1 + 1 + 7);
  EXPECT_EQ(sessions_.switch_batches(), 1 + 6);  // The writes that got past the poison check.
  EXPECT_EQ(Audited("SELECT_ORGANIZATION") + Audited("SELECT_PERSONAL"), 6);
}

}  // namespace
}  // namespace wse::identity
