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

// The minimiser's working state: the simplex (vertices in one flat array,
// ranked through `order_`), its values and the budget. Trial points live in
// preallocated buffers, so an iteration allocates nothing.
class Simplex {
 public:
  Simplex(absl::FunctionRef<double(absl::Span<const double>)> objective,
          absl::Span<const double> lower, absl::Span<const double> upper,
          const NelderMeadOptions& options)
      : objective_(objective),
        lower_(lower),
        upper_(upper),
        options_(options),
        dim_(lower.size()),
        points_((dim_ + 1) * dim_),
        values_(dim_ + 1),
        order_(dim_ + 1),
        centroid_(dim_),
        reflected_(dim_),
        trial_(dim_) {}

  int evaluations() const { return evaluations_; }
  bool Exhausted() const { return evaluations_ >= options_.max_evaluations; }

  // Evaluates the projection of `x` into the box (in place); NaN reads +inf.
  double Evaluate(double* x) {
    for (size_t i = 0; i < dim_; ++i) {
      x[i] = std::clamp(x[i], lower_[i], upper_[i]);
    }
    ++evaluations_;
    const double value = objective_(absl::Span<const double>(x, dim_));
    return std::isnan(value) ? kInf : value;
  }

  // Builds the simplex around `x` (value `fx`, already evaluated). Returns
  // false when the budget ran out first.
  bool Build(const std::vector<double>& x, double fx) {
    std::copy(x.begin(), x.end(), Vertex(0));
    values_[0] = fx;
    std::iota(order_.begin(), order_.end(), 0);
    for (size_t i = 0; i < dim_; ++i) {
      if (Exhausted()) {
        for (size_t v = i + 1; v <= dim_; ++v) values_[v] = kInf;
        Sort();
        return false;
      }
      double* vertex = Vertex(i + 1);
      std::copy(x.begin(), x.end(), vertex);
      const bool bounded = std::isfinite(lower_[i]) && std::isfinite(upper_[i]);
      const double step =
          options_.initial_step *
          (bounded ? upper_[i] - lower_[i] : std::max(std::abs(x[i]), 1.0));
      vertex[i] = x[i] + step <= upper_[i] ? x[i] + step : x[i] - step;
      values_[i + 1] = Evaluate(vertex);
    }
    Sort();
    return true;
  }

  // Runs Nelder-Mead iterations until convergence or the budget; returns
  // whether it converged.
  bool Run() {
    while (true) {
      if (Converged()) return true;
      if (Exhausted()) return false;
      Iterate();
    }
  }

  std::vector<double> best() const {
    const double* b = Ranked(0);
    return std::vector<double>(b, b + dim_);
  }
  double best_value() const { return values_[order_[0]]; }

 private:
  double* Vertex(size_t v) { return points_.data() + v * dim_; }
  double* Ranked(size_t rank) { return Vertex(order_[rank]); }
  const double* Ranked(size_t rank) const {
    return points_.data() + order_[rank] * dim_;
  }
  double RankedValue(size_t rank) const { return values_[order_[rank]]; }

  void Sort() {
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
      return values_[a] < values_[b];
    });
  }

  // Moves the (replaced) worst vertex to its rank: O(dim).
  void Reinsert() {
    size_t rank = dim_;
    while (rank > 0 && values_[order_[rank]] < values_[order_[rank - 1]]) {
      std::swap(order_[rank], order_[rank - 1]);
      --rank;
    }
  }

  bool Converged() const {
    const double best = RankedValue(0), worst = RankedValue(dim_);
    if (!std::isfinite(best)) return false;
    const double tol = options_.relative_tolerance;
    return worst - best <= tol * (std::abs(best) + tol);
  }

  // out = centroid + t (point - centroid).
  void Along(const double* point, double t, double* out) const {
    for (size_t i = 0; i < dim_; ++i) {
      out[i] = centroid_[i] + t * (point[i] - centroid_[i]);
    }
  }

  void ReplaceWorst(const double* x, double value) {
    std::copy(x, x + dim_, Ranked(dim_));
    values_[order_[dim_]] = value;
    Reinsert();
  }

  void Iterate() {
    std::fill(centroid_.begin(), centroid_.end(), 0.0);
    for (size_t rank = 0; rank < dim_; ++rank) {
      const double* p = Ranked(rank);
      for (size_t i = 0; i < dim_; ++i) centroid_[i] += p[i];
    }
    for (double& c : centroid_) c /= static_cast<double>(dim_);
    const double* worst = Ranked(dim_);
    const double worst_value = RankedValue(dim_);
    Along(worst, -1, reflected_.data());
    const double fr = Evaluate(reflected_.data());
    if (fr < RankedValue(0)) {
      if (!Exhausted()) {
        Along(worst, -2, trial_.data());
        const double fe = Evaluate(trial_.data());
        if (fe < fr) return ReplaceWorst(trial_.data(), fe);
      }
      return ReplaceWorst(reflected_.data(), fr);
    }
    if (fr < RankedValue(dim_ - 1)) {
      return ReplaceWorst(reflected_.data(), fr);
    }
    if (Exhausted()) return;
    const bool outside = fr < worst_value;
    Along(outside ? reflected_.data() : worst, 0.5, trial_.data());
    const double fc = Evaluate(trial_.data());
    if (outside ? fc <= fr : fc < worst_value) {
      return ReplaceWorst(trial_.data(), fc);
    }
    Shrink();
  }

  void Shrink() {
    const double* best = Ranked(0);
    for (size_t rank = 1; rank <= dim_ && !Exhausted(); ++rank) {
      double* p = Ranked(rank);
      for (size_t i = 0; i < dim_; ++i) p[i] = best[i] + 0.5 * (p[i] - best[i]);
      values_[order_[rank]] = Evaluate(p);
    }
    Sort();
  }

  absl::FunctionRef<double(absl::Span<const double>)> objective_;
  absl::Span<const double> lower_, upper_;
  const NelderMeadOptions& options_;
  const size_t dim_;
  int evaluations_ = 0;
  std::vector<double> points_;
  std::vector<double> values_;
  std::vector<size_t> order_;
  std::vector<double> centroid_, reflected_, trial_;
};

}  // namespace

absl::StatusOr<NelderMeadResult> MinimizeNelderMead(
    absl::FunctionRef<double(absl::Span<const double>)> objective,
    absl::Span<const double> start, absl::Span<const double> lower,
    absl::Span<const double> upper, const NelderMeadOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckInputs(start, lower, upper, options));
  Simplex simplex(objective, lower, upper, options);
  std::vector<double> x(start.begin(), start.end());
  double value = simplex.Evaluate(x.data());
  NelderMeadResult result;
  for (int round = 0; round <= options.max_restarts; ++round) {
    result.converged = simplex.Build(x, value) && simplex.Run();
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
