// ARIMA with automatic order selection (core/forecast/arima_search.h), STL +
// ARIMA (core/forecast/stl_forecast.h) and Theta (core/forecast/theta.h) on
// the series R's forecast package is benchmarked on, side by side with
// bench/arima_vs_r.R (auto.arima, forecast(mstl(y), method = "arima"),
// thetaf):
//
//   bash scripts/install-deps.sh --bench                   # r-cran-forecast
//   Rscript bench/export_arima_series.R /tmp/arima_series.csv
//   ninja -C build arima_bench
//   build/bench/arima_bench --series=/tmp/arima_series.csv
//   Rscript bench/arima_vs_r.R /tmp/arima_series.csv 3
//
// Each series' last `horizon` values are held out (2 x frequency, 8 when
// non-seasonal). A benchmark's time is one fit plus forecast; its counter
// `mase` is the hold-out mean absolute error over the in-sample mean
// absolute seasonal-naive error at lag = frequency, as arima_vs_r.R computes
// it, and its label names the chosen ARIMA order.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "core/forecast/arima_search.h"
#include "core/forecast/stl_forecast.h"
#include "core/forecast/theta.h"

namespace shopml::core {
namespace {

struct BenchSeries {
  std::string name;
  int frequency = 1;
  std::vector<int> periods;
  int horizon = 8;
  std::vector<double> values;
};

// Reads bench/export_arima_series.R's long format; exits on a bad file.
std::vector<BenchSeries> ReadSeries(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr,
                 "cannot read %s: run Rscript bench/export_arima_series.R "
                 "%s first\n",
                 path.c_str(), path.c_str());
    std::exit(2);
  }
  std::vector<BenchSeries> out;
  std::map<std::string, size_t> index;
  std::string line;
  std::getline(in, line);  // Header.
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, ',');) f.push_back(field);
    if (f.size() != 6) {
      std::fprintf(stderr, "%s: bad row '%s'\n", path.c_str(), line.c_str());
      std::exit(2);
    }
    auto [it, inserted] = index.emplace(f[0], out.size());
    if (inserted) {
      BenchSeries s;
      s.name = f[0];
      s.frequency = std::atoi(f[1].c_str());
      std::stringstream ps(f[2]);
      for (std::string p; std::getline(ps, p, ';');) {
        if (!p.empty()) s.periods.push_back(std::atoi(p.c_str()));
      }
      s.horizon = std::atoi(f[3].c_str());
      out.push_back(std::move(s));
    }
    out[it->second].values.push_back(std::strtod(f[5].c_str(), nullptr));
  }
  return out;
}

double Mase(const std::vector<double>& train, const std::vector<double>& test,
            const ForecastResult& fc, int m) {
  double scale = 0;
  for (size_t t = m; t < train.size(); ++t) {
    scale += std::abs(train[t] - train[t - m]);
  }
  scale /= static_cast<double>(train.size() - m);
  double error = 0;
  for (size_t h = 0; h < test.size(); ++h) {
    error += std::abs(test[h] - fc.points[h].mean);
  }
  return error / static_cast<double>(test.size()) / scale;
}

std::string OrderLabel(const ForecastResult& fc) {
  return fc.notes.empty() ? "" : fc.notes.front();
}

enum class Method { kAutoArima, kStlArima, kTheta };

void RunSeries(benchmark::State& state, const BenchSeries& s, Method method) {
  const size_t n = s.values.size();
  const std::vector<double> train(s.values.begin(), s.values.end() - s.horizon);
  const std::vector<double> test(s.values.end() - s.horizon, s.values.end());
  ForecastSpec spec;
  spec.horizon = s.horizon;
  spec.season_length = s.frequency;
  spec.levels = {80, 95};
  spec.non_negative = false;
  StlForecastOptions stl;
  stl.periods = s.periods;
  ForecastResult fc;
  for (auto _ : state) {
    absl::StatusOr<ForecastResult> result;
    switch (method) {
      case Method::kAutoArima:
        result = AutoArimaForecast(train, spec);
        break;
      case Method::kStlArima:
        result = StlForecast(train, spec, stl);
        break;
      case Method::kTheta:
        result = ThetaForecast(train, spec);
        break;
    }
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    fc = *std::move(result);
    benchmark::DoNotOptimize(fc);
  }
  state.counters["mase"] = Mase(train, test, fc, s.frequency);
  state.counters["n"] = static_cast<double>(n - s.horizon);
  state.SetLabel(method == Method::kTheta ? "" : OrderLabel(fc));
}

}  // namespace
}  // namespace shopml::core

int main(int argc, char** argv) {
  using shopml::core::Method;
  std::string path = "/tmp/arima_series.csv";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--series=", 9) == 0) path = argv[i] + 9;
  }
  static const std::vector<shopml::core::BenchSeries> series =
      shopml::core::ReadSeries(path);
  for (const auto& s : series) {
    const auto add = [&](const char* name, Method method) {
      benchmark::RegisterBenchmark(
          absl::StrFormat("%s/%s", name, s.name).c_str(),
          [&s, method](benchmark::State& state) {
            shopml::core::RunSeries(state, s, method);
          })
          ->Unit(benchmark::kMillisecond)
          ->MinTime(0.2);
    };
    add("BM_AutoArima", Method::kAutoArima);
    if (!s.periods.empty()) add("BM_StlArima", Method::kStlArima);
    add("BM_Theta", Method::kTheta);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
