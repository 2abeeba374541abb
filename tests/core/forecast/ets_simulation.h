// Test helper: sample paths of ETS models written out from the
// error-correction equations of Hyndman et al. (2008), independently of
// core/forecast/ets_model.cc.
#ifndef SHOPML_TESTS_CORE_FORECAST_ETS_SIMULATION_H_
#define SHOPML_TESTS_CORE_FORECAST_ETS_SIMULATION_H_

#include <random>
#include <vector>

namespace shopml::core::testing {

struct PlantedEts {
  bool multiplicative_error = false;
  bool trend = false;
  int season = 0;  // 0: none; else m (additive or multiplicative below).
  bool multiplicative_season = false;
  double alpha = 0.3, beta = 0.05, gamma = 0.1;
  double level = 100, slope = 0;
  std::vector<double> season_states;  // m entries by phase.
  double sigma = 1;  // Of e (relative for multiplicative errors).
};

// n values; the planted states evolve from the given initial ones.
inline std::vector<double> SimulateEts(const PlantedEts& model, int n,
                                       std::mt19937_64& rng) {
  std::normal_distribution<double> noise(0, model.sigma);
  double l = model.level, b = model.slope;
  std::vector<double> s = model.season_states;
  std::vector<double> y;
  for (int t = 0; t < n; ++t) {
    const double base = l + b;
    double& st = model.season > 0 ? s[t % model.season] : l;  // Unused if 0.
    const double seasonal = model.season > 0 ? st : 0;
    const double mu = model.season == 0             ? base
                      : model.multiplicative_season ? base * seasonal
                                                    : base + seasonal;
    const double e = noise(rng);
    // Additive error: y = mu + e; multiplicative: y = mu (1 + e).
    const double value = model.multiplicative_error ? mu * (1 + e) : mu + e;
    // Error in the units the state equations use: u = y - mu.
    const double u = value - mu;
    if (model.season == 0) {
      l = base + model.alpha * u;
      b = b + (model.trend ? model.beta * u : 0);
    } else if (model.multiplicative_season) {
      l = base + model.alpha * u / seasonal;
      if (model.trend) b += model.beta * u / seasonal;
      st = seasonal + model.gamma * u / base;
    } else {
      l = base + model.alpha * u;
      if (model.trend) b += model.beta * u;
      st = seasonal + model.gamma * u;
    }
    if (!model.trend) b = 0;
    y.push_back(value);
  }
  return y;
}

}  // namespace shopml::core::testing

#endif  // SHOPML_TESTS_CORE_FORECAST_ETS_SIMULATION_H_
