#include "core/forecast/seasonal_naive.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/forecast/quantiles.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

absl::Status ValidateInput(absl::Span<const double> history,
                           const ForecastSpec& spec) {
  SHOPML_RETURN_IF_ERROR(CheckHorizon(spec.horizon));
  if (spec.season_length < 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "season_length: must be >= 1, got %d", spec.season_length));
  }
  SHOPML_RETURN_IF_ERROR(CheckLevels(spec.levels));
  if (spec.lead_time < 0 || spec.lead_time > kMaxForecastPeriods) {
    return absl::InvalidArgumentError(
        absl::StrFormat("lead_time: must be in [0, %d], got %d",
                        kMaxForecastPeriods, spec.lead_time));
  }
  if (!std::isfinite(spec.service_level) || spec.service_level < 50 ||
      spec.service_level >= 100) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "service_level: must be in [50, 100), got %g", spec.service_level));
  }
  return CheckHistory(history);
}

double Clamp(double value, const ForecastSpec& spec) {
  return spec.non_negative ? std::max(0.0, value) : value;
}

// Sorted errors y[t] - y[t - lag] for t >= lag.
std::vector<double> LagErrors(absl::Span<const double> history, size_t lag) {
  std::vector<double> errors;
  for (size_t t = lag; t < history.size(); ++t) {
    errors.push_back(history[t] - history[t - lag]);
  }
  std::sort(errors.begin(), errors.end());
  return errors;
}

double RootMeanSquare(absl::Span<const double> values) {
  double sum = 0;
  for (double v : values) sum += v * v;
  return std::sqrt(sum / static_cast<double>(values.size()));
}

// Sum over u = 1..L of c_u^2 where c_u = floor((L - u) / m) + 1 is how many
// of the first L seasonal naive forecast errors contain the innovation of
// period T + u: the variance of the L-period error sum in units of sigma^2
// under a seasonal random walk.
double LeadTimeSumVarianceFactor(int lead_time, int season) {
  double sum = 0;
  for (int u = 1; u <= lead_time; ++u) {
    const double c = (lead_time - u) / season + 1;
    sum += c * c;
  }
  return sum;
}

