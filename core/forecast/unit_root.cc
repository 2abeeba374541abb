#include "core/forecast/unit_root.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/forecast/mstl.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr double kSeasonalStrengthThreshold = 0.64;

absl::Status CheckSeries(absl::Span<const double> y) {
  if (y.empty()) return absl::InvalidArgumentError("y: must not be empty");
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) {
      return absl::InvalidArgumentError(
          absl::StrFormat("y[%d]: must be finite, got %g", i, y[i]));
    }
  }
  return absl::OkStatus();
}

double Variance(const std::vector<double>& x) {
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double s = 0;
  for (double v : x) s += (v - mean) * (v - mean);
  return s / static_cast<double>(x.size() - 1);
}

std::vector<double> Diff(absl::Span<const double> y, size_t lag) {
  std::vector<double> d;
  for (size_t t = lag; t < y.size(); ++t) d.push_back(y[t] - y[t - lag]);
  return d;
}

}  // namespace

bool IsConstant(absl::Span<const double> y) {
  return std::all_of(y.begin(), y.end(), [&](double v) { return v == y[0]; });
}

int KpssDefaultLags(int n) {
  return static_cast<int>(std::trunc(3 * std::sqrt(n) / 13));
}

double KpssStatistic(absl::Span<const double> y, int lags) {
  const size_t n = y.size();
  double mean = 0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(n);
  std::vector<double> e(n);
  for (size_t t = 0; t < n; ++t) e[t] = y[t] - mean;
  double eta = 0, partial = 0, s2 = 0;
  for (size_t t = 0; t < n; ++t) {
    partial += e[t];
    eta += partial * partial;
    s2 += e[t] * e[t];
  }
  const double nd = static_cast<double>(n);
  s2 /= nd;
  for (int k = 1; k <= lags; ++k) {
    double c = 0;
    for (size_t t = k; t < n; ++t) c += e[t] * e[t - k];
    s2 += 2.0 / nd * (1 - k / (lags + 1.0)) * c;
  }
  return eta / (nd * nd) / s2;
}

double KpssPValue(double statistic) {
  static constexpr double kCritical[] = {0.347, 0.463, 0.574, 0.739};
  static constexpr double kLevel[] = {0.10, 0.05, 0.025, 0.01};
  if (statistic <= kCritical[0]) return kLevel[0];
  for (int i = 1; i < 4; ++i) {
    if (statistic <= kCritical[i]) {
      const double f =
          (statistic - kCritical[i - 1]) / (kCritical[i] - kCritical[i - 1]);
      return kLevel[i - 1] + f * (kLevel[i] - kLevel[i - 1]);
    }
  }
  return kLevel[3];
}

absl::StatusOr<int> Ndiffs(absl::Span<const double> y, double alpha,
                           int max_d) {
  SHOPML_RETURN_IF_ERROR(CheckSeries(y));
  if (max_d < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_d: must be >= 0, got %d", max_d));
  }
  alpha = std::clamp(alpha, 0.01, 0.1);
  std::vector<double> x(y.begin(), y.end());
  const auto rejects = [&](const std::vector<double>& v) {
    const int n = static_cast<int>(v.size());
    if (n < 2) return false;
    return KpssPValue(KpssStatistic(v, std::min(KpssDefaultLags(n), n - 1))) <
           alpha;
  };
  int d = 0;
  if (IsConstant(x)) return d;
  bool more = rejects(x);
  while (more && d < max_d) {
    ++d;
    x = Diff(x, 1);
    if (x.size() < 2 || IsConstant(x)) return d;
    more = rejects(x);
  }
  return d;
}

absl::StatusOr<double> SeasonalStrength(absl::Span<const double> y,
                                        int period) {
  SHOPML_RETURN_IF_ERROR(CheckSeries(y));
  if (period < 2) {
    return absl::InvalidArgumentError(
        absl::StrFormat("period: must be >= 2, got %d", period));
  }
  if (y.size() <= 2 * static_cast<size_t>(period)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "y: needs more than %d values, got %d", 2 * period, y.size()));
  }
  MstlOptions options;
  options.periods = {period};
  SHOPML_ASSIGN_OR_RETURN(MstlDecomposition d, Mstl(y, options));
  if (d.seasonals.empty()) return 0.0;
  std::vector<double> detrended(y.size());
  for (size_t t = 0; t < y.size(); ++t) {
    detrended[t] = d.remainder[t] + d.seasonals[0][t];
  }
  const double total = Variance(detrended);
  if (!(total > 0)) return 0.0;
  return std::clamp(1 - Variance(d.remainder) / total, 0.0, 1.0);
}

absl::StatusOr<int> Nsdiffs(absl::Span<const double> y, int period, int max_d) {
  SHOPML_RETURN_IF_ERROR(CheckSeries(y));
  if (period < 2) {
    return absl::InvalidArgumentError(
        absl::StrFormat("period: must be >= 2, got %d", period));
  }
  if (max_d < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_d: must be >= 0, got %d", max_d));
  }
  const size_t m = static_cast<size_t>(period);
  if (IsConstant(y) || y.size() <= 2 * m) return 0;
  std::vector<double> x(y.begin(), y.end());
  SHOPML_ASSIGN_OR_RETURN(double strength, SeasonalStrength(x, period));
  bool more = strength > kSeasonalStrengthThreshold;
  int d = 0;
  while (more && d < max_d) {
    ++d;
    x = Diff(x, m);
    if (IsConstant(x)) return d;
    more = false;
    if (x.size() > 2 * m && d < max_d) {
      SHOPML_ASSIGN_OR_RETURN(strength, SeasonalStrength(x, period));
      more = strength > kSeasonalStrengthThreshold;
    }
  }
  return d;
}

}  // namespace shopml::core
