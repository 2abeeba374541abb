// Automatic ETS (core/forecast/ets_select.h) on R's classic series, side by
// side with forecast::ets (bench/ets_vs_r.R fits R's ets() and croston() on
// the same files with the same holdouts):
//
//   bash scripts/install-deps.sh --bench              # r-cran-forecast
//   Rscript bench/export_r_series.R /tmp/shopml_series
//   ninja -C build ets_bench
//   build/bench/ets_bench --series_dir=/tmp/shopml_series
//   Rscript bench/ets_vs_r.R /tmp/shopml_series
//
// Each file holds "frequency,<m>" and one value per line. The holdout is the
// last h values, h = 2m for seasonal series and 8 otherwise; the model is
// chosen and fitted on the rest. BM_AutoEts/<series> times one selection
// (all candidates fitted) and reports, as counters, MASE on the holdout
// (mean absolute error over the in-sample mean absolute error of the
// seasonal naive forecast, lag m, or lag 1 when m = 1), the share of holdout
// values inside the 80 % and 95 % intervals, and the model chosen as label.
// Files named intermittent* go to BM_Intermittent (intermittent_forecast.h,
// the same measures; MASE scaled by the lag-1 naive errors).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/series_files.h"
#include "benchmark/benchmark.h"
#include "core/forecast/ets_forecast.h"
#include "core/forecast/intermittent_forecast.h"

namespace shopml::core {
namespace {

using ::shopml::bench::Holdout;
using ::shopml::bench::NamedSeries;

// MASE and 80 / 95 % coverage of `result` on `test`, scaled by the lag-`lag`
// naive errors of `train`.
void Score(const ForecastResult& result, const std::vector<double>& train,
           const std::vector<double>& test, int lag, benchmark::State& state) {
  double scale = 0;
  for (size_t t = lag; t < train.size(); ++t) {
    scale += std::abs(train[t] - train[t - lag]);
  }
  scale /= static_cast<double>(train.size() - lag);
  double error = 0, covered80 = 0, covered95 = 0;
  for (size_t h = 0; h < test.size(); ++h) {
    const ForecastPointResult& point = result.points[h];
    error += std::abs(test[h] - point.mean);
    covered80 += point.intervals[0].lower <= test[h] &&
                 test[h] <= point.intervals[0].upper;
    covered95 += point.intervals[1].lower <= test[h] &&
                 test[h] <= point.intervals[1].upper;
  }
  const double h = static_cast<double>(test.size());
  state.counters["mase"] = error / h / scale;
  state.counters["cov80"] = covered80 / h;
  state.counters["cov95"] = covered95 / h;
  state.counters["n"] = static_cast<double>(train.size());
  state.SetLabel(result.model);
}

void BM_AutoEts(benchmark::State& state, const NamedSeries& series) {
  const int h = Holdout(series.frequency);
  const std::vector<double> train(series.values.begin(),
                                  series.values.end() - h);
  const std::vector<double> test(series.values.end() - h, series.values.end());
  EtsSpec spec;
  spec.horizon = h;
  spec.levels = {80, 95};
  spec.selection.season_length = series.frequency;
  ForecastResult result;
  for (auto _ : state) {
    absl::StatusOr<ForecastResult> forecast = EtsForecast(train, spec);
    if (!forecast.ok()) {
      state.SkipWithError(std::string(forecast.status().message()).c_str());
      return;
    }
    result = *std::move(forecast);
  }
  Score(result, train, test, std::max(1, series.frequency), state);
}

void BM_Intermittent(benchmark::State& state, const NamedSeries& series) {
  const int h = Holdout(series.frequency);
  const std::vector<double> train(series.values.begin(),
                                  series.values.end() - h);
  const std::vector<double> test(series.values.end() - h, series.values.end());
  IntermittentSpec spec;
  spec.horizon = h;
  spec.levels = {80, 95};
  ForecastResult result;
  for (auto _ : state) {
    absl::StatusOr<ForecastResult> forecast = IntermittentForecast(train, spec);
    if (!forecast.ok()) {
      state.SkipWithError(std::string(forecast.status().message()).c_str());
      return;
    }
    result = *std::move(forecast);
  }
  Score(result, train, test, 1, state);
}

}  // namespace
}  // namespace shopml::core

int main(int argc, char** argv) {
  std::string dir = "/tmp/shopml_series";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--series_dir=", 13) == 0) dir = argv[i] + 13;
  }
  static const std::vector<shopml::bench::NamedSeries> series =
      shopml::bench::ReadSeriesDir(dir);
  for (const auto& s : series) {
    const bool intermittent = shopml::bench::IsIntermittent(s);
    benchmark::RegisterBenchmark(
        ((intermittent ? "BM_Intermittent/" : "BM_AutoEts/") + s.name).c_str(),
        intermittent ? shopml::core::BM_Intermittent : shopml::core::BM_AutoEts,
        s)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
