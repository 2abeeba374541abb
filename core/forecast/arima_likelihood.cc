#include "core/forecast/arima_likelihood.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <vector>

#include "Eigen/Core"
#include "Eigen/Eigenvalues"
#include "Eigen/LU"

namespace shopml::core {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Relative size of the remaining covariance increments at which the gain is
// frozen; the likelihood changes by less than this times n.
constexpr double kSteadyStateTolerance = 1e-13;

// First column of the stationary covariance of Harvey's state,
// c_k = E[alpha_k x_t] for x the ARMA process with unit innovation variance:
// c_0 = gamma(0) and, for k >= 1,
//   c_k = sum_(l = k..r-1) phi_(l+1) gamma(l + 1 - k) + theta_l psi_(l - k).
// The autocovariances gamma(0..p) solve
//   gamma(k) - sum_i phi_i gamma(|k - i|) = sum_(j = k..q) theta_j psi_(j - k)
// (theta_0 = 1), and later lags follow the AR recursion. Returns false when
// the system is singular or gamma(0) is not positive (phi not stationary).
bool StationaryFirstColumn(const std::vector<double>& phi_r,
                           const std::vector<double>& r_vec, int p, int q,
                           std::vector<double>* column) {
  const int r = static_cast<int>(phi_r.size());
  // psi_0..psi_r of theta(B) / phi(B).
  std::vector<double> psi(r + 1, 0);
  psi[0] = 1;
  for (int j = 1; j <= r; ++j) {
    double v = j <= q ? r_vec[j] : 0;
    for (int i = 1; i <= std::min(j, p); ++i) v += phi_r[i - 1] * psi[j - i];
    psi[j] = v;
  }
  const auto rhs = [&](int k) {
    double v = 0;
    for (int j = k; j <= q; ++j) v += r_vec[j] * psi[j - k];
    return v;
  };
  std::vector<double> gamma(r + 1, 0);
  if (p == 0) {
    for (int k = 0; k <= r; ++k) gamma[k] = rhs(k);
  } else {
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(p + 1, p + 1);
    Eigen::VectorXd b(p + 1);
    for (int k = 0; k <= p; ++k) {
      a(k, k) += 1;
      for (int i = 1; i <= p; ++i) a(k, std::abs(k - i)) -= phi_r[i - 1];
      b(k) = rhs(k);
    }
    const Eigen::PartialPivLU<Eigen::MatrixXd> lu(a);
    const Eigen::VectorXd g = lu.solve(b);
    if (!g.allFinite()) return false;
    for (int k = 0; k <= std::min(p, r); ++k) gamma[k] = g(k);
    for (int k = p + 1; k <= r; ++k) {
      double v = rhs(k);
      for (int i = 1; i <= p; ++i) v += phi_r[i - 1] * gamma[k - i];
      gamma[k] = v;
    }
  }
  if (!(gamma[0] > 0)) return false;
  column->assign(r, 0);
  (*column)[0] = gamma[0];
  for (int k = 1; k < r; ++k) {
    double v = 0;
    for (int l = k; l < r; ++l) {
      v += phi_r[l] * gamma[l + 1 - k] + r_vec[l] * psi[l - k];
    }
    (*column)[k] = v;
  }
  return true;
}

}  // namespace

std::vector<double> ExpandSeasonal(absl::Span<const double> nonseasonal,
                                   absl::Span<const double> seasonal,
                                   int period, double sign) {
  // Work with full polynomials c_0 = 1, c_k = sign * coefficient_k.
  const size_t p = nonseasonal.size();
  const size_t ps = seasonal.size() * static_cast<size_t>(period);
  std::vector<double> a(p + 1, 0), b(ps + 1, 0), c(p + ps + 1, 0);
  a[0] = b[0] = 1;
  for (size_t i = 0; i < p; ++i) a[i + 1] = sign * nonseasonal[i];
  for (size_t j = 0; j < seasonal.size(); ++j) {
    b[(j + 1) * period] = sign * seasonal[j];
  }
  for (size_t i = 0; i <= p; ++i) {
    if (a[i] == 0) continue;
    for (size_t j = 0; j <= ps; ++j) c[i + j] += a[i] * b[j];
  }
  std::vector<double> out(p + ps);
  for (size_t k = 0; k < out.size(); ++k) out[k] = sign * c[k + 1];
  return out;
}

std::vector<double> PacfToAr(absl::Span<const double> raw) {
  const size_t p = raw.size();
  std::vector<double> phi(p), work(p);
  for (size_t k = 0; k < p; ++k) {
    const double r = std::tanh(raw[k]);
    for (size_t j = 0; j < k; ++j) work[j] = phi[j] - r * phi[k - 1 - j];
    for (size_t j = 0; j < k; ++j) phi[j] = work[j];
    phi[k] = r;
  }
  return phi;
}

