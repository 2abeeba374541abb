#include "core/forecast/arima.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/forecast/arima_likelihood.h"
#include "core/forecast/arima_optimizer.h"

namespace shopml::core {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Shrink factor per lag applied to a non-invertible CSS MA part before it
// seeds the ML step (moves every root outward by 1 / kMaShrink).
constexpr double kMaShrink = 0.9;

absl::Status CheckRange(const char* field, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must be in [%d, %d], got %d", field, lo, hi, value));
  }
  return absl::OkStatus();
}

absl::Status ValidateOrder(const ArimaOrder& o) {
  for (const absl::Status& s :
       {CheckRange("order.p", o.p, 0, kMaxArmaOrder),
        CheckRange("order.d", o.d, 0, kMaxDifferences),
        CheckRange("order.q", o.q, 0, kMaxArmaOrder),
        CheckRange("order.seasonal_p", o.seasonal_p, 0, kMaxSeasonalOrder),
        CheckRange("order.seasonal_d", o.seasonal_d, 0, kMaxSeasonalDiffs),
        CheckRange("order.seasonal_q", o.seasonal_q, 0, kMaxSeasonalOrder),
        CheckRange("order.period", o.period, 1, kMaxArimaPeriod)}) {
    if (!s.ok()) return s;
  }
  if (o.period < 2 && o.seasonal_p + o.seasonal_d + o.seasonal_q > 0) {
    return absl::InvalidArgumentError(
        "order.period: seasonal orders need a period >= 2, got 1");
  }
  return absl::OkStatus();
}

// Where each group of coefficients sits in the optimiser's vector.
struct Layout {
  int p, q, sp, sq, period;
  bool constant;
  double mu0, mu_scale;  // mu = mu0 + mu_scale * x[last].
  int size() const { return p + q + sp + sq + (constant ? 1 : 0); }
};

struct Coefficients {
  std::vector<double> ar, ma, sar, sma;
  double mu = 0;
};

// Reads x; with `transform`, the AR and MA groups are partial
// autocorrelations (PacfToAr), MA negated.
Coefficients Unpack(const std::vector<double>& x, const Layout& l,
                    bool transform) {
  Coefficients c;
  const auto group = [&](int begin, int count, double sign) {
    const absl::Span<const double> raw(x.data() + begin, count);
    std::vector<double> v =
        transform ? PacfToAr(raw) : std::vector<double>(raw.begin(), raw.end());
    if (transform) {
      for (double& e : v) e *= sign;
    }
    return v;
  };
  int at = 0;
  c.ar = group(at, l.p, 1);
  at += l.p;
  c.ma = group(at, l.q, -1);
  at += l.q;
  c.sar = group(at, l.sp, 1);
  at += l.sp;
  c.sma = group(at, l.sq, -1);
  at += l.sq;
  c.mu = l.constant ? l.mu0 + l.mu_scale * x[at] : 0;
  return c;
}

std::vector<double> Centred(const std::vector<double>& w, double mu) {
  std::vector<double> c(w.size());
  for (size_t i = 0; i < w.size(); ++i) c[i] = w[i] - mu;
  return c;
}

// Inverse of the transform for one group: false when outside the region.
bool ToRaw(const std::vector<double>& coef, double sign,
           std::vector<double>* raw) {
  std::vector<double> ar(coef.size());
  for (size_t i = 0; i < coef.size(); ++i) ar[i] = sign * coef[i];
  return ArToPacf(ar, raw);
}

