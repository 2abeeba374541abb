#include "core/forecast/accuracy.h"

#include <cmath>

namespace shopml::core {
namespace {

// Mean |x_t - x_(t-lag)|^power over t >= lag; 0 when no pair exists.
double MeanLagError(absl::Span<const double> x, size_t lag, int power) {
  if (x.size() <= lag) return 0;
  double sum = 0;
  for (size_t t = lag; t < x.size(); ++t) {
    sum += std::pow(std::abs(x[t] - x[t - lag]), power);
  }
  return sum / static_cast<double>(x.size() - lag);
}

double MeanPower(absl::Span<const double> x, int power) {
  double sum = 0;
  for (double v : x) sum += std::pow(std::abs(v), power);
  return sum / static_cast<double>(x.size());
}

// `scale`, or the fallbacks of the header when it is 0.
double NonZero(double scale, absl::Span<const double> x, int power) {
  if (scale > 0) return scale;
  const double level = MeanPower(x, power);
  return level > 0 ? level : 1;
}

}  // namespace

ErrorScales InSampleScales(absl::Span<const double> history,
                           int season_length) {
  const size_t m = history.size() > static_cast<size_t>(season_length)
                       ? static_cast<size_t>(season_length)
                       : 1;
  ErrorScales scales;
  scales.mae = NonZero(MeanLagError(history, m, 1), history, 1);
  scales.mse = NonZero(MeanLagError(history, 1, 2), history, 2);
  return scales;
}

HoldoutAccuracy ScoreHoldout(absl::Span<const double> actual,
                             const ForecastResult& forecast,
                             const ErrorScales& scales) {
  HoldoutAccuracy accuracy;
  accuracy.periods = static_cast<int>(actual.size());
  const size_t levels =
      forecast.points.empty() ? 0 : forecast.points.front().intervals.size();
  accuracy.coverage.assign(levels, 0);
  double abs_sum = 0, sq_sum = 0, smape_sum = 0;
  for (size_t h = 0; h < actual.size(); ++h) {
    const ForecastPointResult& point = forecast.points[h];
    const double error = actual[h] - point.mean;
    abs_sum += std::abs(error);
    sq_sum += error * error;
    const double denominator = std::abs(actual[h]) + std::abs(point.mean);
    if (denominator > 0) smape_sum += 200 * std::abs(error) / denominator;
    for (size_t l = 0; l < levels; ++l) {
      const IntervalBounds& bounds = point.intervals[l];
      if (bounds.lower <= actual[h] && actual[h] <= bounds.upper) {
        accuracy.coverage[l] += 1;
      }
    }
  }
  const double n = static_cast<double>(actual.size());
  accuracy.mase = abs_sum / n / scales.mae;
  accuracy.rmsse = std::sqrt(sq_sum / n / scales.mse);
  accuracy.smape = smape_sum / n;
  for (double& share : accuracy.coverage) share /= n;
  return accuracy;
}

}  // namespace shopml::core
