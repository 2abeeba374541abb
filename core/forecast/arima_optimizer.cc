#include "core/forecast/arima_optimizer.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <vector>

namespace shopml::core {
namespace {

constexpr double kArmijo = 1e-4;     // Sufficient decrease factor.
constexpr double kStepShrink = 0.2;  // Backtracking factor.
constexpr double kNoMoveRelative = 1e-10;

using Objective = std::function<double(const std::vector<double>&)>;

// Forward differences (n evaluations), backward where the forward point is
// outside the domain.
std::vector<double> Gradient(const Objective& f, std::vector<double> x,
                             double fx, double step, int* evaluations) {
  std::vector<double> g(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double xi = x[i];
    const double h = step * std::max(1.0, std::abs(xi));
    x[i] = xi + h;
    const double up = f(x);
    ++*evaluations;
    if (std::isfinite(up)) {
      g[i] = (up - fx) / h;
    } else {
      x[i] = xi - h;
      const double down = f(x);
      ++*evaluations;
      g[i] = std::isfinite(down) ? (fx - down) / h : 0;
    }
    x[i] = xi;
  }
  return g;
}

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

BfgsResult MinimizeBfgs(const Objective& f, std::vector<double> x0,
                        const BfgsOptions& options) {
  const size_t n = x0.size();
  BfgsResult result;
  result.x = std::move(x0);
  result.value = f(result.x);
  result.evaluations = 1;
  if (!std::isfinite(result.value)) return result;
  if (n == 0) {
    result.converged = true;
    return result;
  }
  const double step = options.gradient_step;
  std::vector<double> g =
      Gradient(f, result.x, result.value, step, &result.evaluations);
  // Inverse Hessian approximation, row-major n x n.
  std::vector<double> h(n * n, 0);
  const auto reset = [&] {
    std::fill(h.begin(), h.end(), 0.0);
    for (size_t i = 0; i < n; ++i) h[i * n + i] = 1;
  };
  reset();
  bool fresh = true;  // h is the identity.
  std::vector<double> dir(n), trial(n), s(n), y(n), hy(n);
  while (result.iterations < options.max_iterations) {
    for (size_t i = 0; i < n; ++i) {
      double v = 0;
      for (size_t j = 0; j < n; ++j) v -= h[i * n + j] * g[j];
      dir[i] = v;
    }
    const double slope = Dot(dir, g);
    if (!(slope < 0)) {
      if (fresh) break;  // No descent even along -g: a stationary point.
      reset();
      fresh = true;
      continue;
    }
    double length = 1;
    double value = 0;
    bool accepted = false;
    while (true) {
      bool moved = false;
      for (size_t i = 0; i < n; ++i) {
        trial[i] = result.x[i] + length * dir[i];
        if (std::abs(trial[i] - result.x[i]) >
            kNoMoveRelative * (std::abs(result.x[i]) + kNoMoveRelative)) {
          moved = true;
        }
      }
      if (!moved) break;
      value = f(trial);
      ++result.evaluations;
      if (std::isfinite(value) &&
          value <= result.value + kArmijo * length * slope) {
        accepted = true;
        break;
      }
      length *= kStepShrink;
    }
    if (!accepted) {
      if (fresh) break;
      reset();
      fresh = true;
      continue;
    }
    ++result.iterations;
    const double change = result.value - value;
    for (size_t i = 0; i < n; ++i) s[i] = trial[i] - result.x[i];
    result.x = trial;
    result.value = value;
    const std::vector<double> g_new =
        Gradient(f, result.x, value, step, &result.evaluations);
    if (change <= options.relative_tolerance *
                      (std::abs(value) + options.relative_tolerance)) {
      result.converged = true;
      break;
    }
    for (size_t i = 0; i < n; ++i) y[i] = g_new[i] - g[i];
    g = g_new;
    const double sy = Dot(s, y);
    if (sy <= 0) {
      reset();
      fresh = true;
      continue;
    }
    // h += (1 + y'hy / s'y) ss' / s'y - (hy s' + s y'h) / s'y.
    for (size_t i = 0; i < n; ++i) {
      double v = 0;
      for (size_t j = 0; j < n; ++j) v += h[i * n + j] * y[j];
      hy[i] = v;
    }
    const double yhy = Dot(y, hy);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        h[i * n + j] +=
            ((1 + yhy / sy) * s[i] * s[j] - hy[i] * s[j] - s[i] * hy[j]) / sy;
      }
    }
    fresh = false;
  }
  return result;
}

}  // namespace shopml::core