bool ArToPacf(absl::Span<const double> ar, std::vector<double>* raw) {
  const size_t p = ar.size();
  std::vector<double> phi(ar.begin(), ar.end()), work(p);
  raw->assign(p, 0);
  for (size_t k = p; k-- > 0;) {
    const double r = phi[k];
    if (!(std::abs(r) < 1)) return false;
    (*raw)[k] = std::atanh(r);
    const double denom = 1 - r * r;
    for (size_t j = 0; j < k; ++j) {
      work[j] = (phi[j] + r * phi[k - 1 - j]) / denom;
    }
    for (size_t j = 0; j < k; ++j) phi[j] = work[j];
  }
  return true;
}

double MinRootModulus(absl::Span<const double> c) {
  size_t k = c.size();
  while (k > 0 && std::abs(c[k - 1]) < 1e-12) --k;
  if (k == 0) return kInf;
  // The roots' reciprocals are the eigenvalues of the companion matrix.
  Eigen::MatrixXd companion = Eigen::MatrixXd::Zero(k, k);
  for (size_t i = 0; i < k; ++i) {
    companion(0, i) = c[i];
    if (i + 1 < k) companion(i + 1, i) = 1;
  }
  const Eigen::VectorXcd eig =
      Eigen::EigenSolver<Eigen::MatrixXd>(companion, false).eigenvalues();
  double largest = 0;
  for (Eigen::Index i = 0; i < eig.size(); ++i) {
    largest = std::max(largest, std::abs(eig[i]));
  }
  return largest > 0 ? 1 / largest : kInf;
}

std::vector<double> DifferencingPolynomial(int d, int seasonal_d, int period) {
  std::vector<double> delta = {1};
  const auto multiply = [&delta](int lag) {
    std::vector<double> next(delta.size() + lag, 0);
    for (size_t i = 0; i < delta.size(); ++i) {
      next[i] += delta[i];
      next[i + lag] -= delta[i];
    }
    delta = std::move(next);
  };
  for (int i = 0; i < d; ++i) multiply(1);
  for (int i = 0; i < seasonal_d; ++i) multiply(period);
  return delta;
}

std::vector<double> Difference(absl::Span<const double> y,
                               absl::Span<const double> delta) {
  const size_t lag = delta.size() - 1;
  std::vector<double> w;
  if (y.size() <= lag) return w;
  w.reserve(y.size() - lag);
  for (size_t t = lag; t < y.size(); ++t) {
    double v = 0;
    for (size_t j = 0; j <= lag; ++j) v += delta[j] * y[t - j];
    w.push_back(v);
  }
  return w;
}

std::vector<double> PsiWeights(absl::Span<const double> phi,
                               absl::Span<const double> theta,
                               absl::Span<const double> delta, int count) {
  // Full AR polynomial phi(B) delta(B) as coefficients a_0 = 1, a_1, ...
  std::vector<double> a(phi.size() + delta.size(), 0);
  for (size_t j = 0; j < delta.size(); ++j) {
    a[j] += delta[j];
    for (size_t i = 0; i < phi.size(); ++i) a[i + 1 + j] -= phi[i] * delta[j];
  }
  std::vector<double> psi(count, 0);
  if (count == 0) return psi;
  psi[0] = 1;
  for (int j = 1; j < count; ++j) {
    double v = j <= static_cast<int>(theta.size()) ? theta[j - 1] : 0;
    const int top = std::min<int>(j, static_cast<int>(a.size()) - 1);
    for (int i = 1; i <= top; ++i) v -= a[i] * psi[j - i];
    psi[j] = v;
  }
  return psi;
}

double CssObjective(absl::Span<const double> w, absl::Span<const double> phi,
                    absl::Span<const double> theta,
                    std::vector<double>* residuals) {
  const int n = static_cast<int>(w.size());
  const int p = static_cast<int>(phi.size());
  const int q = static_cast<int>(theta.size());
  if (n - p < 1) return kInf;
  std::vector<double> local;
  std::vector<double>& e = residuals != nullptr ? *residuals : local;
  e.assign(n, 0);
  double ssq = 0;
  for (int t = p; t < n; ++t) {
    double v = w[t];
    for (int i = 0; i < p; ++i) v -= phi[i] * w[t - i - 1];
    const int qq = std::min(t - p, q);
    for (int j = 0; j < qq; ++j) v -= theta[j] * e[t - j - 1];
    e[t] = v;
    ssq += v * v;
  }
  if (!std::isfinite(ssq)) return kInf;
  if (ssq <= 0) return -kInf;
  return 0.5 * std::log(ssq / (n - p));
}