// The ML starting point from CSS estimates: AR groups must be stationary
// (else all start at 0, as R would refuse them); MA groups are shrunk until
// invertible.
std::vector<double> MlStart(const Coefficients& css, const Layout& l,
                            const std::vector<double>& css_x) {
  std::vector<double> x(l.size(), 0);
  std::vector<double> raw, seasonal_raw;
  if (ToRaw(css.ar, 1, &raw) && ToRaw(css.sar, 1, &seasonal_raw)) {
    std::copy(raw.begin(), raw.end(), x.begin());
    std::copy(seasonal_raw.begin(), seasonal_raw.end(), x.begin() + l.p + l.q);
  }
  const auto ma_group = [&](std::vector<double> theta, int begin) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (ToRaw(theta, -1, &raw)) {
        std::copy(raw.begin(), raw.end(), x.begin() + begin);
        return;
      }
      double factor = kMaShrink;
      for (double& t : theta) {
        t *= factor;
        factor *= kMaShrink;
      }
    }
  };
  ma_group(css.ma, l.p);
  ma_group(css.sma, l.p + l.q + l.sp);
  if (l.constant) x.back() = css_x.back();
  return x;
}

void SetCriteria(double loglik, ArimaModel* m) {
  const double n = m->num_used;
  const double k = m->num_parameters + 1;
  m->log_likelihood = loglik;
  if (!std::isfinite(loglik)) {
    m->aic = m->aicc = m->bic = kInf;
    return;
  }
  m->aic = -2 * loglik + 2 * k;
  m->aicc = n - k - 1 > 0 ? m->aic + 2 * k * (k + 1) / (n - k - 1) : kInf;
  m->bic = m->aic + k * (std::log(n) - 2);
}

// Harvey's predicted state a_(T+1|T) given the series and residuals: the
// state at T, a_0 = w_T, a_i = sum_(k = i..r-1) phi_(k+1) w_(T+i-1-k) +
// theta_k e_(T+i-k), moved one step by the transition.
std::vector<double> HarveyState(const std::vector<double>& w,
                                const std::vector<double>& e,
                                const std::vector<double>& phi,
                                const std::vector<double>& theta) {
  const int p = static_cast<int>(phi.size());
  const int q = static_cast<int>(theta.size());
  const int r = std::max(p, q + 1);
  const int t = static_cast<int>(w.size()) - 1;
  std::vector<double> a(r, 0);
  a[0] = w[t];
  for (int i = 1; i < r; ++i) {
    for (int k = i; k < r; ++k) {
      if (k < p && t + i - 1 - k >= 0) a[i] += phi[k] * w[t + i - 1 - k];
      if (k <= q && t + i - k >= 0) a[i] += theta[k - 1] * e[t + i - k];
    }
  }
  std::vector<double> next(r);
  for (int i = 0; i < r; ++i) {
    next[i] = (i < p ? phi[i] : 0) * a[0] + (i + 1 < r ? a[i + 1] : 0);
  }
  return next;
}

}  // namespace

