// The flow library's fresh identifiers are what the services accept (the same check-digit rules
// as common/identifiers.h) and do not repeat within a process, also from several threads.
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "common/identifiers.h"
#include "gtest/gtest.h"
#include "tests/flow/identifiers.h"

namespace wse::flow {
namespace {

TEST(FlowIdentifiersTest, EveryFreshIdentifierIsValid) {
  for (int i = 0; i < 2000; ++i) {
    const std::string insz = NewInsz();
    EXPECT_TRUE(ParseInsz(insz).ok()) << insz;
    const std::string kbo = NewKboNumber();
    EXPECT_TRUE(NormalizeKboNumber(kbo).ok()) << kbo;
    const std::string institution = NewInstitutionNumber();
    EXPECT_TRUE(NormalizeInstitutionNumber(institution).ok()) << institution;
    EXPECT_TRUE(absl::StartsWith(NewOdbNumber(), "ODB-F"));
  }
}

TEST(FlowIdentifiersTest, NoRepeatsAcrossThreads) {
  constexpr int kThreads = 4, kEach = 5000;
  absl::Mutex mu;
  std::set<std::string> insz, kbo, odb, request_ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        std::string a = NewInsz(), b = NewKboNumber(), c = NewOdbNumber(), d = NewRequestId();
        absl::MutexLock lock(&mu);
        insz.insert(a);
        kbo.insert(b);
        odb.insert(c);
        request_ids.insert(d);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(insz.size(), size_t{kThreads * kEach});
  EXPECT_EQ(kbo.size(), size_t{kThreads * kEach});
  EXPECT_EQ(odb.size(), size_t{kThreads * kEach});
  EXPECT_EQ(request_ids.size(), size_t{kThreads * kEach});
}

TEST(FlowIdentifiersTest, SchoolYearRunsFromSeptember) {
  const std::string year = CurrentSchoolYear();
  ASSERT_EQ(year.size(), 9u) << year;
  EXPECT_EQ(year[4], '-');
  EXPECT_EQ(std::stoi(year.substr(5)), std::stoi(year.substr(0, 4)) + 1);
}

}  // namespace
}  // namespace wse::flow