bool ArmaKalmanFilter(absl::Span<const double> w, absl::Span<const double> phi,
                      absl::Span<const double> theta, bool want_residuals,
                      ArmaFilterResult* result) {
  const int n = static_cast<int>(w.size());
  const int p = static_cast<int>(phi.size());
  const int q = static_cast<int>(theta.size());
  const int r = std::max(p, q + 1);
  std::vector<double> phi_r(r, 0), r_vec(r, 0);
  for (int i = 0; i < p; ++i) phi_r[i] = phi[i];
  r_vec[0] = 1;
  for (int i = 0; i < q; ++i) r_vec[i + 1] = theta[i];
  std::vector<double> column;
  if (!StationaryFirstColumn(phi_r, r_vec, p, q, &column)) return false;
  // x -> T x for Harvey's transition.
  const auto transition = [&](const std::vector<double>& x,
                              std::vector<double>* out) {
    const double x0 = x[0];
    for (int i = 0; i + 1 < r; ++i) (*out)[i] = phi_r[i] * x0 + x[i + 1];
    (*out)[r - 1] = phi_r[r - 1] * x0;
  };
  // Chandrasekhar recursions: with G_t = T P_t e1 and F_t = P_t[0][0], the
  // increment P_(t+1) - P_t = m_t W_t W_t' stays rank one, starting from
  // W_1 = G_1, m_1 = -1 / F_1 (P_1 is stationary), and
  //   F' = F + m c^2, G' = G + m c T W, W' = T W - (G / F) c, m' = m F / F'
  // with c = W_0. Each step costs O(r) instead of the Riccati O(r^2). Once
  // |m| |W|^2 is negligible against F the gain is frozen (steady state).
  std::vector<double> a(r, 0), next(r), g(r), wv(r), u(r), k(r);
  transition(column, &g);
  double f = column[0];
  wv = g;
  double m = -1 / f;
  result->ssq = 0;
  result->sum_log_gain = 0;
  result->n = n;
  result->residuals.clear();
  if (want_residuals) result->residuals.resize(n);
  bool steady = false;
  for (int t = 0; t < n; ++t) {
    if (steady) {
      const double v = w[t] - a[0];
      result->ssq += v * v / f;
      if (want_residuals) result->residuals[t] = v / std::sqrt(f);
      transition(a, &next);
      for (int i = 0; i < r; ++i) a[i] = next[i] + k[i] * v;
      continue;
    }
    if (!(f > 0) || !std::isfinite(f)) return false;
    const double v = w[t] - a[0];
    result->ssq += v * v / f;
    result->sum_log_gain += std::log(f);
    if (want_residuals) result->residuals[t] = v / std::sqrt(f);
    for (int i = 0; i < r; ++i) k[i] = g[i] / f;
    // a_(t+1|t) = T a_(t|t-1) + (G / F) v.
    transition(a, &next);
    for (int i = 0; i < r; ++i) a[i] = next[i] + k[i] * v;
    const double c = wv[0];
    transition(wv, &u);
    const double f_next = f + m * c * c;
    double norm = 0;
    for (int i = 0; i < r; ++i) {
      g[i] += m * c * u[i];
      wv[i] = u[i] - k[i] * c;
      norm += wv[i] * wv[i];
    }
    m *= f / f_next;
    f = f_next;
    if (std::abs(m) * norm < kSteadyStateTolerance * f) {
      steady = true;
      if (!(f > 0) || !std::isfinite(f)) return false;
      for (int i = 0; i < r; ++i) k[i] = g[i] / f;
      result->sum_log_gain += (n - 1 - t) * std::log(f);
    }
  }
  result->state = a;
  return std::isfinite(result->ssq) && std::isfinite(result->sum_log_gain);
}

double ExactObjective(absl::Span<const double> w, absl::Span<const double> phi,
                      absl::Span<const double> theta) {
  ArmaFilterResult filter;
  if (!ArmaKalmanFilter(w, phi, theta, false, &filter) || filter.ssq <= 0) {
    return kInf;
  }
  const double n = filter.n;
  return 0.5 * (std::log(filter.ssq / n) + filter.sum_log_gain / n);
}

std::vector<double> ForecastArmaState(absl::Span<const double> state,
                                      absl::Span<const double> phi,
                                      int horizon) {
  const int r = static_cast<int>(state.size());
  std::vector<double> a(state.begin(), state.end()), next(r);
  std::vector<double> out;
  out.reserve(horizon);
  for (int h = 0; h < horizon; ++h) {
    out.push_back(a[0]);
    for (int i = 0; i < r; ++i) {
      const double phi_i = i < static_cast<int>(phi.size()) ? phi[i] : 0;
      next[i] = phi_i * a[0] + (i + 1 < r ? a[i + 1] : 0);
    }
    a.swap(next);
  }
  return out;
}

}  // namespace shopml::core
