// registration-svc's kept CheckPermission answers (registration-svc/domain/kept_answers.h) and
// RightsPermissions asking rights-svc only when no kept answer holds.
#include "registration-svc/domain/kept_answers.h"

#include "gtest/gtest.h"
#include "registration-svc/domain/rights_permissions.h"
#include "rights-svc/client/fake_rights_client.h"

namespace wse::registration {
namespace {

constexpr char kSchool[] = "school";
constexpr char kWrite[] = "vov.registration.write";

class KeptAnswersTest : public ::testing::Test {
 protected:
  KeptAnswersTest() { revisions_.LeaseHeldUntil(now_ + absl::Seconds(3)); }

  rights::PermissionAnswer Answer(bool allowed, int64_t revision,
                                  std::optional<absl::Duration> reusable_for) {
    rights::PermissionAnswer answer;
    answer.allowed = allowed;
    answer.revision = revision;
    answer.reusable_for = reusable_for;
    return answer;
  }
  void Keep(const rights::PermissionAnswer& answer) {
    kept_.Keep("jan", kSchool, kWrite, answer, kept_.BeforeAsking());
  }
  std::optional<bool> Find() { return kept_.Find("jan", kSchool, kWrite); }

  absl::Time now_ = absl::FromUnixSeconds(1000);
  std::function<absl::Time()> clock_ = [this] { return now_; };
  OrganizationRevisions revisions_{clock_};
  KeptAnswers kept_{revisions_, clock_};
};

TEST_F(KeptAnswersTest, AnAnswerIsKeptForItsRevisionAndTime) {
  Keep(Answer(true, 7, absl::Minutes(1)));
  EXPECT_EQ(Find(), true);
  EXPECT_EQ(kept_.Find("jan", kSchool, "vov.registration.read"), std::nullopt) << "other right";
  EXPECT_EQ(kept_.Find("els", kSchool, kWrite), std::nullopt) << "other person";
  revisions_.LeaseHeldUntil(now_ + absl::Minutes(5));
  now_ += absl::Minutes(1);  // A grant it rested on ends now.
  EXPECT_EQ(Find(), std::nullopt);
}

TEST_F(KeptAnswersTest, ARefusalIsKeptToo) {
  Keep(Answer(false, 7, absl::InfiniteDuration()));
  EXPECT_EQ(Find(), false);
}

TEST_F(KeptAnswersTest, AnAnswerThatMayNotBeReusedIsNotKept) {
  Keep(Answer(true, 7, std::nullopt));  // Legal representation: the directory decided.
  EXPECT_EQ(Find(), std::nullopt);
  Keep(Answer(true, 7, absl::ZeroDuration()));
  EXPECT_EQ(Find(), std::nullopt);
}

TEST_F(KeptAnswersTest, AChangeOfTheOrganisationsRightsForgetsItsAnswers) {
  Keep(Answer(true, 7, absl::InfiniteDuration()));
  kept_.Keep("jan", "other", kWrite, Answer(true, 3, absl::InfiniteDuration()),
             kept_.BeforeAsking());
  revisions_.Invalidate({kSchool});
  EXPECT_EQ(Find(), std::nullopt);
  EXPECT_EQ(kept_.Find("jan", "other", kWrite), true) << "another organisation's answer stays";
  // Asked again: the new revision's answer counts.
  Keep(Answer(false, 8, absl::InfiniteDuration()));
  EXPECT_EQ(Find(), false);
}

// The race the generation guards: rights-svc answered from before a change whose push arrived
// while the question was on its way. That answer must never be used.
TEST_F(KeptAnswersTest, AnAnswerOvertakenByAChangeIsNeverUsed) {
  const KeptAnswers::Asking asking = kept_.BeforeAsking();
  revisions_.Invalidate({kSchool});  // The revoke's push.
  kept_.Keep("jan", kSchool, kWrite, Answer(true, 7, absl::InfiniteDuration()), asking);
  EXPECT_EQ(Find(), std::nullopt);
  // Another person's fresh answer (revision 8) makes the organisation's revision known again;
  // the overtaken answer (revision 7) still does not count.
  kept_.Keep("els", kSchool, kWrite, Answer(false, 8, absl::InfiniteDuration()),
             kept_.BeforeAsking());
  EXPECT_EQ(kept_.Find("els", kSchool, kWrite), false);
  EXPECT_EQ(Find(), std::nullopt);
  // Nor does a late answer of an older revision replace a newer one.
  Keep(Answer(false, 8, absl::InfiniteDuration()));
  kept_.Keep("jan", kSchool, kWrite, Answer(true, 7, absl::InfiniteDuration()), asking);
  EXPECT_EQ(Find(), false);
}

TEST_F(KeptAnswersTest, NothingIsKeptWithoutTheLeaseAndALapseForgetsAll) {
  Keep(Answer(true, 7, absl::InfiniteDuration()));
  now_ += absl::Seconds(3);  // The lease ran out: writers no longer tell this process.
  EXPECT_EQ(Find(), std::nullopt);
  Keep(Answer(true, 7, absl::InfiniteDuration()));
  revisions_.LeaseHeldUntil(now_ + absl::Seconds(3));  // Renewed after the lapse.
  EXPECT_EQ(Find(), std::nullopt);
}

TEST_F(KeptAnswersTest, RightsPermissionsAsksRightsSvcOnlyWhenNoKeptAnswerHolds) {
  rights::FakeRightsClient rights;
  rights.allowed.insert({"jan", kSchool, kWrite});
  rights.revisions[kSchool] = 7;
  rights.reusable_for = absl::Minutes(10);
  RightsPermissions permissions(rights, "opleidingsdatabank", &kept_);
  const RequestContext call;
  auto allowed = [&](RightsPermissions& p) {
    absl::StatusOr<bool> answer = p.Allowed("jan", kSchool, kWrite, call);
    EXPECT_TRUE(answer.ok()) << answer.status();
    return answer.value_or(false);
  };
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(allowed(permissions));
  EXPECT_EQ(rights.asked, std::vector<std::string>{"CheckForReuse school"});

  // Revoked: rights-svc pushes the change; the next call asks again and is refused.
  rights.allowed.clear();
  rights.revisions[kSchool] = 8;
  revisions_.Invalidate({kSchool});
  EXPECT_FALSE(allowed(permissions));
  EXPECT_EQ(rights.asked.size(), 2u);

  // Without kept answers every call asks.
  RightsPermissions live(rights, "opleidingsdatabank");
  EXPECT_FALSE(allowed(live));
  EXPECT_FALSE(allowed(live));
  EXPECT_EQ(rights.asked.size(), 4u);
  EXPECT_EQ(rights.asked.back(), "Check school");

  // Without the lease the plain question is asked (nothing could be kept anyway).
  now_ += absl::Seconds(3);
  EXPECT_FALSE(allowed(permissions));
  EXPECT_EQ(rights.asked.size(), 5u);
  EXPECT_EQ(rights.asked.back(), "Check school");

  // A failure is the caller's answer and nothing is kept.
  rights.failure = absl::UnavailableError("rights-svc down");
  revisions_.Invalidate({kSchool});
  EXPECT_EQ(permissions.Allowed("jan", kSchool, kWrite, call).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace wse::registration
