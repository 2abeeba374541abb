// Forecasting with a fitted ARIMA model (declared in core/forecast/arima.h).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/forecast/arima.h"
#include "core/forecast/arima_likelihood.h"
#include "core/forecast/quantiles.h"

namespace shopml::core {
namespace {

double Clamp(double value, const ForecastSpec& spec) {
  return spec.non_negative ? std::max(0.0, value) : value;
}

void AddCoefficients(const char* prefix, const std::vector<double>& values,
                     ForecastResult* result) {
  for (size_t i = 0; i < values.size(); ++i) {
    result->details.emplace_back(absl::StrCat(prefix, i + 1), values[i]);
  }
}

}  // namespace

absl::Status ValidateModelForecastSpec(const ForecastSpec& spec) {
  if (spec.horizon < 1 || spec.horizon > kMaxForecastPeriods) {
    return absl::InvalidArgumentError(
        absl::StrFormat("horizon: must be in [1, %d], got %d",
                        kMaxForecastPeriods, spec.horizon));
  }
  for (size_t i = 0; i < spec.levels.size(); ++i) {
    const double level = spec.levels[i];
    if (!std::isfinite(level) || level <= 0 || level >= 100) {
      return absl::InvalidArgumentError(
          absl::StrFormat("levels[%d]: must be in (0, 100), got %g", i, level));
    }
  }
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
  return absl::OkStatus();
}

std::string ArimaDescription(const ArimaModel& model) {
  const ArimaOrder& o = model.order;
  std::string s = absl::StrFormat("ARIMA(%d,%d,%d)", o.p, o.d, o.q);
  if (o.seasonal_p + o.seasonal_d + o.seasonal_q > 0) {
    absl::StrAppendFormat(&s, "(%d,%d,%d)[%d]", o.seasonal_p, o.seasonal_d,
                          o.seasonal_q, o.period);
  }
  const int diffs = o.d + o.seasonal_d;
  if (model.has_constant) {
    absl::StrAppend(&s, diffs == 0 ? " with non-zero mean" : " with drift");
  } else if (diffs == 0) {
    absl::StrAppend(&s, " with zero mean");
  }
  return s;
}

absl::StatusOr<ForecastResult> ForecastArima(const ArimaModel& model,
                                             const ForecastSpec& spec) {
  if (absl::Status s = ValidateModelForecastSpec(spec); !s.ok()) return s;
  const ArimaOrder& o = model.order;
  const std::vector<double> phi =
      ExpandSeasonal(model.ar, model.seasonal_ar, o.period, -1);
  const std::vector<double> theta =
      ExpandSeasonal(model.ma, model.seasonal_ma, o.period, 1);
  const std::vector<double> delta =
      DifferencingPolynomial(o.d, o.seasonal_d, o.period);
  const size_t lag = delta.size() - 1;
  if (model.last_values.size() != lag || model.state.empty()) {
    return absl::InvalidArgumentError(
        "model: forecasting state missing or inconsistent with its order");
  }
  const int steps = std::max(spec.horizon, spec.lead_time);
  const std::vector<double> w = ForecastArmaState(model.state, phi, steps);
  // y_t = w_t - sum_(j >= 1) delta_j y_(t-j), continuing the history.
  std::vector<double> y(model.last_values);
  y.reserve(lag + steps);
  for (int h = 0; h < steps; ++h) {
    double v = w[h] + model.constant;
    for (size_t j = 1; j <= lag; ++j) v -= delta[j] * y[lag + h - j];
    y.push_back(v);
  }
  const std::vector<double> psi = PsiWeights(phi, theta, delta, steps);
  const double sigma = std::sqrt(model.sigma2);

  ForecastResult result;
  result.model = ArimaDescription(model);
  double cumulative = 0;
  for (int h = 0; h < spec.horizon; ++h) {
    cumulative += psi[h] * psi[h];
    const double sd = sigma * std::sqrt(cumulative);
    const double mean = y[lag + h];
    ForecastPointResult point;
    point.mean = Clamp(mean, spec);
    for (double level : spec.levels) {
      const double half = NormalQuantile(0.5 + level / 200) * sd;
      point.intervals.push_back(
          {level, Clamp(mean - half, spec), Clamp(mean + half, spec)});
    }
    result.points.push_back(std::move(point));
  }
  result.details = {{"p", o.p},
                    {"d", o.d},
                    {"q", o.q},
                    {"P", o.seasonal_p},
                    {"D", o.seasonal_d},
                    {"Q", o.seasonal_q},
                    {"period", o.period},
                    {"sigma2", model.sigma2},
                    {"log_likelihood", model.log_likelihood},
                    {"aicc", model.aicc}};
  AddCoefficients("ar", model.ar, &result);
  AddCoefficients("ma", model.ma, &result);
  AddCoefficients("sar", model.seasonal_ar, &result);
  AddCoefficients("sma", model.seasonal_ma, &result);
  if (model.has_constant) {
    const bool mean = o.d + o.seasonal_d == 0;
    const double per_period =
        o.seasonal_d == 1 ? model.constant / o.period : model.constant;
    result.details.emplace_back(mean ? "mean" : "drift", per_period);
  }
  result.notes.push_back(ArimaDescription(model));
  if (spec.lead_time > 0) {
    const int lead = spec.lead_time;
    double demand = 0, variance = 0, psi_sum = 0;
    for (int h = 0; h < lead; ++h) demand += Clamp(y[lag + h], spec);
    // Innovation u enters the sum with weight sum_(k <= L - u) psi_k.
    for (int u = lead; u >= 1; --u) {
      psi_sum += psi[lead - u];
      variance += psi_sum * psi_sum;
    }
    const double safety =
        NormalQuantile(spec.service_level / 100) * sigma * std::sqrt(variance);
    result.has_inventory = true;
    result.inventory.lead_time = lead;
    result.inventory.service_level = spec.service_level;
    result.inventory.lead_time_demand = demand;
    result.inventory.safety_stock = std::max(0.0, safety);
    result.inventory.reorder_point = demand + result.inventory.safety_stock;
  }
  return result;
}

}  // namespace shopml::core
