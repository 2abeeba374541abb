// The synthetic purchase-propensity table of the scoring-model benchmarks
// (gbdt_bench, mlp_bench), and the choice between it and a table read from
// CSV (--table=DIR: DIR/train.csv and DIR/test.csv, bench/table_csv.h).
//
// 20 features shaped like shop data (counts drawn log-normal, recencies,
// prices, shares; two features with 30 % missing values, drawn after the
// label so missingness carries no signal) and a label drawn from a logistic
// model with interactions and thresholds, so trees have structure to find
// and a linear model does not suffice.
#ifndef SHOPML_BENCH_SYNTHETIC_TABLE_H_
#define SHOPML_BENCH_SYNTHETIC_TABLE_H_

#include <cmath>
#include <cstdint>
#include <random>
#include <string>

#include "bench/table_csv.h"

namespace shopml::bench {

inline constexpr int kSyntheticFeatures = 20;
inline constexpr int kSyntheticTrainRows = 200000;
inline constexpr int kSyntheticTestRows = 50000;

inline LabelledTable MakeSyntheticTable(int rows, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<float> count(1.0f, 1.0f);
  std::uniform_real_distribution<float> unit(0, 1);
  std::normal_distribution<float> normal(0, 1);
  constexpr int kF = kSyntheticFeatures;
  LabelledTable t{{}, core::FeatureMatrix(rows, kF), std::vector<float>(rows)};
  for (int j = 0; j < kF; ++j) t.names.push_back("f" + std::to_string(j));
  for (int r = 0; r < rows; ++r) {
    float* f = t.x.row(r).data();
    for (int j = 0; j < 6; ++j) f[j] = std::floor(count(rng));       // Counts.
    for (int j = 6; j < 10; ++j) f[j] = unit(rng) * 90;              // Recency.
    for (int j = 10; j < 14; ++j) f[j] = std::exp(normal(rng) + 3);  // Price.
    for (int j = 14; j < kF; ++j) f[j] = unit(rng);                  // Shares.
    const double z = -2.0 + 0.35 * std::log1p(f[0]) + 0.6 * (f[1] > 2) -
                     0.02 * f[6] + 1.2 * (f[14] > 0.7) * (f[15] > 0.5) -
                     0.4 * std::log(f[10] / 20) * (f[2] > 1) +
                     0.8 * std::sin(6 * f[16]) + 0.5 * (f[7] < 10);
    t.y[r] = unit(rng) < 1 / (1 + std::exp(-z)) ? 1.0f : 0.0f;
    if (unit(rng) < 0.3) f[1] = NAN;
    if (unit(rng) < 0.3) f[15] = NAN;
  }
  return t;
}

// `name` ("train" or "test") from `dir`, or the synthetic table of `rows`
// rows drawn with `seed` when `dir` is empty.
inline LabelledTable LoadBenchTable(const std::string& dir, const char* name,
                                    int rows, uint32_t seed) {
  if (dir.empty()) return MakeSyntheticTable(rows, seed);
  return ReadTableCsv(dir + "/" + name + ".csv");
}

}  // namespace shopml::bench

#endif  // SHOPML_BENCH_SYNTHETIC_TABLE_H_
