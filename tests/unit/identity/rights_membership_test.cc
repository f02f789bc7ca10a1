// RightsMembershipSource over the rights client's fake: which organisations a person may act for
// on the strength of rights-svc's records.
#include "identity-svc/domain/rights_membership.h"

#include "gtest/gtest.h"
#include "rights-svc/client/fake_rights_client.h"

namespace wse::identity {
namespace {

class RightsMembershipTest : public ::testing::Test {
 protected:
  RightsMembershipTest() {
    person_.id = "jan";
    rights_.memberships[{"jan", "school"}] = {true, true};
    rights_.memberships[{"jan", "former"}] = {false, true};  // A grant outliving its relation.
    rights_.memberships[{"jan", "shop"}] = {true, false};
  }
  rights::FakeRightsClient rights_;
  RightsMembershipSource source_{rights_};
  PersonRecord person_;
  RequestContext call_;
};

TEST_F(RightsMembershipTest, AcrossOrganisationsAGrantCountsOnlyWithAnActiveWorkRelation) {
  auto all = source_.MembershipsOf(person_, "", nullptr, call_);
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::pair<std::string, ActingBasis>> got;
  for (const Membership& m : *all) got.emplace_back(m.organization_id, m.basis);
  EXPECT_EQ(
      got, (std::vector<std::pair<std::string, ActingBasis>>{{"school", ActingBasis::kWorkRelation},
                                                             {"shop", ActingBasis::kWorkRelation},
                                                             {"school", ActingBasis::kGrant}}));
}

TEST_F(RightsMembershipTest, OneOrganisationIsOneCheckMembership) {
  auto one = source_.MembershipsOf(person_, "shop", nullptr, call_);
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].basis, ActingBasis::kWorkRelation);
  EXPECT_EQ(rights_.asked, std::vector<std::string>{"Membership shop"});
}

TEST_F(RightsMembershipTest, RightsSvcDownIsAnError) {
  rights_.failure = absl::UnavailableError("rights-svc is unavailable; retry later");
  EXPECT_EQ(source_.MembershipsOf(person_, "", nullptr, call_).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace wse::identity
