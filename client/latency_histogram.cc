#include "client/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace shopml::client {
namespace {

constexpr int kExactBuckets = 128;  // 2^kSubBits * 2
constexpr int kSubBits = 6;         // 64 buckets per power of two.
constexpr int kFirstExponent = 7;   // log2(kExactBuckets)
constexpr int kLastExponent = 39;
constexpr int kNumBuckets =
    kExactBuckets + (kLastExponent - kFirstExponent + 1) * (1 << kSubBits) + 1;

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kNumBuckets, 0) {}

int LatencyHistogram::BucketOf(int64_t micros) {
  if (micros < kExactBuckets) return static_cast<int>(micros);
  const int exponent =
      std::bit_width(static_cast<uint64_t>(micros)) - 1;  // floor(log2)
  if (exponent > kLastExponent) return kNumBuckets - 1;
  const int shift = exponent - kSubBits;
  const int sub = static_cast<int>(micros >> shift) - (1 << kSubBits);
  return kExactBuckets + (exponent - kFirstExponent) * (1 << kSubBits) + sub;
}

int64_t LatencyHistogram::BucketUpper(int bucket) {
  if (bucket < kExactBuckets) return bucket;
  if (bucket == kNumBuckets - 1) return INT64_MAX;
  const int offset = bucket - kExactBuckets;
  const int exponent = kFirstExponent + offset / (1 << kSubBits);
  const int sub = offset % (1 << kSubBits);
  const int shift = exponent - kSubBits;
  const int64_t lower = static_cast<int64_t>((1 << kSubBits) + sub) << shift;
  return lower + (int64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(absl::Duration latency) {
  const int64_t micros =
      std::max<int64_t>(0, absl::ToInt64Microseconds(latency));
  ++buckets_[BucketOf(micros)];
  min_micros_ = count_ == 0 ? micros : std::min(min_micros_, micros);
  max_micros_ = std::max(max_micros_, micros);
  sum_micros_ += static_cast<double>(micros);
  ++count_;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (int b = 0; b < kNumBuckets; ++b) buckets_[b] += other.buckets_[b];
  min_micros_ = count_ == 0 ? other.min_micros_
                            : std::min(min_micros_, other.min_micros_);
  max_micros_ = std::max(max_micros_, other.max_micros_);
  sum_micros_ += other.sum_micros_;
  count_ += other.count_;
}

absl::Duration LatencyHistogram::min() const {
  return absl::Microseconds(min_micros_);
}

absl::Duration LatencyHistogram::max() const {
  return absl::Microseconds(max_micros_);
}

absl::Duration LatencyHistogram::mean() const {
  if (count_ == 0) return absl::ZeroDuration();
  return absl::Microseconds(sum_micros_ / static_cast<double>(count_));
}

absl::Duration LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) return absl::ZeroDuration();
  q = std::clamp(q, 0.0, 1.0);
  // The rank-th smallest sample, 1-based.
  const int64_t rank = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(q * static_cast<double>(count_))));
  int64_t seen = 0;
  for (int b = 0; b < kNumBuckets; ++b) {
    seen += buckets_[b];
    if (seen >= rank) {
      return absl::Microseconds(
          std::clamp(BucketUpper(b), min_micros_, max_micros_));
    }
  }
  return max();
}

}  // namespace shopml::client
