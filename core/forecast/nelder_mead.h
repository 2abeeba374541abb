// Nelder-Mead simplex minimisation within a box lower <= x <= upper.
//
// The method of Nelder and Mead (1965) with the usual coefficients
// (reflection 1, expansion 2, contraction 1/2, shrink 1/2; Lagarias et al.
// 1998). Box constraints by projection: every trial point is clamped into the
// box before it is evaluated, so the objective is never called outside it and
// an optimum on a bound is reached by vertices collapsing onto that face. A
// collapsed simplex loses directions, so after convergence the search restarts
// from the best point with a fresh simplex (up to `max_restarts` times, while
// a restart still improves the value). Deterministic: no randomness, the same
// inputs give the same evaluations in the same order.
//
// The objective may return +inf (or NaN, read as +inf) for points it rejects,
// e.g. inadmissible parameters; such points never become the best vertex
// unless every vertex is rejected.
//
// Cost: n + 1 evaluations to build each simplex, then 1 to 2 per iteration
// (n + 2 on a shrink); stops at `max_evaluations`.
//
// Thread safety: pure function; safe to call from any thread if `objective`
// is.
#ifndef SHOPML_CORE_FORECAST_NELDER_MEAD_H_
#define SHOPML_CORE_FORECAST_NELDER_MEAD_H_

#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace shopml::core {

struct NelderMeadOptions {
  // Budget of objective evaluations, in [1, 1e8]. Default: 2000 (as R's
  // optim() is given by forecast::ets).
  int max_evaluations = 2000;
  // Converged when the simplex's values spread by at most
  // relative_tolerance * (|best| + relative_tolerance), R optim's `reltol`
  // rule. In [0, 1]. Default: 1e-8.
  double relative_tolerance = 1e-8;
  // Initial simplex: vertex i moves coordinate i by initial_step times the
  // box width when both bounds are finite, else by initial_step *
  // max(|x_i|, 1); towards the box's interior. In (0, 1]. Default: 0.1.
  double initial_step = 0.1;
  // Fresh simplices built around the best point after convergence, in
  // [0, 100]. Default: 2.
  int max_restarts = 2;
};

struct NelderMeadResult {
  std::vector<double> x;   // Best point found, inside the box.
  double value = 0;        // objective(x); +inf if every point was rejected.
  int evaluations = 0;     // Objective calls made, <= max_evaluations.
  bool converged = false;  // false: stopped by the budget.
};

// Minimises `objective` from `start` (clamped into the box). `lower` and
// `upper` have start.size() entries; +-inf leave a coordinate unbounded.
// InvalidArgument naming the field when `start` is empty or not finite, the
// sizes differ, a lower bound exceeds its upper bound (or either is NaN), or
// an option is out of range.
absl::StatusOr<NelderMeadResult> MinimizeNelderMead(
    absl::FunctionRef<double(absl::Span<const double>)> objective,
    absl::Span<const double> start, absl::Span<const double> lower,
    absl::Span<const double> upper, const NelderMeadOptions& options = {});

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_NELDER_MEAD_H_
