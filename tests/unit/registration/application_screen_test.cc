#include "registration-svc/domain/application_screen.h"

#include "gtest/gtest.h"

namespace wse::registration {
namespace {

namespace v1 = wse::registration::v1;

class FakePermissions : public Permissions {
 public:
  absl::StatusOr<PermissionView> Explain(const std::string& person_id,
                                         const std::string& organization_id,
                                         const std::string& permission,
                                         const RequestContext&) override {
    asked = person_id + "@" + organization_id + ":" + permission;
    if (!answer.ok()) return answer.status();
    return answer;
  }
  absl::StatusOr<bool> Allowed(const std::string&, const std::string&, const std::string&,
                               const RequestContext&) override {
    return answer.ok() ? absl::StatusOr<bool>(answer->allowed) : answer.status();
  }
  absl::StatusOr<PermissionView> answer = PermissionView{};
  std::string asked;
};

class ApplicationScreenTest : public ::testing::Test {
 protected:
  FakePermissions permissions_;
  ApplicationScreenBuilder builder_{permissions_, "vlaamsopleidingsverlof@vlaanderen.be"};
  RequestContext call_;
};

TEST_F(ApplicationScreenTest, PersonalContextIsSentToTheOrganisationLogin) {
  auto screen = builder_.Build("p1", std::nullopt, call_);
  ASSERT_TRUE(screen.ok());
  EXPECT_EQ(screen->title(), "Vlaams opleidingsverlof");
  EXPECT_EQ(screen->subtitle(), "Aanwezigheid/deelname registreren");
  EXPECT_EQ(screen->action(), v1::SCREEN_ACTION_SELECT_ORGANIZATION);
  EXPECT_TRUE(screen->button_label().empty());
  EXPECT_TRUE(permissions_.asked.empty());  // Nothing to ask without an organisation.
}

TEST_F(ApplicationScreenTest, WithoutTheRightTheButtonRequestsIt) {
  permissions_.answer =
      PermissionView{false, "DWSE_ORGANISATIEVERANTWOORDELIJKE", "opleidingsdatabank", "", true};
  auto screen = builder_.Build("p1", std::string("org1"), call_);
  ASSERT_TRUE(screen.ok());
  EXPECT_EQ(permissions_.asked, "p1@org1:vov.registration.write");
  EXPECT_EQ(screen->action(), v1::SCREEN_ACTION_REQUEST_RIGHT);
  EXPECT_EQ(screen->button_label(), "Gebruikersrecht aanvragen");
  EXPECT_EQ(screen->requested_role(), "DWSE_ORGANISATIEVERANTWOORDELIJKE");
  EXPECT_EQ(screen->requested_context(), "opleidingsdatabank");
  EXPECT_TRUE(screen->access_request_possible());
  EXPECT_EQ(screen->support_email_address(), "vlaamsopleidingsverlof@vlaanderen.be");
  // Without the right only the first entry, with the blue button that requests it.
  ASSERT_EQ(screen->entries_size(), 1);
  EXPECT_EQ(screen->entries(0).button_label(), "Gebruikersrecht aanvragen");
  EXPECT_EQ(screen->entries(0).action(), v1::SCREEN_ACTION_REQUEST_RIGHT);
}

TEST_F(ApplicationScreenTest, PendingRequestAndUnreachableAdministratorAreExplained) {
  permissions_.answer = PermissionView{false, "R", "c", "organizations/o/accessRequests/a", true};
  auto pending = builder_.Build("p1", std::string("o"), call_);
  EXPECT_EQ(pending->pending_access_request(), "organizations/o/accessRequests/a");
  EXPECT_NE(pending->message().find("wacht op uw lokale beheerder"), std::string::npos);
  permissions_.answer = PermissionView{false, "R", "c", "", false};
  auto unreachable = builder_.Build("p1", std::string("o"), call_);
  EXPECT_NE(unreachable->message().find("1700"), std::string::npos);
  EXPECT_NE(unreachable->message().find("gebruikersbeheer"), std::string::npos);
}

// Issue 19: the screen offers only what CreateAccessRequest accepts (rights-svc decides both).
TEST_F(ApplicationScreenTest, AnUnknownAddressIsAskedForBeforeTheRequest) {
  PermissionView view{false, "R", "c", "", false};
  view.obstacle = rights::AccessRequestObstacle::kRequesterEmailUnknown;
  permissions_.answer = view;
  auto screen = builder_.Build("p1", std::string("o"), call_);
  ASSERT_TRUE(screen.ok());
  EXPECT_EQ(screen->action(), v1::SCREEN_ACTION_REQUEST_RIGHT);
  EXPECT_TRUE(screen->email_address_required());
  EXPECT_FALSE(screen->access_request_possible());
  EXPECT_NE(screen->message().find("e-mailadres"), std::string::npos);
  EXPECT_EQ(screen->message().find("1700"), std::string::npos) << "not the unreachable text";
}

TEST_F(ApplicationScreenTest, TheOnlyAdministratorIsSentToGebruikersbeheer) {
  ApplicationScreenBuilder builder{permissions_, "vlaamsopleidingsverlof@vlaanderen.be",
                                   "https://overheid.vlaanderen.be/gebruikersbeheer"};
  PermissionView view{false, "DWSE_ORGANISATIEVERANTWOORDELIJKE", "opleidingsdatabank", "", false};
  view.obstacle = rights::AccessRequestObstacle::kGrantYourself;
  permissions_.answer = view;
  auto screen = builder.Build("p1", std::string("o"), call_);
  ASSERT_TRUE(screen.ok());
  EXPECT_EQ(screen->action(), v1::SCREEN_ACTION_GRANT_OWN_RIGHT);
  EXPECT_EQ(screen->button_label(), "Gebruikersbeheer");
  EXPECT_EQ(screen->requested_role(), "DWSE_ORGANISATIEVERANTWOORDELIJKE");
  EXPECT_EQ(screen->gebruikersbeheer_help_url(), "https://overheid.vlaanderen.be/gebruikersbeheer");
  EXPECT_NE(screen->message().find("lokale beheerder"), std::string::npos);
  EXPECT_EQ(screen->message().find("1700"), std::string::npos) << "1700 would send them back";
  ASSERT_EQ(screen->entries_size(), 1);
  EXPECT_EQ(screen->entries(0).action(), v1::SCREEN_ACTION_GRANT_OWN_RIGHT);
}

TEST_F(ApplicationScreenTest, AConfiguredDeadlineIsShownWithTheRight) {
  const absl::Time now = absl::FromCivil(absl::CivilDay(2026, 10, 15), absl::FixedTimeZone(7200));
  builder_.ShowRegistrationDeadlines(absl::Hours(24 * 61), [now] { return now; });
  permissions_.answer = PermissionView{true, "", "", "", true};
  auto screen = builder_.Build("p1", std::string("org1"), call_);
  ASSERT_TRUE(screen.ok());
  ASSERT_EQ(screen->registration_deadlines_size(), 2);
  EXPECT_EQ(screen->registration_deadlines(0).school_year(), "2025-2026");
  EXPECT_EQ(screen->registration_deadlines(0).text(),
            "U kunt registreren voor het schooljaar 2025-2026 tot en met 31 oktober 2026.");
  EXPECT_EQ(screen->registration_deadlines(1).school_year(), "2026-2027");
  // Without a window, nothing.
  builder_.ShowRegistrationDeadlines(std::nullopt);
  EXPECT_EQ(builder_.Build("p1", std::string("org1"), call_)->registration_deadlines_size(), 0);
}

TEST_F(ApplicationScreenTest, WithTheRightTheButtonRegisters) {
  permissions_.answer = PermissionView{true, "", "", "", true};
  auto screen = builder_.Build("p1", std::string("org1"), call_);
  ASSERT_TRUE(screen.ok());
  EXPECT_EQ(screen->action(), v1::SCREEN_ACTION_REGISTER);
  EXPECT_EQ(screen->button_label(), "aanvragen");
  // Both entries the seed names, leading to the same registration steps.
  ASSERT_EQ(screen->entries_size(), 2);
  EXPECT_EQ(screen->entries(0).title(), "Vlaams opleidingsverlof");
  EXPECT_EQ(screen->entries(0).subtitle(), "Aanwezigheid/deelname registreren");
  EXPECT_EQ(screen->entries(0).button_label(), "aanvragen");
  EXPECT_EQ(screen->entries(0).action(), v1::SCREEN_ACTION_REGISTER);
  EXPECT_EQ(screen->entries(1).title(), "Opleidingsdatabank Vlaamse opleidingsincentives");
  EXPECT_EQ(screen->entries(1).button_label(), "Registreren");
  EXPECT_EQ(screen->entries(1).action(), v1::SCREEN_ACTION_REGISTER);
}

TEST_F(ApplicationScreenTest, RightsOutageIsRetryableNotAWrongScreen) {
  permissions_.answer = absl::UnavailableError("rights-svc is unavailable; retry later");
  auto screen = builder_.Build("p1", std::string("org1"), call_);
  EXPECT_EQ(screen.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace wse::registration
