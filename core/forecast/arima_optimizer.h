// Unconstrained minimisation by BFGS with forward-difference gradients, the
// quasi-Newton method R's optim(method = "BFGS") uses (Nash 1990, "vmmin"):
// a backtracking line search with the Armijo condition, the inverse Hessian
// approximation restarted from the identity whenever a step fails to make
// progress, and convergence when an accepted step lowers f by less than
// relative_tolerance * (|f| + relative_tolerance).
//
// The ARIMA estimators (core/forecast/arima.h) minimise a CSS or exact
// negative log-likelihood over a handful of (transformed) coefficients with
// it; it is not meant for more than a few dozen parameters.
//
// Thread safety: pure function; safe to call from any thread when `f` is.
#ifndef SHOPML_CORE_FORECAST_ARIMA_OPTIMIZER_H_
#define SHOPML_CORE_FORECAST_ARIMA_OPTIMIZER_H_

#include <functional>
#include <vector>

namespace shopml::core {

struct BfgsOptions {
  // Largest number of accepted steps. Default: 100 (R's optim).
  int max_iterations = 100;
  // Relative change of f that counts as converged. Default: 1e-8.
  double relative_tolerance = 1e-8;
  // Relative step of the forward differences: h = step * max(1, |x_i|).
  // Default: 1e-6 (R's optim uses central differences with 1e-3; forward
  // differences at 1e-6 are as accurate on these smooth objectives and cost
  // half the evaluations).
  double gradient_step = 1e-6;
};

struct BfgsResult {
  std::vector<double> x;  // The best point found.
  double value = 0;       // f(x).
  int iterations = 0;
  int evaluations = 0;  // Calls of f, gradients included.
  bool converged = false;
};

// Minimises `f` from `x0`. `f` may return +inf or NaN for points outside its
// domain; the line search then shortens the step. When f(x0) is not finite
// the result is x0 with converged = false.
BfgsResult MinimizeBfgs(
    const std::function<double(const std::vector<double>&)>& f,
    std::vector<double> x0, const BfgsOptions& options = {});

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_ARIMA_OPTIMIZER_H_
