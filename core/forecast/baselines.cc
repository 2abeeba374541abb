#include "core/forecast/baselines.h"

#include <cmath>
#include <string>
#include <vector>

#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

ForecastResult MeanBaseline(absl::Span<const double> y, int horizon,
                            absl::Span<const double> levels) {
  const double n = static_cast<double>(y.size());
  double mean = 0;
  for (double v : y) mean += v / n;
  double squares = 0;
  for (double v : y) squares += (v - mean) * (v - mean);
  const double s = y.size() > 1 ? std::sqrt(squares / (n - 1)) : 0;
  ForecastResult result;
  result.model = BaselineName(BaselineMethod::kMean);
  for (int h = 1; h <= horizon; ++h) {
    result.points.push_back(
        NormalPoint(mean, s * std::sqrt(1 + 1 / n), levels));
  }
  result.details = {{"history_length", n}, {"residual_sd", s}};
  return result;
}

ForecastResult NaiveBaseline(absl::Span<const double> y, int horizon,
                             absl::Span<const double> levels) {
  const size_t n = y.size();
  double squares = 0;
  for (size_t t = 1; t < n; ++t)
    squares += (y[t] - y[t - 1]) * (y[t] - y[t - 1]);
  const double s = n > 1 ? std::sqrt(squares / static_cast<double>(n - 1)) : 0;
  ForecastResult result;
  result.model = BaselineName(BaselineMethod::kNaive);
  for (int h = 1; h <= horizon; ++h) {
    result.points.push_back(NormalPoint(y[n - 1], s * std::sqrt(h), levels));
  }
  result.details = {{"history_length", static_cast<double>(n)},
                    {"residual_sd", s}};
  return result;
}

ForecastResult DriftBaseline(absl::Span<const double> y, int horizon,
                             absl::Span<const double> levels) {
  const size_t n = y.size();
  const double steps = static_cast<double>(n - 1);
  const double b = (y[n - 1] - y[0]) / steps;
  double squares = 0;
  for (size_t t = 1; t < n; ++t) {
    const double e = y[t] - y[t - 1] - b;
    squares += e * e;
  }
  const double s = std::sqrt(squares / (steps - 1));
  ForecastResult result;
  result.model = BaselineName(BaselineMethod::kDrift);
  for (int h = 1; h <= horizon; ++h) {
    const double sd = s * std::sqrt(h * (1 + h / steps));
    result.points.push_back(NormalPoint(y[n - 1] + h * b, sd, levels));
  }
  result.details = {{"history_length", static_cast<double>(n)},
                    {"residual_sd", s},
                    {"drift", b}};
  return result;
}

}  // namespace

const char* BaselineName(BaselineMethod method) {
  switch (method) {
    case BaselineMethod::kMean:
      return "mean";
    case BaselineMethod::kNaive:
      return "naive";
    case BaselineMethod::kDrift:
      return "drift";
  }
  return "unknown";
}

absl::StatusOr<ForecastResult> BaselineForecast(
    absl::Span<const double> history, BaselineMethod method, int horizon,
    absl::Span<const double> levels) {
  SHOPML_RETURN_IF_ERROR(CheckHistory(history));
  SHOPML_RETURN_IF_ERROR(CheckHorizon(horizon));
  SHOPML_RETURN_IF_ERROR(CheckLevels(levels));
  ForecastResult result;
  switch (method) {
    case BaselineMethod::kMean:
      result = MeanBaseline(history, horizon, levels);
      break;
    case BaselineMethod::kNaive:
      result = NaiveBaseline(history, horizon, levels);
      break;
    case BaselineMethod::kDrift:
      if (history.size() < 3) {
        result = NaiveBaseline(history, horizon, levels);
        result.notes.push_back(
            "drift needs at least 3 values to estimate the slope and its "
            "error: fell back to naive");
      } else {
        result = DriftBaseline(history, horizon, levels);
      }
      break;
  }
  if (history.size() == 1) {
    result.notes.push_back(
        "a single value gives no spread: intervals have zero width");
  }
  return result;
}

}  // namespace shopml::core
