#include "bench/load/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace wse::bench {
namespace {

constexpr int kLinear = 64;      // Values below 64 ns have a bucket each.
constexpr int kSubBuckets = 32;  // Then 32 buckets per power of two.
constexpr int kMaxShift = 44;    // Up to ~2^50 ns (13 days): far beyond any call.
constexpr int kBuckets = kLinear + kMaxShift * kSubBuckets;

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBuckets, 0) {}

int LatencyHistogram::BucketOf(int64_t nanos) {
  if (nanos < kLinear) return static_cast<int>(std::max<int64_t>(nanos, 0));
  const int msb = 63 - std::countl_zero(static_cast<uint64_t>(nanos));
  const int shift = msb - 5;  // Keeps the top 6 bits: 32..63.
  if (shift > kMaxShift) return kBuckets - 1;
  const int sub = static_cast<int>(nanos >> shift);
  return kLinear + (shift - 1) * kSubBuckets + (sub - kSubBuckets);
}

int64_t LatencyHistogram::LowOf(int bucket) {
  if (bucket < kLinear) return bucket;
  const int shift = (bucket - kLinear) / kSubBuckets + 1;
  const int64_t sub = (bucket - kLinear) % kSubBuckets + kSubBuckets;
  return sub << shift;
}

int64_t LatencyHistogram::HighOf(int bucket) {
  if (bucket < kLinear) return bucket;
  const int shift = (bucket - kLinear) / kSubBuckets + 1;
  const int64_t sub = (bucket - kLinear) % kSubBuckets + kSubBuckets;
  return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::Record(int64_t nanos) {
  nanos = std::max<int64_t>(nanos, 0);
  ++buckets_[static_cast<size_t>(BucketOf(nanos))];
  ++count_;
  sum_ += nanos;
  max_ = std::max(max_, nanos);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

int64_t LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<int64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * count_));
  int64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[static_cast<size_t>(b)];
    if (seen >= std::max<int64_t>(rank, 1)) {
      return std::min(max_, (LowOf(b) + HighOf(b)) / 2);
    }
  }
  return max_;
}

}  // namespace wse::bench
