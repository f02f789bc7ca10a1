#include "common/migrations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wse {
namespace {

using ::testing::ElementsAre;

TEST(SplitSqlStatementsTest, SplitsOnSemicolonAtLineEndAndSkipsComments) {
  EXPECT_THAT(SplitSqlStatements("-- the first table\n"
                                 "CREATE TABLE a (\n  x INT -- inline stays\n);\n"
                                 "\n"
                                 "INSERT INTO a VALUES (1);\n"
                                 "INSERT INTO a VALUES (2)"),
              ElementsAre("CREATE TABLE a (\n  x INT -- inline stays\n)",
                          "INSERT INTO a VALUES (1)", "INSERT INTO a VALUES (2)"));
}

TEST(SplitSqlStatementsTest, SemicolonInsideALineDoesNotSplit) {
  EXPECT_THAT(SplitSqlStatements("SELECT ';' AS s, 1;\n"), ElementsAre("SELECT ';' AS s, 1"));
}

TEST(SplitSqlStatementsTest, EmptyInputHasNoStatements) {
  EXPECT_TRUE(SplitSqlStatements("\n-- nothing\n").empty());
}

}  // namespace
}  // namespace wse
