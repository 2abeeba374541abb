#include "client/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shopml::client {
namespace {

TEST(LatencyHistogramTest, EmptyHistogramReportsZero) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0);
  EXPECT_EQ(histogram.Percentile(0.5), absl::ZeroDuration());
  EXPECT_EQ(histogram.max(), absl::ZeroDuration());
  EXPECT_EQ(histogram.mean(), absl::ZeroDuration());
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (int us = 1; us <= 100; ++us) histogram.Record(absl::Microseconds(us));
  EXPECT_EQ(histogram.count(), 100);
  EXPECT_EQ(histogram.Percentile(0.5), absl::Microseconds(50));
  EXPECT_EQ(histogram.Percentile(0.9), absl::Microseconds(90));
  EXPECT_EQ(histogram.Percentile(0.99), absl::Microseconds(99));
  EXPECT_EQ(histogram.Percentile(1.0), absl::Microseconds(100));
  EXPECT_EQ(histogram.Percentile(0.0), absl::Microseconds(1));
  EXPECT_EQ(histogram.min(), absl::Microseconds(1));
  EXPECT_EQ(histogram.max(), absl::Microseconds(100));
  EXPECT_EQ(histogram.mean(), absl::Microseconds(50.5));
}

// Against the exact percentiles of the same samples: never below, and above
// by less than one bucket (1/64 relative).
TEST(LatencyHistogramTest, LargeValuesStayWithinRelativeError) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> millis(std::log(20.0), 1.5);
  std::vector<int64_t> samples;
  LatencyHistogram histogram;
  for (int i = 0; i < 20000; ++i) {
    const int64_t us = static_cast<int64_t>(millis(rng) * 1000);
    samples.push_back(us);
    histogram.Record(absl::Microseconds(us));
  }
  std::sort(samples.begin(), samples.end());
  for (double q : {0.1, 0.5, 0.9, 0.99, 0.999}) {
    const int64_t rank = static_cast<int64_t>(std::ceil(q * samples.size()));
    const double exact = static_cast<double>(samples[rank - 1]);
    const double estimate = absl::ToDoubleMicroseconds(histogram.Percentile(q));
    EXPECT_GE(estimate, exact) << "q=" << q;
    EXPECT_LE(estimate, exact * (1 + 1.0 / 64)) << "q=" << q;
  }
  EXPECT_EQ(histogram.max(), absl::Microseconds(samples.back()));
}

TEST(LatencyHistogramTest, HugeAndNegativeValuesAreClamped) {
  LatencyHistogram histogram;
  histogram.Record(absl::Microseconds(-5));
  histogram.Record(absl::Hours(24 * 365));
  EXPECT_EQ(histogram.Percentile(0.5), absl::ZeroDuration());
  EXPECT_EQ(histogram.Percentile(1.0), absl::Hours(24 * 365));
}

TEST(LatencyHistogramTest, MergeAddsSamples) {
  LatencyHistogram a;
  LatencyHistogram b;
  for (int us = 1; us <= 50; ++us) a.Record(absl::Microseconds(us));
  for (int us = 51; us <= 100; ++us) b.Record(absl::Microseconds(us));
  a.Merge(b);
  EXPECT_EQ(a.count(), 100);
  EXPECT_EQ(a.Percentile(0.75), absl::Microseconds(75));
  EXPECT_EQ(a.min(), absl::Microseconds(1));
  EXPECT_EQ(a.max(), absl::Microseconds(100));
}

}  // namespace
}  // namespace shopml::client