// Sorted errors of L-period sums of seasonal naive forecasts made at every
// origin T' in [m - 1, n - 1 - L] of the history.
std::vector<double> LeadTimeSumErrors(absl::Span<const double> history,
                                      int lead_time, int season) {
  const int64_t n = static_cast<int64_t>(history.size());
  std::vector<double> prefix(history.size() + 1, 0);
  for (int64_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + history[i];
  const int64_t full_seasons = lead_time / season;
  const int64_t remainder = lead_time % season;
  std::vector<double> errors;
  for (int64_t origin = season - 1; origin + lead_time <= n - 1; ++origin) {
    // The forecasts cycle through the last season before the origin.
    const int64_t season_begin = origin + 1 - season;
    const double forecast =
        full_seasons * (prefix[origin + 1] - prefix[season_begin]) +
        (prefix[season_begin + remainder] - prefix[season_begin]);
    const double actual = prefix[origin + 1 + lead_time] - prefix[origin + 1];
    errors.push_back(actual - forecast);
  }
  std::sort(errors.begin(), errors.end());
  return errors;
}

void AddInventory(double lead_time_demand, double safety_stock,
                  const ForecastSpec& spec, ForecastResult& result) {
  result.has_inventory = true;
  result.inventory.lead_time = spec.lead_time;
  result.inventory.service_level = spec.service_level;
  result.inventory.lead_time_demand = lead_time_demand;
  result.inventory.safety_stock = std::max(0.0, safety_stock);
  result.inventory.reorder_point =
      result.inventory.lead_time_demand + result.inventory.safety_stock;
}

// Intervals yhat + [lower_offset, upper_offset](level) for every level.
template <typename OffsetFn>
ForecastPointResult MakePoint(double yhat, const ForecastSpec& spec,
                              OffsetFn offsets) {
  ForecastPointResult point;
  point.mean = Clamp(yhat, spec);
  for (double level : spec.levels) {
    const auto [lower, upper] = offsets(1 - level / 100);
    point.intervals.push_back(
        {level, Clamp(yhat + lower, spec), Clamp(yhat + upper, spec)});
  }
  return point;
}

ForecastResult MeanForecast(absl::Span<const double> history,
                            const ForecastSpec& spec) {
  const size_t n = history.size();
  const size_t window = std::min(n, static_cast<size_t>(spec.season_length));
  const absl::Span<const double> recent = history.subspan(n - window);
  double mean = 0;
  for (double v : recent) mean += v;
  mean /= static_cast<double>(window);
  double squares = 0;
  for (double v : recent) squares += (v - mean) * (v - mean);
  const double sd =
      window > 1 ? std::sqrt(squares / static_cast<double>(window - 1)) : 0;

  ForecastResult result;
  result.model = "mean";
  const double w = static_cast<double>(window);
  const double point_sd = sd * std::sqrt(1 + 1 / w);
  const auto offsets = [&](double alpha) {
    const double half = NormalQuantile(1 - alpha / 2) * point_sd;
    return std::make_pair(-half, half);
  };
  for (int h = 1; h <= spec.horizon; ++h) {
    result.points.push_back(MakePoint(mean, spec, offsets));
  }
  result.details = {{"season_length", spec.season_length},
                    {"history_length", static_cast<double>(n)},
                    {"residual_sd", sd},
                    {"mean_window", w}};
  result.notes.push_back(absl::StrFormat(
      "history of %d periods is shorter than two seasons (%d): forecast is "
      "the mean of the last %d values with normal intervals from their sd",
      n, 2 * spec.season_length, window));
  if (window == 1) {
    result.notes.push_back(
        "a single value gives no spread: intervals have zero width");
  }
  if (spec.lead_time > 0) {
    const double lead = spec.lead_time;
    const double sum_sd = sd * std::sqrt(lead + lead * lead / w);
    AddInventory(lead * Clamp(mean, spec),
                 NormalQuantile(spec.service_level / 100) * sum_sd, spec,
                 result);
  }
  return result;
}

// Adds the inventory suggestion of the seasonal naive model.
void AddSeasonalInventory(absl::Span<const double> history, double residual_sd,
                          const ForecastSpec& spec, ForecastResult& result) {
  const int m = spec.season_length;
  const size_t n = history.size();
  double demand = 0;
  for (int h = 1; h <= spec.lead_time; ++h) {
    demand += Clamp(history[n - m + (h - 1) % m], spec);
  }
  const std::vector<double> errors =
      LeadTimeSumErrors(history, spec.lead_time, m);
  result.details.emplace_back("lead_time_sum_errors",
                              static_cast<double>(errors.size()));
  const double p = spec.service_level / 100;
  if (static_cast<int>(errors.size()) >= kMinEmpiricalErrors) {
    AddInventory(demand, EmpiricalQuantile(errors, p), spec, result);
    return;
  }
  const double sum_sd =
      residual_sd * std::sqrt(LeadTimeSumVarianceFactor(spec.lead_time, m));
  AddInventory(demand, NormalQuantile(p) * sum_sd, spec, result);
  result.notes.push_back(absl::StrFormat(
      "safety stock uses a normal approximation: only %d historical errors of "
      "%d-period sums (fewer than %d)",
      errors.size(), spec.lead_time, kMinEmpiricalErrors));
}

ForecastResult SeasonalNaive(absl::Span<const double> history,
                             const ForecastSpec& spec) {
  const int m = spec.season_length;
  const size_t n = history.size();
  const std::vector<double> one_season = LagErrors(history, m);
  const double residual_sd = RootMeanSquare(one_season);

  ForecastResult result;
  result.model = "seasonal_naive";
  int normal_horizons = 0;
  int first_normal_horizon = 0;
  const int max_reach = (spec.horizon + m - 1) / m;
  for (int reach = 1; reach <= max_reach; ++reach) {
    const std::vector<double> errors =
        reach == 1 ? one_season : LagErrors(history, size_t{1} * reach * m);
    const bool empirical =
        static_cast<int>(errors.size()) >= kMinEmpiricalErrors;
    const auto offsets = [&](double alpha) {
      if (empirical) {
        return std::make_pair(EmpiricalQuantile(errors, alpha / 2),
                              EmpiricalQuantile(errors, 1 - alpha / 2));
      }
      const double half =
          NormalQuantile(1 - alpha / 2) * residual_sd * std::sqrt(reach);
      return std::make_pair(-half, half);
    };
    const int last = std::min(spec.horizon, reach * m);
    for (int h = (reach - 1) * m + 1; h <= last; ++h) {
      result.points.push_back(
          MakePoint(history[n - m + (h - 1) % m], spec, offsets));
      if (!empirical) {
        if (normal_horizons == 0) first_normal_horizon = h;
        ++normal_horizons;
      }
    }
  }
  result.details = {{"season_length", m},
                    {"history_length", static_cast<double>(n)},
                    {"residual_sd", residual_sd},
                    {"one_season_errors", static_cast<double>(n - m)},
                    {"normal_interval_horizons", normal_horizons}};
  if (normal_horizons > 0) {
    result.notes.push_back(absl::StrFormat(
        "intervals for horizons %d-%d use a normal approximation (residual "
        "sd %g x sqrt(seasons reached)): fewer than %d historical errors of "
        "that reach",
        first_normal_horizon, spec.horizon, residual_sd, kMinEmpiricalErrors));
  }
  if (spec.lead_time > 0) {
    AddSeasonalInventory(history, residual_sd, spec, result);
  }
  return result;
}

// P(F(d1, d2) > f) for even d1, through the regularised incomplete beta
// function with an integer second argument:
//   I_x(a, b) = x^a sum_{k < b} [Gamma(a + k) / (Gamma(a) k!)] (1 - x)^k,
// x = d2 / (d2 + d1 f), a = d2 / 2, b = d1 / 2. A finite sum: no lgamma and
// no series to converge.
double FTailEvenNumerator(int d1, double d2, double f) {
  const double x = d2 / (d2 + d1 * f);
  const double a = d2 / 2;
  double term = 1, sum = 1;
  for (int k = 1; k < d1 / 2; ++k) {
    term *= (a + k - 1) / k * (1 - x);
    sum += term;
  }
  return std::min(1.0, std::exp(a * std::log(x)) * sum);
}

}  // namespace

