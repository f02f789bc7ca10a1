// RememberingSessionRepository / RememberingDirectoryRepository over the in-memory fakes: reads
// by id answered from memory only under a lease, forgotten by an invalidation, and a read that an
// invalidation overtook is not remembered. (Across replicas: tests/reliability/
// identity_replica_test.cc.)
#include "identity-svc/domain/remembered_records.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/support/identity_fakes.h"

namespace wse::identity {
namespace {

class RememberedRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    session_.id = "s1";
    session_.person_id = "p1";
    session_.key_type = "EID";
    session_.create_time = absl::FromUnixSeconds(1750000000);
    session_.expire_time = session_.create_time + absl::Hours(12);
    session_.refresh_token_hash = "h1";
    ASSERT_TRUE(stored_.Create(session_, {"id-token", session_.expire_time}, AuditEntry()).ok());
  }
  // Ends the session behind the cache's back (as another replica would, before it is told).
  void RevokeBehindTheCache() {
    ASSERT_TRUE(stored_.Revoke("s1", session_.create_time + absl::Minutes(1), AuditEntry()).ok());
  }
  bool SeenRevoked() {
    auto found = sessions_.Find("s1");
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() && found->revoke_time.has_value();
  }

  absl::Time now_ = absl::FromUnixSeconds(1000);
  RememberedRecords records_{[this] { return now_; }};
  testing::FakeSessionRepository stored_;
  RememberingSessionRepository sessions_{stored_, records_.sessions};
  SessionRecord session_;
};

TEST_F(RememberedRecordsTest, WithoutALeaseEveryReadGoesToTheStore) {
  EXPECT_FALSE(SeenRevoked());
  RevokeBehindTheCache();
  EXPECT_TRUE(SeenRevoked());
}

TEST_F(RememberedRecordsTest, UnderALeaseAReadIsRememberedUntilInvalidated) {
  records_.LeaseHeldUntil(now_ + absl::Seconds(3));
  EXPECT_FALSE(SeenRevoked());
  RevokeBehindTheCache();
  EXPECT_FALSE(SeenRevoked()) << "not answered from memory";
  records_.Invalidate({SessionRecordName("s1")});
  EXPECT_TRUE(SeenRevoked());
}

TEST_F(RememberedRecordsTest, NothingIsRememberedOnceTheLeaseRanOut) {
  records_.LeaseHeldUntil(now_ + absl::Seconds(3));
  EXPECT_FALSE(SeenRevoked());
  RevokeBehindTheCache();
  now_ += absl::Seconds(3);
  EXPECT_TRUE(SeenRevoked());
}

TEST_F(RememberedRecordsTest, AReadThatAnInvalidationOvertookIsNotRemembered) {
  records_.LeaseHeldUntil(now_ + absl::Seconds(3));
  // The read happens, then the change it may predate is announced, then the read returns.
  stored_.before_find = [this] { records_.Invalidate({SessionRecordName("s1")}); };
  EXPECT_FALSE(SeenRevoked());
  RevokeBehindTheCache();
  EXPECT_TRUE(SeenRevoked()) << "a read older than an invalidation was remembered";
}

TEST_F(RememberedRecordsTest, ARenewalForgetsTheRecordsItPulled) {
  records_.LeaseHeldUntil(now_ + absl::Seconds(3));
  EXPECT_FALSE(SeenRevoked());
  RevokeBehindTheCache();
  records_.LeaseHeldUntil(now_ + absl::Seconds(4), {SessionRecordName("s1")});
  EXPECT_TRUE(SeenRevoked());
}

TEST_F(RememberedRecordsTest, PersonsAreRememberedByTheirOwnName) {
  testing::FakeDirectoryRepository directory;
  RememberingDirectoryRepository persons(directory, records_.persons);
  PersonRecord person;
  person.id = "p1";
  person.insz = "85073003328";
  person.given_name = "An";
  person.family_name = "Peeters";
  ASSERT_TRUE(directory.UpsertPerson(person, AuditEntry(), nullptr).ok());
  records_.LeaseHeldUntil(now_ + absl::Seconds(3));
  EXPECT_EQ(persons.FindPersonById("p1")->given_name, "An");
  person.given_name = "Anna";
  ASSERT_TRUE(directory.UpsertPerson(person, AuditEntry(), nullptr).ok());
  EXPECT_EQ(persons.FindPersonById("p1")->given_name, "An") << "not answered from memory";
  records_.Invalidate({SessionRecordName("p1")});  // A session of that id: not this record.
  EXPECT_EQ(persons.FindPersonById("p1")->given_name, "An");
  records_.Invalidate({PersonRecordName("p1")});
  EXPECT_EQ(persons.FindPersonById("p1")->given_name, "Anna");
  EXPECT_FALSE(persons.FindPersonById("nobody").ok());
}

}  // namespace
}  // namespace wse::identity
