#include "core/forecast/nelder_mead.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

absl::Status CheckInputs(absl::Span<const double> start,
                         absl::Span<const double> lower,
                         absl::Span<const double> upper,
                         const NelderMeadOptions& options) {
  if (start.empty()) {
    return absl::InvalidArgumentError("start: must not be empty");
  }
  if (lower.size() != start.size() || upper.size() != start.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "lower, upper: must have %d entries like start, got %d and %d",
        start.size(), lower.size(), upper.size()));
  }
  for (size_t i = 0; i < start.size(); ++i) {
    if (!std::isfinite(start[i])) {
      return absl::InvalidArgumentError(
          absl::StrFormat("start[%d]: must be finite, got %g", i, start[i]));
    }
    if (!(lower[i] <= upper[i])) {
      return absl::InvalidArgumentError(
          absl::StrFormat("lower[%d]: must be <= upper[%d], got %g > %g", i, i,
                          lower[i], upper[i]));
    }
  }
  if (options.max_evaluations < 1 || options.max_evaluations > 100000000) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_evaluations: must be in [1, 1e8], got %d",
                        options.max_evaluations));
  }
  if (!(options.relative_tolerance >= 0 && options.relative_tolerance <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("relative_tolerance: must be in [0, 1], got %g",
                        options.relative_tolerance));
  }
  if (!(options.initial_step > 0 && options.initial_step <= 1)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "initial_step: must be in (0, 1], got %g", options.initial_step));
  }
  if (options.max_restarts < 0 || options.max_restarts > 100) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "max_restarts: must be in [0, 100], got %d", options.max_restarts));
  }
  return absl::OkStatus();
}

// The minimiser's working state: the simplex, its values and the budget.
class Simplex {
 public:
  Simplex(absl::FunctionRef<double(absl::Span<const double>)> objective,
          absl::Span<const double> lower, absl::Span<const double> upper,
          const NelderMeadOptions& options)
      : objective_(objective),
        lower_(lower),
        upper_(upper),
        options_(options),
        dim_(lower.size()) {}

  int evaluations() const { return evaluations_; }
  bool Exhausted() const { return evaluations_ >= options_.max_evaluations; }

  // Evaluates the projection of `x` into the box (in place); NaN reads +inf.
  double Evaluate(std::vector<double>& x) {
    for (size_t i = 0; i < dim_; ++i) {
      x[i] = std::clamp(x[i], lower_[i], upper_[i]);
    }
    ++evaluations_;
    const double value = objective_(x);
    return std::isnan(value) ? kInf : value;
  }

  // Builds the simplex around `x` (value `fx`, already evaluated).
  void Build(const std::vector<double>& x, double fx) {
    points_.assign(1, x);
    values_.assign(1, fx);
    for (size_t i = 0; i < dim_ && !Exhausted(); ++i) {
      std::vector<double> vertex = x;
      const bool bounded = std::isfinite(lower_[i]) && std::isfinite(upper_[i]);
      const double step =
          options_.initial_step *
          (bounded ? upper_[i] - lower_[i] : std::max(std::abs(x[i]), 1.0));
      vertex[i] = x[i] + step <= upper_[i] ? x[i] + step : x[i] - step;
      values_.push_back(Evaluate(vertex));
      points_.push_back(std::move(vertex));
    }
    Sort();
  }

  // Runs Nelder-Mead iterations until convergence or the budget; returns
  // whether it converged.
  bool Run() {
    while (points_.size() == dim_ + 1) {
      if (Converged()) return true;
      if (Exhausted()) return false;
      Iterate();
      Sort();
    }
    return false;  // The budget ran out while building the simplex.
  }

  const std::vector<double>& best() const { return points_[0]; }
  double best_value() const { return values_[0]; }

 private:
  void Sort() {
    std::vector<size_t> order(points_.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return values_[a] < values_[b];
    });
    std::vector<std::vector<double>> points;
    std::vector<double> values;
    for (size_t i : order) {
      points.push_back(std::move(points_[i]));
      values.push_back(values_[i]);
    }
    points_ = std::move(points);
    values_ = std::move(values);
  }

  bool Converged() const {
    const double best = values_.front(), worst = values_.back();
    if (!std::isfinite(best)) return false;
    const double tol = options_.relative_tolerance;
    return worst - best <= tol * (std::abs(best) + tol);
  }

  // centroid + t (point - centroid).
  std::vector<double> Along(const std::vector<double>& centroid,
                            const std::vector<double>& point, double t) const {
    std::vector<double> x(dim_);
    for (size_t i = 0; i < dim_; ++i) {
      x[i] = centroid[i] + t * (point[i] - centroid[i]);
    }
    return x;
  }

  void Replace(std::vector<double> x, double value) {
    points_.back() = std::move(x);
    values_.back() = value;
  }

  void Iterate() {
    std::vector<double> centroid(dim_, 0);
    for (size_t p = 0; p < dim_; ++p) {
      for (size_t i = 0; i < dim_; ++i) {
        centroid[i] += points_[p][i] / static_cast<double>(dim_);
      }
    }
    const std::vector<double>& worst = points_.back();
    std::vector<double> reflected = Along(centroid, worst, -1);
    const double fr = Evaluate(reflected);
    if (fr < values_[0]) {
      if (Exhausted()) return Replace(std::move(reflected), fr);
      std::vector<double> expanded = Along(centroid, worst, -2);
      const double fe = Evaluate(expanded);
      if (fe < fr) return Replace(std::move(expanded), fe);
      return Replace(std::move(reflected), fr);
    }
    if (fr < values_[dim_ - 1]) return Replace(std::move(reflected), fr);
    if (Exhausted()) return;
    const bool outside = fr < values_.back();
    std::vector<double> contracted =
        outside ? Along(centroid, reflected, 0.5) : Along(centroid, worst, 0.5);
    const double fc = Evaluate(contracted);
    if (outside ? fc <= fr : fc < values_.back()) {
      return Replace(std::move(contracted), fc);
    }
    Shrink();
  }

  void Shrink() {
    for (size_t p = 1; p < points_.size() && !Exhausted(); ++p) {
      points_[p] = Along(points_[0], points_[p], 0.5);
      values_[p] = Evaluate(points_[p]);
    }
  }

  absl::FunctionRef<double(absl::Span<const double>)> objective_;
  absl::Span<const double> lower_, upper_;
  const NelderMeadOptions& options_;
  const size_t dim_;
  int evaluations_ = 0;
  std::vector<std::vector<double>> points_;
  std::vector<double> values_;
};

}  // namespace

absl::StatusOr<NelderMeadResult> MinimizeNelderMead(
    absl::FunctionRef<double(absl::Span<const double>)> objective,
    absl::Span<const double> start, absl::Span<const double> lower,
    absl::Span<const double> upper, const NelderMeadOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckInputs(start, lower, upper, options));
  Simplex simplex(objective, lower, upper, options);
  std::vector<double> x(start.begin(), start.end());
  double value = simplex.Evaluate(x);
  NelderMeadResult result;
  for (int round = 0; round <= options.max_restarts; ++round) {
    simplex.Build(x, value);
    result.converged = simplex.Run();
    const double previous = value;
    x = simplex.best();
    value = simplex.best_value();
    const double tol = options.relative_tolerance;
    const bool improved =
        round == 0 || !(previous - value <= tol * (std::abs(value) + tol));
    if (!result.converged || !improved || simplex.Exhausted()) break;
  }
  result.x = std::move(x);
  result.value = value;
  result.evaluations = simplex.evaluations();
  return result;
}

}  // namespace shopml::core
