#include "core/forecast/arima_likelihood.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <vector>

#include "Eigen/Core"
#include "Eigen/Eigenvalues"

namespace shopml::core {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Entries of T^(2^k) below this end the doubling: the rest of the series
// sum_k T^k V T'^k is negligible.
constexpr double kDoublingTolerance = 1e-14;
constexpr int kMaxDoublings = 60;
// Largest change of the predicted covariance that counts as steady state.
constexpr double kSteadyStateTolerance = 1e-12;

// Stationary covariance of Harvey's state: P = T P T' + R R', where T has phi
// in its first column and ones on the superdiagonal and R = (1, theta_1, ...).
// Doubling: S_(k+1) = S_k + A_k S_k A_k', A_(k+1) = A_k^2, A_0 = T, S_0 = RR'.
// Returns false when the doubling does not converge (phi not stationary).
bool StationaryCovariance(const std::vector<double>& phi_r,
                          const std::vector<double>& r_vec,
                          Eigen::MatrixXd* cov) {
  const int r = static_cast<int>(phi_r.size());
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(r, r);
  for (int i = 0; i < r; ++i) {
    a(i, 0) = phi_r[i];
    if (i + 1 < r) a(i, i + 1) = 1;
  }
  const Eigen::Map<const Eigen::VectorXd> rv(r_vec.data(), r);
  Eigen::MatrixXd s = rv * rv.transpose();
  Eigen::MatrixXd tmp(r, r);
  for (int k = 0; k < kMaxDoublings; ++k) {
    tmp.noalias() = a * s;
    s.noalias() += tmp * a.transpose();
    tmp.noalias() = a * a;
    a.swap(tmp);
    const double largest = a.cwiseAbs().maxCoeff();
    if (largest < kDoublingTolerance) {
      *cov = std::move(s);
      return cov->allFinite();
    }
    if (!std::isfinite(largest)) return false;
  }
  return false;
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
  Eigen::MatrixXd p0;
  if (!StationaryCovariance(phi_r, r_vec, &p0)) return false;
  // Row-major predicted covariance P_(t|t-1).
  std::vector<double> pm(p0.data(), p0.data() + r * r);
  std::vector<double> m(r * r), next(r * r), gain(r);
  std::vector<double> a(r, 0), filtered(r);
  result->ssq = 0;
  result->sum_log_gain = 0;
  result->n = n;
  result->residuals.clear();
  if (want_residuals) result->residuals.resize(n);
  bool steady = false;
  double f = 0;
  for (int t = 0; t < n; ++t) {
    if (!steady) {
      f = pm[0];
      if (!(f > 0) || !std::isfinite(f)) return false;
      for (int i = 0; i < r; ++i) gain[i] = pm[i * r] / f;
    }
    const double v = w[t] - a[0];
    result->ssq += v * v / f;
    result->sum_log_gain += std::log(f);
    if (want_residuals) result->residuals[t] = v / std::sqrt(f);
    for (int i = 0; i < r; ++i) filtered[i] = a[i] + gain[i] * v;
    // a_(t+1|t) = T a_(t|t).
    for (int i = 0; i < r; ++i) {
      a[i] = phi_r[i] * filtered[0] + (i + 1 < r ? filtered[i + 1] : 0);
    }
    if (steady) continue;
    // P_(t|t) = P - P e1 e1' P / f; then P_(t+1|t) = T P_(t|t) T' + R R'.
    for (int i = 0; i < r; ++i) {
      for (int j = 0; j < r; ++j) {
        next[i * r + j] = pm[i * r + j] - gain[i] * pm[j];
      }
    }
    for (int i = 0; i < r; ++i) {
      for (int j = 0; j < r; ++j) {
        m[i * r + j] =
            phi_r[i] * next[j] + (i + 1 < r ? next[(i + 1) * r + j] : 0);
      }
    }
    double change = 0;
    for (int i = 0; i < r; ++i) {
      for (int j = 0; j < r; ++j) {
        const double value = phi_r[j] * m[i * r] +
                             (j + 1 < r ? m[i * r + j + 1] : 0) +
                             r_vec[i] * r_vec[j];
        change = std::max(change, std::abs(value - pm[i * r + j]));
        pm[i * r + j] = value;
      }
    }
    if (change < kSteadyStateTolerance) {
      steady = true;
      f = pm[0];
      if (!(f > 0)) return false;
      for (int i = 0; i < r; ++i) gain[i] = pm[i * r] / f;
    }
  }
  result->state = filtered;
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
    for (int i = 0; i < r; ++i) {
      const double phi_i = i < static_cast<int>(phi.size()) ? phi[i] : 0;
      next[i] = phi_i * a[0] + (i + 1 < r ? a[i + 1] : 0);
    }
    a.swap(next);
    out.push_back(a[0]);
  }
  return out;
}

}  // namespace shopml::core
