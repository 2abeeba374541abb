// The automatic model choice (core/forecast/auto_forecast.h: cross-validated
// choice among seasonal naive, Theta, ETS, ARIMA, their combination and, for
// intermittent demand, Croston/SBA/TSB) on R's classic series and a sample
// of the demo shop's daily series, side by side with R's ets(), auto.arima()
// and croston() (bench/auto_vs_r.R, same files, same holdouts):
//
//   bash scripts/install-deps.sh --bench              # r-cran-forecast
//   Rscript bench/export_r_series.R /tmp/shopml_series
//   python3 bench/export_demo_series.py demo/csv /tmp/shopml_series
//   ninja -C build auto_forecast_bench
//   build/bench/auto_forecast_bench --series_dir=/tmp/shopml_series
//   Rscript bench/auto_vs_r.R /tmp/shopml_series
//
// The holdout is the last h values (h = 2m for seasonal series, 8
// otherwise); the choice and the fit see only the rest. Each benchmark times
// one full choice and forecast and reports MASE on the holdout (scaled by
// the in-sample lag-m naive error; lag 1 for files named intermittent*),
// the share of holdout values inside the 80 % and 95 % intervals, h, and
// the chosen structure as label. BM_Summary prints the mean MASE and the
// coverage pooled over all holdout values.
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
#include "core/forecast/auto_forecast.h"

namespace shopml::core {
namespace {

using ::shopml::bench::Holdout;
using ::shopml::bench::NamedSeries;

struct Totals {
  double mase = 0;
  int series = 0;
  double covered80 = 0, covered95 = 0, values = 0;
};

Totals& totals() {
  static Totals t;
  return t;
}

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
  state.counters["h"] = h;
  Totals& t = totals();
  t.mase += error / h / scale;
  ++t.series;
  t.covered80 += covered80;
  t.covered95 += covered95;
  t.values += h;
}

void BM_Auto(benchmark::State& state, const NamedSeries& series) {
  const int h = Holdout(series.frequency);
  const std::vector<double> train(series.values.begin(),
                                  series.values.end() - h);
  const std::vector<double> test(series.values.end() - h, series.values.end());
  ForecastSpec spec;
  spec.horizon = h;
  spec.levels = {80, 95};
  AutoForecastOptions options;
  options.season_length = std::max(1, series.frequency);
  if (series.frequency == 7) options.long_periods = {365};
  ForecastResult result;
  std::string label;
  for (auto _ : state) {
    absl::StatusOr<AutoChoice> choice = ChooseForecastModel(train, options);
    if (!choice.ok()) {
      state.SkipWithError(std::string(choice.status().message()).c_str());
      return;
    }
    absl::StatusOr<ForecastResult> forecast =
        ForecastWithChoice(train, choice->best, spec);
    if (!forecast.ok()) {
      state.SkipWithError(std::string(forecast.status().message()).c_str());
      return;
    }
    result = *std::move(forecast);
    label = ModelChoiceLabel(choice->best);
  }
  const bool intermittent = shopml::bench::IsIntermittent(series);
  Score(result, train, test, intermittent ? 1 : std::max(1, series.frequency),
        state);
  state.SetLabel(label + " " + result.model);
}

void BM_Summary(benchmark::State& state) {
  for (auto _ : state) {
  }
  const Totals& t = totals();
  state.counters["mean_mase"] = t.series > 0 ? t.mase / t.series : 0;
  state.counters["cov80"] = t.values > 0 ? t.covered80 / t.values : 0;
  state.counters["cov95"] = t.values > 0 ? t.covered95 / t.values : 0;
  state.counters["series"] = t.series;
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
    benchmark::RegisterBenchmark(("BM_Auto/" + s.name).c_str(),
                                 shopml::core::BM_Auto, s)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3);
  }
  benchmark::RegisterBenchmark("BM_Summary", shopml::core::BM_Summary)
      ->Iterations(1);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
