#include "tests/flow/identifiers.h"

#include <atomic>
#include <cstdint>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace wse::flow {
namespace {

uint64_t RandomBelow(uint64_t range) {
  std::random_device device;
  const uint64_t value = (static_cast<uint64_t>(device()) << 32) ^ device();
  return value % range;
}

// 0, 1, 2, ... from a random start, modulo `range`: distinct for `range` calls.
class Walk {
 public:
  explicit Walk(uint64_t range) : range_(range), start_(RandomBelow(range)) {}
  uint64_t Next() { return (start_ + next_.fetch_add(1)) % range_; }

 private:
  const uint64_t range_, start_;
  std::atomic<uint64_t> next_{0};
};

uint64_t Mod97Check(uint64_t base) { return 97 - base % 97; }

}  // namespace

std::string NewInsz() {
  // 50 years x 12 months x 28 days x 997 sequence numbers.
  static Walk walk(50ULL * 12 * 28 * 997);
  uint64_t n = walk.Next();
  const uint64_t sequence = n % 997 + 1;
  n /= 997;
  const uint64_t day = n % 28 + 1;
  n /= 28;
  const uint64_t month = n % 12 + 1;
  const uint64_t year = n / 12 + 50;
  const uint64_t base = ((year * 100 + month) * 100 + day) * 1000 + sequence;
  return absl::StrFormat("%09d%02d", base, Mod97Check(base));
}

std::string NewKboNumber() {
  static Walk walk(8000000);
  const uint64_t base = 2000000 + walk.Next();
  return absl::StrFormat("0%07d%02d", base, Mod97Check(base));
}

std::string NewInstitutionNumber() {
  static Walk walk(900000);
  return absl::StrFormat("%06d", 100000 + walk.Next());
}

std::string NewOdbNumber() {
  static Walk walk(10000000000ULL);
  return absl::StrFormat("ODB-F%010d", walk.Next());
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return absl::StrFormat("%016x-%016x", rng(), rng());
}

std::string CurrentSchoolYear() {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  const int64_t start = today.month() >= 9 ? today.year() : today.year() - 1;
  return absl::StrCat(start, "-", start + 1);
}

}  // namespace wse::flow