absl::StatusOr<ArimaModel> FitArima(absl::Span<const double> y,
                                    const ArimaOrder& order,
                                    const ArimaFitOptions& options) {
  if (absl::Status s = ValidateOrder(order); !s.ok()) return s;
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) {
      return absl::InvalidArgumentError(
          absl::StrFormat("y[%d]: must be finite, got %g", i, y[i]));
    }
  }
  const int diffs = order.d + order.seasonal_d;
  if (options.include_constant && diffs >= 2) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "include_constant: needs d + D <= 1, got d + D = %d", diffs));
  }
  const std::vector<double> delta =
      DifferencingPolynomial(order.d, order.seasonal_d, order.period);
  const std::vector<double> w = Difference(y, delta);
  const int m = order.period;
  const int num_parameters = order.p + order.q + order.seasonal_p +
                             order.seasonal_q +
                             (options.include_constant ? 1 : 0);
  const int ar_full = order.p + m * order.seasonal_p;
  const int needed = std::max(num_parameters + 3, ar_full + 2);
  if (static_cast<int>(w.size()) < needed) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "y: %d values leave %d after differencing; this order needs %d",
        y.size(), w.size(), needed));
  }

  Layout layout{order.p,
                order.q,
                order.seasonal_p,
                order.seasonal_q,
                m,
                options.include_constant,
                0,
                1};
  if (layout.constant) {
    double mean = 0, squares = 0;
    for (double v : w) mean += v / static_cast<double>(w.size());
    for (double v : w) squares += (v - mean) * (v - mean);
    const double sd = std::sqrt(squares / static_cast<double>(w.size()));
    layout.mu0 = mean;
    layout.mu_scale =
        sd > 0 ? sd / std::sqrt(static_cast<double>(w.size())) : 1;
  }
  const auto objective = [&](const std::vector<double>& x, bool transform) {
    const Coefficients c = Unpack(x, layout, transform);
    const std::vector<double> phi = ExpandSeasonal(c.ar, c.sar, m, -1);
    const std::vector<double> theta = ExpandSeasonal(c.ma, c.sma, m, 1);
    const std::vector<double> centred = Centred(w, c.mu);
    return transform ? ExactObjective(centred, phi, theta)
                     : CssObjective(centred, phi, theta);
  };

  const BfgsResult css = MinimizeBfgs(
      [&](const std::vector<double>& x) { return objective(x, false); },
      std::vector<double>(layout.size(), 0));
  std::vector<double> x = css.x;
  bool transformed = false;
  if (options.method == ArimaMethod::kCssMl) {
    std::vector<double> start =
        MlStart(Unpack(css.x, layout, false), layout, css.x);
    if (!std::isfinite(objective(start, true))) {
      start.assign(layout.size(), 0);
    }
    const BfgsResult ml = MinimizeBfgs(
        [&](const std::vector<double>& v) { return objective(v, true); },
        start);
    if (!std::isfinite(ml.value)) {
      return absl::FailedPreconditionError(
          "no finite likelihood for this order: the series may be too short "
          "or degenerate");
    }
    x = ml.x;
    transformed = true;
  }

  const Coefficients c = Unpack(x, layout, transformed);
  ArimaModel model;
  model.order = order;
  model.method = options.method;
  model.has_constant = layout.constant;
  model.ar = c.ar;
  model.ma = c.ma;
  model.seasonal_ar = c.sar;
  model.seasonal_ma = c.sma;
  model.constant = c.mu;
  model.num_used = static_cast<int>(w.size());
  model.num_parameters = num_parameters;
  const std::vector<double> phi = ExpandSeasonal(c.ar, c.sar, m, -1);
  const std::vector<double> theta = ExpandSeasonal(c.ma, c.sma, m, 1);
  const std::vector<double> centred = Centred(w, c.mu);
  const size_t lag = delta.size() - 1;
  model.last_values.assign(y.end() - lag, y.end());
  model.residuals.assign(y.size(), 0);

  ArmaFilterResult filter;
  // CSS estimates may lie anywhere; the filter needs a stationary AR part.
  const bool stationary = phi.empty() || MinRootModulus(phi) > 1;
  const bool filtered =
      stationary && ArmaKalmanFilter(centred, phi, theta, true, &filter);
  if (!filtered && options.method == ArimaMethod::kCssMl) {
    return absl::FailedPreconditionError("Kalman filter failed at the optimum");
  }
  double loglik = -kInf;
  double ssq = 0;
  if (filtered && filter.ssq > 0) {
    const double n = filter.n;
    loglik = -0.5 * (n * std::log(filter.ssq / n) + filter.sum_log_gain + n +
                     n * std::log(2 * std::numbers::pi));
    if (options.method == ArimaMethod::kCssMl) model.state = filter.state;
  }
  if (options.method == ArimaMethod::kCssMl) {
    ssq = filter.ssq;
    std::copy(filter.residuals.begin(), filter.residuals.end(),
              model.residuals.begin() + lag);
  } else {
    std::vector<double> e;
    CssObjective(centred, phi, theta, &e);
    for (double v : e) ssq += v * v;
    std::copy(e.begin(), e.end(), model.residuals.begin() + lag);
    // The conditional state, consistent with the CSS residuals.
    model.state = HarveyState(centred, e, phi, theta);
  }
  SetCriteria(loglik, &model);
  const double dof = model.num_used - num_parameters;
  model.sigma2 = dof > 0 ? ssq / dof : ssq;
  return model;
}

}  // namespace shopml::core
