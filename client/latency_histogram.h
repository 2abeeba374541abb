// LatencyHistogram: counts of call latencies in log-linear buckets, for
// percentiles with bounded relative error in constant memory however long a
// load test runs.
//
// Bucket grammar (values in whole microseconds, v):
//   v < 128:                 one bucket per microsecond (exact)
//   2^e <= v < 2^(e+1), e>=7: 64 equal buckets per power of two, so a
//                             bucket spans at most 1/64 of its lower bound
//   v >= 2^40 us (12.7 days): the last bucket
// Percentile reports a bucket's upper end (capped at the largest value
// recorded), so it overstates by less than 1.6% and never understates.
//
// Thread safety: not thread-safe; guard it or merge per-thread histograms.
#ifndef SHOPML_CLIENT_LATENCY_HISTOGRAM_H_
#define SHOPML_CLIENT_LATENCY_HISTOGRAM_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace shopml::client {

class LatencyHistogram {
 public:
  LatencyHistogram();

  // Negative latencies count as 0.
  void Record(absl::Duration latency);
  // Adds every sample of `other`.
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  // Zero when empty.
  absl::Duration min() const;
  absl::Duration max() const;
  absl::Duration mean() const;

  // The smallest bucket bound at or below which a fraction `q` of the samples
  // fall, q in [0, 1] (clamped); 0.5 is the median. Zero when empty.
  absl::Duration Percentile(double q) const;

 private:
  static int BucketOf(int64_t micros);
  // Largest value, in microseconds, that falls in `bucket`.
  static int64_t BucketUpper(int bucket);

  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
  int64_t min_micros_ = 0;
  int64_t max_micros_ = 0;
  double sum_micros_ = 0;
};

}  // namespace shopml::client

#endif  // SHOPML_CLIENT_LATENCY_HISTOGRAM_H_