double WeeklyPatternPValue(absl::Span<const double> values) {
  constexpr int kWeek = 7;
  const size_t weeks = values.size() / kWeek;
  if (weeks < 2) return 1;
  const absl::Span<const double> y =
      values.subspan(values.size() - weeks * kWeek);
  double grand = 0, scale = 0;
  double weekday_mean[kWeek] = {};
  std::vector<double> week_mean(weeks, 0);
  for (size_t t = 0; t < y.size(); ++t) {
    grand += y[t] / static_cast<double>(y.size());
    weekday_mean[t % kWeek] += y[t] / static_cast<double>(weeks);
    week_mean[t / kWeek] += y[t] / kWeek;
    scale += y[t] * y[t];
  }
  double between = 0, residual = 0;
  for (int d = 0; d < kWeek; ++d) {
    between += static_cast<double>(weeks) * (weekday_mean[d] - grand) *
               (weekday_mean[d] - grand);
  }
  for (size_t t = 0; t < y.size(); ++t) {
    const double e =
        y[t] - week_mean[t / kWeek] - weekday_mean[t % kWeek] + grand;
    residual += e * e;
  }
  // Relative to the data's size, so rounding in the means of a constant or
  // exactly periodic series does not read as signal or as noise.
  constexpr double kRoundoff = 1e-12;
  if (between <= kRoundoff * scale) return 1;
  if (residual <= kRoundoff * scale) return 0;
  const double d2 = 6.0 * static_cast<double>(weeks - 1);
  return FTailEvenNumerator(6, d2, (between / 6) / (residual / d2));
}

absl::StatusOr<ForecastResult> SeasonalNaiveForecast(
    absl::Span<const double> history, const ForecastSpec& spec) {
  SHOPML_RETURN_IF_ERROR(ValidateInput(history, spec));
  if (history.size() < 2 * static_cast<size_t>(spec.season_length)) {
    return MeanForecast(history, spec);
  }
  return SeasonalNaive(history, spec);
}

}  // namespace shopml::core
