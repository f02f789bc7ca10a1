// "An organisation keeps at least one local administrator" as a rule (rights-svc/administrators.h):
// who administers, until when, and which changes bring that moment closer.
#include "rights-svc/domain/administrators.h"

#include "gtest/gtest.h"

namespace wse::rights {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

GrantRecord Grant(const std::string& id, const std::string& person,
                  std::optional<absl::Time> until = std::nullopt) {
  GrantRecord g;
  g.id = id;
  g.person_id = person;
  g.role = "LOKALE_BEHEERDER";
  g.valid_from = kNow - absl::Hours(24);
  g.valid_until = until;
  return g;
}

WorkRelationRecord Relation(const std::string& id, const std::string& person,
                            std::optional<absl::Time> until = std::nullopt) {
  WorkRelationRecord r;
  r.id = id;
  r.person_id = person;
  r.valid_from = kNow - absl::Hours(24);
  r.valid_until = until;
  return r;
}

TEST(AdministratorsTest, AGrantAdministersOnlyWithAnActiveWorkRelation) {
  AdministratorFacts facts;
  facts.grants = {Grant("g1", "ann")};
  EXPECT_FALSE(Administers(facts, "ann", kNow));
  EXPECT_EQ(AdministeredUntil(facts, kNow), absl::InfinitePast());
  facts.relations = {Relation("r1", "ann", kNow + absl::Hours(5))};
  EXPECT_TRUE(Administers(facts, "ann", kNow));
  EXPECT_EQ(AdministeredUntil(facts, kNow), kNow + absl::Hours(5)) << "until the relation ends";
  facts.relations.push_back(Relation("r2", "bob"));  // Someone else's relation counts not.
  EXPECT_EQ(AdministeredUntil(facts, kNow), kNow + absl::Hours(5));
}

TEST(AdministratorsTest, ALegalRepresentativeAdministersWithoutEnd) {
  AdministratorFacts facts;
  facts.legal_representative_ids = {"kim"};
  EXPECT_TRUE(Administers(facts, "kim", kNow));
  EXPECT_FALSE(Administers(facts, "ann", kNow));
  EXPECT_EQ(AdministeredUntil(facts, kNow), absl::InfiniteFuture());
}

TEST(AdministratorsTest, RemovingOneOfTwoIsFineRemovingTheLastIsNot) {
  AdministratorFacts before;
  before.grants = {Grant("g1", "ann"), Grant("g2", "bob")};
  before.relations = {Relation("r1", "ann"), Relation("r2", "bob")};
  AdministratorFacts one_left = before;
  one_left.grants.pop_back();
  EXPECT_TRUE(KeepsAnAdministrator(before, one_left, kNow).ok());
  AdministratorFacts none_left = one_left;
  none_left.grants.clear();
  const absl::Status refused = KeepsAnAdministrator(one_left, none_left, kNow);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("without a local administrator"), std::string::npos);
}

TEST(AdministratorsTest, ShorteningTheLastOpenEndedAdministratorIsRefused) {
  AdministratorFacts before;
  before.grants = {Grant("g1", "ann"), Grant("g2", "bob", kNow + absl::Hours(24 * 30))};
  before.relations = {Relation("r1", "ann"), Relation("r2", "bob")};
  AdministratorFacts shortened = before;
  shortened.grants[0].valid_until = kNow + absl::Hours(24);
  EXPECT_FALSE(KeepsAnAdministrator(before, shortened, kNow).ok())
      << "the organisation would be without administrator from bob's end on";
  AdministratorFacts relation_ended = before;
  relation_ended.relations[0].valid_until = kNow;
  EXPECT_FALSE(KeepsAnAdministrator(before, relation_ended, kNow).ok());
  AdministratorFacts other_shortened = before;
  other_shortened.grants[1].valid_until = kNow + absl::Hours(2);
  EXPECT_TRUE(KeepsAnAdministrator(before, other_shortened, kNow).ok()) << "ann stays, open-ended";
}

TEST(AdministratorsTest, AnOrganisationWithoutAdministratorsBlocksNothing) {
  AdministratorFacts none;
  EXPECT_TRUE(KeepsAnAdministrator(none, none, kNow).ok());
}

}  // namespace
}  // namespace wse::rights
