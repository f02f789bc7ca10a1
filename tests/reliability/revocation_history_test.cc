// The fault test's checker on hand-made histories: it must flag what it exists to find.
#include "tests/reliability/revocation_history.h"

#include "gtest/gtest.h"

namespace wse::testing {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1000000);
absl::Time At(int ms) { return kT0 + absl::Milliseconds(ms); }

WriteOp Write(WriteKind kind, int from, int to, bool allowed_after, bool answered = true) {
  WriteOp w;
  w.kind = kind;
  w.invoked = At(from);
  w.completed = At(to);
  w.answered = answered;
  w.applied = true;
  w.allowed_after = allowed_after;
  return w;
}

ReadOp Read(int from, int to, bool allowed) {
  ReadOp r;
  r.invoked = At(from);
  r.completed = At(to);
  r.allowed = allowed;
  return r;
}

const absl::Duration kLease = absl::Seconds(1);

std::vector<WriteOp> GrantThenRevoke() {
  return {Write(WriteKind::kGrant, 0, 10, true), Write(WriteKind::kRevoke, 100, 110, false)};
}

TEST(RevocationHistoryTest, AnAllowAfterTheRevokeReturnedIsAStaleAllow) {
  CheckResult r = CheckHistory(GrantThenRevoke(), {Read(111, 112, true)}, kLease);
  EXPECT_EQ(r.stale_allows, 1);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_TRUE(r.violations[0].stale_allow);
  EXPECT_NE(Describe(r.violations[0], kT0).find("STALE ALLOW"), std::string::npos);
}

TEST(RevocationHistoryTest, ReadsConcurrentWithAWriteMaySeeEitherState) {
  CheckResult r = CheckHistory(
      GrantThenRevoke(),
      {Read(105, 120, true), Read(90, 101, false), Read(20, 30, true), Read(109, 115, false)},
      kLease);
  EXPECT_EQ(r.stale_allows + r.stale_denies, 0) << Describe(r.violations[0], kT0);
}

TEST(RevocationHistoryTest, AReadOfTheStateBeforeAnAnsweredGrantIsAStaleDeny) {
  CheckResult r = CheckHistory(GrantThenRevoke(), {Read(50, 60, false)}, kLease);
  EXPECT_EQ(r.stale_denies, 1);
  EXPECT_EQ(r.stale_allows, 0);
}

TEST(RevocationHistoryTest, AWriteWithoutAnswerMustBeVisibleOneLeaseAfterItFailed) {
  std::vector<WriteOp> writes = GrantThenRevoke();
  writes[1].answered = false;  // The writer was killed after its commit: failure seen at 110.
  CheckResult within = CheckHistory(writes, {Read(900, 905, true)}, kLease);
  EXPECT_EQ(within.stale_allows, 0) << "within one lease the old answer may still come";
  CheckResult after = CheckHistory(writes, {Read(1111, 1112, true)}, kLease);
  EXPECT_EQ(after.stale_allows, 1) << "one lease after the failure it may not";
}

TEST(RevocationHistoryTest, WritesThatDidNotTakeEffectChangeNothing) {
  std::vector<WriteOp> writes = GrantThenRevoke();
  writes[1].applied = false;
  writes[1].answered = false;
  CheckResult r = CheckHistory(writes, {Read(2000, 2001, true)}, kLease);
  EXPECT_EQ(r.stale_allows + r.stale_denies, 0);
}

TEST(RevocationHistoryTest, SubjectsAreIndependent) {
  std::vector<WriteOp> writes = GrantThenRevoke();
  WriteOp other = Write(WriteKind::kGrant, 0, 10, true);
  other.subject = 1;
  writes.push_back(other);
  ReadOp read = Read(500, 501, true);
  read.subject = 1;
  CheckResult r = CheckHistory(writes, {read, Read(500, 501, true)}, kLease);
  EXPECT_EQ(r.stale_allows, 1);  // Only subject 0's read.
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].read.subject, 0);
}

TEST(RevocationHistoryTest, BeforeAnyWriteNothingIsAllowed) {
  CheckResult r = CheckHistory({}, {Read(0, 1, true), Read(0, 1, false)}, kLease);
  EXPECT_EQ(r.stale_allows, 1);
  EXPECT_EQ(r.reads_checked, 2);
}

}  // namespace
}  // namespace wse::testing
