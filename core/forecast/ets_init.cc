#include "core/forecast/ets_init.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace shopml::core {
namespace {

// Seasonal figures by phase from the classical decomposition of the first 3m
// values.
std::vector<double> DecomposedFigures(absl::Span<const double> y, int m,
                                      bool multiplicative) {
  const int length = 3 * m;
  const int half = m / 2;
  std::vector<double> sum(m, 0), count(m, 0);
  for (int t = half; t + half < length; ++t) {
    double trend = 0;
    if (m % 2 == 0) {
      for (int i = t - half; i <= t + half; ++i) {
        const double weight = (i == t - half || i == t + half) ? 0.5 : 1;
        trend += weight * y[i];
      }
    } else {
      for (int i = t - half; i <= t + half; ++i) trend += y[i];
    }
    trend /= m;
    sum[t % m] += multiplicative ? y[t] / trend : y[t] - trend;
    count[t % m] += 1;
  }
  double mean = 0;
  for (int j = 0; j < m; ++j) {
    sum[j] /= count[j];
    mean += sum[j] / m;
  }
  for (double& figure : sum) {
    figure = multiplicative ? figure / mean : figure - mean;
  }
  return sum;
}

// y[t] - line or y[t] / line for the regression of y on 1, t, sin, cos
// (t = 1..n), for short seasonal series.
std::vector<double> FourierSeasonal(absl::Span<const double> y, int m,
                                    bool multiplicative) {
  const int n = static_cast<int>(y.size());
  Eigen::MatrixXd x(n, 4);
  Eigen::VectorXd target(n);
  for (int t = 0; t < n; ++t) {
    const double angle = 2 * std::numbers::pi * (t + 1) / m;
    x.row(t) << 1, t + 1, std::sin(angle), std::cos(angle);
    target[t] = y[t];
  }
  const Eigen::VectorXd coef = x.colPivHouseholderQr().solve(target);
  std::vector<double> seasonal(n);
  for (int t = 0; t < n; ++t) {
    const double line = coef[0] + coef[1] * (t + 1);
    seasonal[t] = multiplicative ? y[t] / line : y[t] - line;
  }
  return seasonal;
}

}  // namespace

EtsState HeuristicEtsState(const EtsModelType& type, int season_length,
                           absl::Span<const double> y) {
  const int n = static_cast<int>(y.size());
  const bool seasonal = type.season != EtsSeason::kNone;
  const bool multiplicative = type.season == EtsSeason::kMultiplicative;
  const int m = seasonal ? season_length : 1;
  EtsState state;
  std::vector<double> adjusted(y.begin(), y.end());
  if (seasonal) {
    // Values by phase for the first season (R keeps phases 2..m and derives
    // phase 1 from the normalisation).
    std::vector<double> by_time = n >= 3 * m
                                      ? DecomposedFigures(y, m, multiplicative)
                                      : FourierSeasonal(y, m, multiplicative);
    std::vector<double> season(m);
    double sum = 0;
    for (int j = 1; j < m; ++j) {
      season[j] = multiplicative ? std::max(by_time[j], 1e-2) : by_time[j];
      sum += season[j];
    }
    if (multiplicative && sum > m) {
      const double total = sum + (m - 1) * 1e-2;
      sum = 0;
      for (int j = 1; j < m; ++j) {
        season[j] /= total;
        sum += season[j];
      }
    }
    season[0] = multiplicative ? m - sum : -sum;
    // Seasonal adjustment with the (periodic) figures themselves.
    for (int t = 0; t < n; ++t) {
      const double s =
          n >= 3 * m ? by_time[t % m] : by_time[static_cast<size_t>(t)];
      adjusted[t] = multiplicative ? y[t] / std::max(s, 1e-2) : y[t] - s;
    }
    state.season = std::move(season);
  }
  const int head = std::min(std::max(10, 2 * m), n);
  if (type.trend == EtsTrend::kNone) {
    double mean = 0;
    for (int t = 0; t < head; ++t) mean += adjusted[t] / head;
    state.level = mean;
    return state;
  }
  // Least-squares line through (t, adjusted[t - 1]), t = 1..head.
  double t_mean = (head + 1) / 2.0, y_mean = 0;
  for (int t = 0; t < head; ++t) y_mean += adjusted[t] / head;
  double sxy = 0, sxx = 0;
  for (int t = 0; t < head; ++t) {
    sxy += (t + 1 - t_mean) * (adjusted[t] - y_mean);
    sxx += (t + 1 - t_mean) * (t + 1 - t_mean);
  }
  state.trend = sxy / sxx;
  state.level = y_mean - state.trend * t_mean;
  if (std::abs(state.level + state.trend) < 1e-8) {
    state.level *= 1 + 1e-3;
    state.trend *= 1 - 1e-3;
  }
  return state;
}

EtsParameters StartingEtsParameters(const EtsModelType& type,
                                    int season_length) {
  const int m = type.season == EtsSeason::kNone ? 1 : season_length;
  EtsParameters p;
  constexpr double lo = kEtsSmoothingLower, hi = kEtsSmoothingUpper;
  p.alpha = lo + 0.2 * (hi - lo) / m;
  p.beta = type.trend == EtsTrend::kNone ? 0 : lo + 0.1 * (p.alpha - lo);
  p.gamma = type.season == EtsSeason::kNone
                ? 0
                : lo + 0.05 * (std::min(hi, 1 - p.alpha) - lo);
  p.phi = type.trend == EtsTrend::kDamped
              ? kEtsPhiLower + 0.99 * (kEtsPhiUpper - kEtsPhiLower)
              : 1;
  return p;
}

}  // namespace shopml::core
