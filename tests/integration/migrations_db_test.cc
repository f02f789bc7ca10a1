#include "common/migrations.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace wse {
namespace {

const std::vector<Migration> kV1 = {
    {1, "0001_people", "CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(50));\n"},
    {2, "0002_seed", "INSERT INTO people VALUES (1, 'a');\nINSERT INTO people VALUES (2, 'b');\n"},
};

TEST(MigrationsDbTest, AppliesOnceAndRecordsVersions) {
  testing::TestDatabase db;
  ASSERT_TRUE(ApplyMigrations(db.pool(), {{"demo", &kV1}}).ok());
  ASSERT_TRUE(ApplyMigrations(db.pool(), {{"demo", &kV1}}).ok());  // Idempotent.
  EXPECT_EQ(db.QueryScalar("SELECT COUNT(*) FROM people"), "2");
  EXPECT_EQ(db.QueryScalar("SELECT GROUP_CONCAT(name ORDER BY version) FROM schema_migrations "
                           "WHERE component = 'demo'"),
            "0001_people,0002_seed");
}

TEST(MigrationsDbTest, ComponentsHaveTheirOwnVersions) {
  testing::TestDatabase db;
  const std::vector<Migration> other = {{1, "0001_things", "CREATE TABLE things (id INT);\n"}};
  ASSERT_TRUE(ApplyMigrations(db.pool(), {{"demo", &kV1}, {"other", &other}}).ok());
  EXPECT_EQ(db.QueryScalar("SELECT COUNT(*) FROM schema_migrations"), "3");
}

TEST(MigrationsDbTest, NewMigrationsAreAppliedLater) {
  testing::TestDatabase db;
  ASSERT_TRUE(ApplyMigrations(db.pool(), {{"demo", &kV1}}).ok());
  std::vector<Migration> v2 = kV1;
  v2.push_back({3, "0003_more", "INSERT INTO people VALUES (3, 'c');\n"});
  ASSERT_TRUE(ApplyMigrations(db.pool(), {{"demo", &v2}}).ok());
  EXPECT_EQ(db.QueryScalar("SELECT COUNT(*) FROM people"), "3");
}

TEST(MigrationsDbTest, EditedAppliedMigrationIsRefused) {
  testing::TestDatabase db;
  ASSERT_TRUE(ApplyMigrations(db.pool(), {{"demo", &kV1}}).ok());
  std::vector<Migration> edited = kV1;
  edited[0].sql = "CREATE TABLE people (id BIGINT PRIMARY KEY);\n";
  absl::Status status = ApplyMigrations(db.pool(), {{"demo", &edited}});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("0001_people"), absl::string_view::npos) << status;
}

TEST(MigrationsDbTest, FailingMigrationNamesItselfAndIsNotRecorded) {
  testing::TestDatabase db;
  const std::vector<Migration> broken = {{1, "0001_broken", "CREATE TABLE (oops;\n"}};
  absl::Status status = ApplyMigrations(db.pool(), {{"demo", &broken}});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("demo/0001_broken"), absl::string_view::npos) << status;
  EXPECT_EQ(db.QueryScalar("SELECT COUNT(*) FROM schema_migrations"), "0");
}

}  // namespace
}  // namespace wse
