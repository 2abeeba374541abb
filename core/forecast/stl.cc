#include "core/forecast/stl.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace shopml::core {
namespace {

// Loess fit at abscissa xs (1-based, as the Fortran) from y[nleft..nright]
// with tricube weights over half-width h; degree 1 adds the local slope.
// Returns false when every weight is 0.
bool LoessAt(const double* y, int n, int len, int degree, double xs, int nleft,
             int nright, double* w, bool use_rw, const double* rw,
             double* out) {
  const double range = n - 1.0;
  double h = std::max(xs - nleft, nright - xs);
  if (len > n) h += (len - n) / 2;
  const double h9 = 0.999 * h, h1 = 0.001 * h;
  double a = 0;
  for (int j = nleft; j <= nright; ++j) {
    w[j - 1] = 0;
    const double r = std::abs(j - xs);
    if (r <= h9) {
      if (r <= h1) {
        w[j - 1] = 1;
      } else {
        const double u = r / h;
        const double c = 1 - u * u * u;
        w[j - 1] = c * c * c;
      }
      if (use_rw) w[j - 1] *= rw[j - 1];
      a += w[j - 1];
    }
  }
  if (a <= 0) return false;
  for (int j = nleft; j <= nright; ++j) w[j - 1] /= a;
  if (h > 0 && degree > 0) {
    a = 0;
    for (int j = nleft; j <= nright; ++j) a += w[j - 1] * j;
    double b = xs - a, c = 0;
    for (int j = nleft; j <= nright; ++j) c += w[j - 1] * (j - a) * (j - a);
    if (std::sqrt(c) > 0.001 * range) {
      b /= c;
      for (int j = nleft; j <= nright; ++j) {
        w[j - 1] *= b * (j - a) + 1;
      }
    }
  }
  double s = 0;
  for (int j = nleft; j <= nright; ++j) s += w[j - 1] * y[j - 1];
  *out = s;
  return true;
}

// Loess smooth of y[0..n) into ys, evaluated every `jump` points (stless).
void LoessSmooth(const double* y, int n, int len, int degree, int jump,
                 bool use_rw, const double* rw, double* ys, double* work) {
  if (n < 2) {
    ys[0] = y[0];
    return;
  }
  const int nj = std::min(jump, n - 1);
  int nleft = 1, nright = n;
  if (len >= n) {
    for (int i = 1; i <= n; i += nj) {
      if (!LoessAt(y, n, len, degree, i, 1, n, work, use_rw, rw, &ys[i - 1])) {
        ys[i - 1] = y[i - 1];
      }
    }
  } else if (nj == 1) {
    const int nsh = (len + 1) / 2;
    nleft = 1;
    nright = len;
    for (int i = 1; i <= n; ++i) {
      if (i > nsh && nright != n) {
        ++nleft;
        ++nright;
      }
      if (!LoessAt(y, n, len, degree, i, nleft, nright, work, use_rw, rw,
                   &ys[i - 1])) {
        ys[i - 1] = y[i - 1];
      }
    }
  } else {
    const int nsh = (len + 1) / 2;
    for (int i = 1; i <= n; i += nj) {
      if (i < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - nsh + 1;
        nright = len + i - nsh;
      }
      if (!LoessAt(y, n, len, degree, i, nleft, nright, work, use_rw, rw,
                   &ys[i - 1])) {
        ys[i - 1] = y[i - 1];
      }
    }
  }
  if (nj == 1) return;
  for (int i = 1; i <= n - nj; i += nj) {
    const double delta = (ys[i + nj - 1] - ys[i - 1]) / nj;
    for (int j = i + 1; j <= i + nj - 1; ++j) {
      ys[j - 1] = ys[i - 1] + delta * (j - i);
    }
  }
  const int k = ((n - 1) / nj) * nj + 1;
  if (k != n) {
    if (!LoessAt(y, n, len, degree, n, nleft, nright, work, use_rw, rw,
                 &ys[n - 1])) {
      ys[n - 1] = y[n - 1];
    }
    if (k != n - 1) {
      const double delta = (ys[n - 1] - ys[k - 1]) / (n - k);
      for (int j = k + 1; j <= n - 1; ++j) {
        ys[j - 1] = ys[k - 1] + delta * (j - k);
      }
    }
  }
}

// Moving average of length len: out has n - len + 1 values.
void MovingAverage(const double* x, int n, int len, double* out) {
  double v = 0;
  for (int i = 0; i < len; ++i) v += x[i];
  out[0] = v / len;
  for (int j = 1; j <= n - len; ++j) {
    v += x[j + len - 1] - x[j - 1];
    out[j] = v / len;
  }
}

struct Params {
  int n, np, ns, nt, nl, isdeg, itdeg, ildeg, nsjump, ntjump, nljump;
};

// Cycle-subseries smoothing (stlss): season has n + 2 np values.
void SmoothSubseries(const double* y, const Params& p, bool use_rw,
                     const double* rw, double* season) {
  const int np = p.np;
  std::vector<double> sub, sub_rw, fit, work;
  for (int j = 1; j <= np; ++j) {
    const int k = (p.n - j) / np + 1;
    sub.assign(k, 0);
    sub_rw.assign(k, 1);
    fit.assign(k + 2, 0);
    work.assign(k, 0);
    for (int i = 1; i <= k; ++i) {
      sub[i - 1] = y[(i - 1) * np + j - 1];
      if (use_rw) sub_rw[i - 1] = rw[(i - 1) * np + j - 1];
    }
    LoessSmooth(sub.data(), k, p.ns, p.isdeg, p.nsjump, use_rw, sub_rw.data(),
                fit.data() + 1, work.data());
    const int nright = std::min(p.ns, k);
    if (!LoessAt(sub.data(), k, p.ns, p.isdeg, 0, 1, nright, work.data(),
                 use_rw, sub_rw.data(), &fit[0])) {
      fit[0] = fit[1];
    }
    const int nleft = std::max(1, k - p.ns + 1);
    if (!LoessAt(sub.data(), k, p.ns, p.isdeg, k + 1, nleft, k, work.data(),
                 use_rw, sub_rw.data(), &fit[k + 1])) {
      fit[k + 1] = fit[k];
    }
    for (int m = 1; m <= k + 2; ++m) season[(m - 1) * np + j - 1] = fit[m - 1];
  }
}

// One inner loop pass set (stlstp).
void InnerLoop(const double* y, const Params& p, int iterations, bool use_rw,
               const double* rw, double* season, double* trend) {
  const int n = p.n, np = p.np;
  std::vector<double> w1(n + 2 * np), w2(n + 2 * np), w3(n + 2 * np),
      work(n + 2 * np);
  for (int it = 0; it < iterations; ++it) {
    for (int i = 0; i < n; ++i) w1[i] = y[i] - trend[i];
    SmoothSubseries(w1.data(), p, use_rw, rw, w2.data());
    MovingAverage(w2.data(), n + 2 * np, np, w3.data());
    MovingAverage(w3.data(), n + np + 1, np, w1.data());
    MovingAverage(w1.data(), n + 2, 3, w3.data());
    LoessSmooth(w3.data(), n, p.nl, p.ildeg, p.nljump, false, rw, w1.data(),
                work.data());
    for (int i = 0; i < n; ++i) season[i] = w2[np + i] - w1[i];
    for (int i = 0; i < n; ++i) w1[i] = y[i] - season[i];
    LoessSmooth(w1.data(), n, p.nt, p.itdeg, p.ntjump, use_rw, rw, trend,
                work.data());
  }
}

// Bisquare robustness weights from the remainder (stlrwt).
void RobustnessWeights(const double* y, int n, const double* fit, double* rw) {
  std::vector<double> r(n);
  for (int i = 0; i < n; ++i) r[i] = std::abs(y[i] - fit[i]);
  std::vector<double> sorted = r;
  const int mid1 = n / 2, mid2 = n - mid1 - 1;  // 0-based middle pair.
  std::nth_element(sorted.begin(), sorted.begin() + mid1, sorted.end());
  const double a = sorted[mid1];
  std::nth_element(sorted.begin(), sorted.begin() + mid2, sorted.end());
  const double cmad = 3 * (a + sorted[mid2]);
  const double c9 = 0.999 * cmad, c1 = 0.001 * cmad;
  for (int i = 0; i < n; ++i) {
    if (r[i] <= c1) {
      rw[i] = 1;
    } else if (r[i] <= c9) {
      const double u = r[i] / cmad;
      rw[i] = (1 - u * u) * (1 - u * u);
    } else {
      rw[i] = 0;
    }
  }
}

int NextOdd(int x) { return x % 2 == 0 ? x + 1 : x; }

absl::Status Validate(absl::Span<const double> y, const StlOptions& o) {
  if (o.period < 2) {
    return absl::InvalidArgumentError(
        absl::StrFormat("period: must be >= 2, got %d", o.period));
  }
  if (o.seasonal_window != kStlPeriodic && o.seasonal_window < 3) {
    return absl::InvalidArgumentError(
        absl::StrFormat("seasonal_window: must be >= 3 or kStlPeriodic, got %d",
                        o.seasonal_window));
  }
  if (o.seasonal_degree < 0 || o.seasonal_degree > 1 || o.trend_degree < 0 ||
      o.trend_degree > 1) {
    return absl::InvalidArgumentError(
        "seasonal_degree, trend_degree: must be 0 or 1");
  }
  if (o.trend_window < 0 || o.low_pass_window < 0 || o.seasonal_jump < 0 ||
      o.trend_jump < 0 || o.low_pass_jump < 0) {
    return absl::InvalidArgumentError(
        "trend_window, low_pass_window, *_jump: must be >= 0");
  }
  if (y.size() <= 2 * static_cast<size_t>(o.period)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("y: needs more than two periods (%d values), got %d",
                        2 * o.period, y.size()));
  }
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) {
      return absl::InvalidArgumentError(
          absl::StrFormat("y[%d]: must be finite, got %g", i, y[i]));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<StlDecomposition> Stl(absl::Span<const double> y,
                                     const StlOptions& o) {
  if (absl::Status s = Validate(y, o); !s.ok()) return s;
  const int n = static_cast<int>(y.size());
  const bool periodic = o.seasonal_window == kStlPeriodic;
  const int s_window = periodic ? 10 * n + 1 : o.seasonal_window;
  const int s_degree = periodic ? 0 : o.seasonal_degree;
  const int t_window = o.trend_window > 0
                           ? o.trend_window
                           : NextOdd(static_cast<int>(std::ceil(
                                 1.5 * o.period / (1 - 1.5 / s_window))));
  const int l_window =
      o.low_pass_window > 0 ? o.low_pass_window : NextOdd(o.period);
  const auto jump = [](int given, int window) {
    return given > 0 ? given : (window + 9) / 10;
  };
  Params p;
  p.n = n;
  p.np = o.period;
  p.ns = NextOdd(std::max(3, s_window));
  p.nt = NextOdd(std::max(3, t_window));
  p.nl = NextOdd(std::max(3, l_window));
  p.isdeg = s_degree;
  p.itdeg = o.trend_degree;
  p.ildeg = o.trend_degree;
  p.nsjump = jump(o.seasonal_jump, s_window);
  p.ntjump = jump(o.trend_jump, t_window);
  p.nljump = jump(o.low_pass_jump, l_window);
  const int inner =
      o.inner_iterations >= 0 ? o.inner_iterations : (o.robust ? 1 : 2);
  const int outer =
      o.outer_iterations >= 0 ? o.outer_iterations : (o.robust ? 15 : 0);

  StlDecomposition d;
  d.seasonal.assign(n, 0);
  d.trend.assign(n, 0);
  d.weights.assign(n, 1);
  std::vector<double> fit(n);
  bool use_rw = false;
  for (int k = 0;; ++k) {
    InnerLoop(y.data(), p, std::max(1, inner), use_rw, d.weights.data(),
              d.seasonal.data(), d.trend.data());
    if (k + 1 > outer) break;
    for (int i = 0; i < n; ++i) fit[i] = d.trend[i] + d.seasonal[i];
    RobustnessWeights(y.data(), n, fit.data(), d.weights.data());
    use_rw = true;
  }
  if (outer <= 0) std::fill(d.weights.begin(), d.weights.end(), 1.0);
  if (periodic) {
    std::vector<double> sum(o.period, 0), count(o.period, 0);
    for (int i = 0; i < n; ++i) {
      sum[i % o.period] += d.seasonal[i];
      count[i % o.period] += 1;
    }
    for (int i = 0; i < n; ++i) {
      d.seasonal[i] = sum[i % o.period] / count[i % o.period];
    }
  }
  d.remainder.resize(n);
  for (int i = 0; i < n; ++i)
    d.remainder[i] = y[i] - d.seasonal[i] - d.trend[i];
  return d;
}

}  // namespace shopml::core
