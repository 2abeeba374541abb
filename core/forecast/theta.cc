#include "core/forecast/theta.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/forecast/arima.h"
#include "core/forecast/quantiles.h"
#include "core/forecast/unit_root.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr double kMinAlpha = 1e-4, kMaxAlpha = 0.9999;
constexpr double kSeasonalZ = 1.6448536269514722;  // qnorm(0.95).
constexpr double kMinSeasonalIndex = 1e-4;

struct Ses {
  double alpha = 0, level0 = 0, level = 0, sse = 0;
};

// SES with the squared-error-minimising l_0 for this alpha. With
// l_(t-1) = A_t + B_t l_0 the errors are (x_t - A_t) - B_t l_0.
Ses FitSesAt(const std::vector<double>& x, double alpha) {
  double a = 0, b = 1, sab = 0, sbb = 0;
  for (double v : x) {
    sab += (v - a) * b;
    sbb += b * b;
    a = (1 - alpha) * a + alpha * v;
    b *= 1 - alpha;
  }
  Ses s;
  s.alpha = alpha;
  s.level0 = sab / sbb;
  double level = s.level0;
  for (double v : x) {
    const double e = v - level;
    s.sse += e * e;
    level += alpha * e;
  }
  s.level = level;
  return s;
}

// Grid, then golden-section refinement around the best grid point.
Ses FitSes(const std::vector<double>& x) {
  constexpr int kGrid = 50;
  Ses best = FitSesAt(x, kMinAlpha);
  int best_i = 0;
  for (int i = 1; i <= kGrid; ++i) {
    const Ses s = FitSesAt(x, kMinAlpha + (kMaxAlpha - kMinAlpha) * i / kGrid);
    if (s.sse < best.sse) {
      best = s;
      best_i = i;
    }
  }
  const double step = (kMaxAlpha - kMinAlpha) / kGrid;
  double lo = std::max(kMinAlpha, kMinAlpha + step * (best_i - 1));
  double hi = std::min(kMaxAlpha, kMinAlpha + step * (best_i + 1));
  const double g = (std::sqrt(5.0) - 1) / 2;
  for (int it = 0; it < 60 && hi - lo > 1e-10; ++it) {
    const double c = hi - g * (hi - lo), d = lo + g * (hi - lo);
    if (FitSesAt(x, c).sse < FitSesAt(x, d).sse) {
      hi = d;
    } else {
      lo = c;
    }
  }
  const Ses refined = FitSesAt(x, (lo + hi) / 2);
  return refined.sse < best.sse ? refined : best;
}

// Autocorrelation test of forecast::thetaf.
bool SeasonalityIsSignificant(absl::Span<const double> y, int m) {
  const size_t n = y.size();
  double mean = 0;
  for (double v : y) mean += v / static_cast<double>(n);
  double c0 = 0;
  for (double v : y) c0 += (v - mean) * (v - mean);
  std::vector<double> r(m + 1, 0);
  for (int k = 1; k <= m; ++k) {
    double c = 0;
    for (size_t t = k; t < n; ++t) c += (y[t] - mean) * (y[t - k] - mean);
    r[k] = c / c0;
  }
  double sum = 0;
  for (int k = 1; k < m; ++k) sum += r[k] * r[k];
  const double stat = std::sqrt((1 + 2 * sum) / static_cast<double>(n));
  return std::abs(r[m]) / stat > kSeasonalZ;
}

// Classical multiplicative seasonal indices (R's decompose), one per value;
// nullopt when the centred moving average is not positive somewhere.
std::optional<std::vector<double>> MultiplicativeIndices(
    absl::Span<const double> y, int m) {
  const int n = static_cast<int>(y.size());
  const int half = m / 2;
  std::vector<double> sum(m, 0), count(m, 0);
  for (int t = half; t + half < n; ++t) {
    double trend = 0;
    if (m % 2 == 1) {
      for (int k = -half; k <= half; ++k) trend += y[t + k];
    } else {
      trend = 0.5 * (y[t - half] + y[t + half]);
      for (int k = -half + 1; k < half; ++k) trend += y[t + k];
    }
    trend /= m;
    if (!(trend > 0)) return std::nullopt;
    sum[t % m] += y[t] / trend;
    count[t % m] += 1;
  }
  std::vector<double> figure(m);
  double mean = 0;
  for (int i = 0; i < m; ++i) {
    figure[i] = sum[i] / count[i];
    mean += figure[i] / m;
  }
  std::vector<double> index(n);
  for (int t = 0; t < n; ++t) index[t] = figure[t % m] / mean;
  return index;
}

}  // namespace

