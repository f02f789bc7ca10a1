#pragma once
// A log-linear latency histogram (HdrHistogram-like, 32 sub-buckets per power of two: at most
// ~3 % relative error), cheap enough to record every call of a benchmark.

#include <cstdint>
#include <vector>

namespace wse::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void Record(int64_t nanos);
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  int64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0 : static_cast<double>(sum_) / count_; }
  // The value at quantile q (0..1), in nanoseconds: the middle of its bucket (0 when empty).
  int64_t Quantile(double q) const;

 private:
  static int BucketOf(int64_t nanos);
  static int64_t LowOf(int bucket);
  static int64_t HighOf(int bucket);

  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
  int64_t sum_ = 0;
  int64_t max_ = 0;
};

}  // namespace wse::bench