absl::StatusOr<ForecastResult> ThetaForecast(absl::Span<const double> history,
                                             const ForecastSpec& spec) {
  SHOPML_RETURN_IF_ERROR(ValidateModelForecastSpec(spec));
  if (spec.season_length < 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "season_length: must be >= 1, got %d", spec.season_length));
  }
  if (history.size() < 3) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "history: needs at least 3 values, got %d", history.size()));
  }
  for (size_t i = 0; i < history.size(); ++i) {
    if (!std::isfinite(history[i])) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "history[%d]: must be finite, got %g", i, history[i]));
    }
  }
  const int n = static_cast<int>(history.size());
  const int m = spec.season_length;
  ForecastResult result;
  result.model = "theta";
  std::vector<double> x(history.begin(), history.end());
  std::optional<std::vector<double>> index;
  if (m > 1 && n > 2 * m && !IsConstant(history) &&
      SeasonalityIsSignificant(history, m)) {
    index = MultiplicativeIndices(history, m);
    if (index.has_value() &&
        std::any_of(index->begin(), index->end(),
                    [](double s) { return std::abs(s) < kMinSeasonalIndex; })) {
      index.reset();
    }
    if (!index.has_value()) {
      result.notes.push_back(
          "seasonality is significant but the multiplicative indices are "
          "degenerate (zero or non-positive level): no seasonal adjustment");
    } else {
      for (int t = 0; t < n; ++t) x[t] /= (*index)[t];
    }
  }
  const Ses ses = FitSes(x);
  // Least-squares slope of x on 0..n-1.
  const double tmean = (n - 1) / 2.0;
  double xmean = 0;
  for (double v : x) xmean += v / n;
  double sxy = 0, sxx = 0;
  for (int t = 0; t < n; ++t) {
    sxy += (t - tmean) * (x[t] - xmean);
    sxx += (t - tmean) * (t - tmean);
  }
  const double drift = sxy / sxx / 2;
  const double alpha = std::max(1e-10, ses.alpha);
  const double offset = (1 - std::pow(1 - alpha, n)) / alpha;
  const double sigma2 = ses.sse / (n - 2);
  const double sigma = std::sqrt(sigma2);
  const auto clamp = [&](double v) {
    return spec.non_negative ? std::max(0.0, v) : v;
  };
  const auto mean_at = [&](int h) {  // h >= 1.
    double v = ses.level + drift * (h - 1 + offset);
    if (index.has_value()) v *= (*index)[n - m + (h - 1) % m];
    return v;
  };
  for (int h = 1; h <= spec.horizon; ++h) {
    const double mean = mean_at(h);
    const double se = sigma * std::sqrt((h - 1) * alpha * alpha + 1);
    ForecastPointResult point;
    point.mean = clamp(mean);
    for (double level : spec.levels) {
      const double half = NormalQuantile(0.5 + level / 200) * se;
      point.intervals.push_back(
          {level, clamp(mean - half), clamp(mean + half)});
    }
    result.points.push_back(std::move(point));
  }
  result.details = {{"alpha", alpha},
                    {"level", ses.level},
                    {"drift", drift},
                    {"seasonal", index.has_value() ? 1.0 : 0.0},
                    {"sigma2", sigma2}};
  if (spec.lead_time > 0) {
    const int lead = spec.lead_time;
    double demand = 0, variance = 0;
    for (int h = 1; h <= lead; ++h) demand += clamp(mean_at(h));
    for (int u = 1; u <= lead; ++u) {
      const double c = 1 + alpha * (lead - u);
      variance += c * c;
    }
    result.has_inventory = true;
    result.inventory.lead_time = lead;
    result.inventory.service_level = spec.service_level;
    result.inventory.lead_time_demand = demand;
    result.inventory.safety_stock =
        std::max(0.0, NormalQuantile(spec.service_level / 100) * sigma *
                          std::sqrt(variance));
    result.inventory.reorder_point = demand + result.inventory.safety_stock;
  }
  return result;
}

}  // namespace shopml::core
