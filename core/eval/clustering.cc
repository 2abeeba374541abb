#include "core/eval/clustering.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

// Random draws that are the same on every platform: std::mt19937_64's output
// is fixed by the standard, its distributions are not.
class Draws {
 public:
  explicit Draws(uint64_t seed) : engine_(seed) {}
  // Uniform in [0, 1), 53 random bits.
  double Uniform() { return (engine_() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n). REQUIRES: n >= 1.
  size_t Below(size_t n) {
    return std::min(static_cast<size_t>(Uniform() * n), n - 1);
  }

 private:
  std::mt19937_64 engine_;
};

absl::Status CheckInt(const char* field, int64_t value, int64_t lo,
                      int64_t hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be in [", lo, ", ", hi, "], got ", value));
}

absl::Status CheckRows(const Eigen::Ref<const RowMatrixXf>& rows) {
  if (rows.cols() == 0) {
    return absl::InvalidArgumentError("rows: must have at least one column");
  }
  for (Eigen::Index i = 0; i < rows.rows(); ++i) {
    if (!rows.row(i).allFinite()) {
      return absl::InvalidArgumentError(
          absl::StrCat("rows: row ", i, " has a value that is not finite"));
    }
  }
  return absl::OkStatus();
}

// The rows k-means works on: all of them, or the nonzero ones scaled to unit
// norm. `kept[p]` is the input row of point p.
struct Points {
  RowMatrixXf values;
  std::vector<Eigen::Index> kept;
};

Points Prepare(const Eigen::Ref<const RowMatrixXf>& rows, bool normalize) {
  Points points;
  for (Eigen::Index i = 0; i < rows.rows(); ++i) {
    if (!normalize || rows.row(i).squaredNorm() > 0) points.kept.push_back(i);
  }
  points.values.resize(static_cast<Eigen::Index>(points.kept.size()),
                       rows.cols());
  for (size_t p = 0; p < points.kept.size(); ++p) {
    const Eigen::Index row = static_cast<Eigen::Index>(p);
    points.values.row(row) = rows.row(points.kept[p]);
    if (normalize) points.values.row(row).normalize();
  }
  return points;
}

double SquaredDistance(const RowMatrixXf& points, Eigen::Index p,
                       const RowMatrixXf& centroids, Eigen::Index c) {
  return (points.row(p) - centroids.row(c)).squaredNorm();
}

// Index p with probability weights[p] / total. REQUIRES: total, the sum of
// the weights, is > 0.
Eigen::Index PickByWeight(const std::vector<double>& weights, double total,
                          Draws& draws) {
  double target = draws.Uniform() * total;
  Eigen::Index last_positive = 0;
  for (size_t p = 0; p < weights.size(); ++p) {
    if (weights[p] <= 0) continue;
    last_positive = static_cast<Eigen::Index>(p);
    target -= weights[p];
    if (target < 0) break;
  }
  return last_positive;
}

// k-means++: the first centroid is a uniform point, each next one a point
// drawn with probability proportional to its squared distance to the
// nearest centroid so far (uniform when every distance is 0).
RowMatrixXf SeedCentroids(const RowMatrixXf& points, int k, Draws& draws) {
  const Eigen::Index m = points.rows();
  RowMatrixXf centroids(k, points.cols());
  centroids.row(0) = points.row(draws.Below(m));
  std::vector<double> nearest(m, std::numeric_limits<double>::infinity());
  for (int c = 1; c < k; ++c) {
    double total = 0;
    for (Eigen::Index p = 0; p < m; ++p) {
      nearest[p] =
          std::min(nearest[p], SquaredDistance(points, p, centroids, c - 1));
      total += nearest[p];
    }
    const Eigen::Index chosen =
        total > 0 ? PickByWeight(nearest, total, draws) : draws.Below(m);
    centroids.row(c) = points.row(chosen);
  }
  return centroids;
}

// Moves each point to its nearest centroid (lowest index on ties), keeps its
// squared distance, and returns how many points changed cluster.
int64_t Assign(const RowMatrixXf& points, const RowMatrixXf& centroids,
               std::vector<int>& assignment, std::vector<double>& distance) {
  int64_t changed = 0;
  for (Eigen::Index p = 0; p < points.rows(); ++p) {
    int best = 0;
    double best_distance = SquaredDistance(points, p, centroids, 0);
    for (int c = 1; c < centroids.rows(); ++c) {
      const double d = SquaredDistance(points, p, centroids, c);
      if (d < best_distance) {
        best = c;
        best_distance = d;
      }
    }
    if (assignment[p] != best) ++changed;
    assignment[p] = best;
    distance[p] = best_distance;
  }
  return changed;
}

// Gives each empty cluster the point farthest from its centroid among
// clusters of two or more; with no such point at a positive distance the
// cluster stays empty.
void FillEmptyClusters(std::vector<int>& assignment,
                       std::vector<double>& distance,
                       std::vector<int64_t>& counts) {
  for (size_t c = 0; c < counts.size(); ++c) {
    if (counts[c] > 0) continue;
    size_t farthest = assignment.size();
    for (size_t p = 0; p < assignment.size(); ++p) {
      if (counts[assignment[p]] < 2 || distance[p] <= 0) continue;
      if (farthest == assignment.size() || distance[p] > distance[farthest]) {
        farthest = p;
      }
    }
    if (farthest == assignment.size()) continue;
    --counts[assignment[farthest]];
    assignment[farthest] = static_cast<int>(c);
    distance[farthest] = 0;
    counts[c] = 1;
  }
}

// Sets each centroid with members to the mean of its points, summed in
// double; an empty cluster keeps its centroid.
void UpdateCentroids(const RowMatrixXf& points, std::vector<int>& assignment,
                     std::vector<double>& distance, RowMatrixXf& centroids) {
  std::vector<int64_t> counts(centroids.rows(), 0);
  for (int c : assignment) ++counts[c];
  FillEmptyClusters(assignment, distance, counts);
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(centroids.rows(), points.cols());
  for (Eigen::Index p = 0; p < points.rows(); ++p) {
    sums.row(assignment[p]) += points.row(p).cast<double>();
  }
  for (Eigen::Index c = 0; c < centroids.rows(); ++c) {
    if (counts[c] == 0) continue;
    centroids.row(c) =
        (sums.row(c) / static_cast<double>(counts[c])).cast<float>();
  }
}

// One seeding and its Lloyd iterations, on the prepared points.
KMeansResult RunOnce(const RowMatrixXf& points, const KMeansOptions& options,
                     Draws& draws) {
  KMeansResult result;
  result.centroids = SeedCentroids(points, options.k, draws);
  result.assignment.assign(points.rows(), -1);
  std::vector<double> distance(points.rows(), 0);
  Assign(points, result.centroids, result.assignment, distance);
  for (int it = 1; it <= options.max_iterations; ++it) {
    UpdateCentroids(points, result.assignment, distance, result.centroids);
    const int64_t changed =
        Assign(points, result.centroids, result.assignment, distance);
    result.iterations = it;
    if (changed == 0) {
      result.converged = true;
      break;
    }
  }
  for (double d : distance) result.inertia += d;
  return result;
}

// Returns the assignment of every input row: -1 for the rows left out.
std::vector<int> ExpandAssignment(const Points& points,
                                  const std::vector<int>& assignment,
                                  Eigen::Index num_rows) {
  std::vector<int> all(num_rows, -1);
  for (size_t p = 0; p < points.kept.size(); ++p) {
    all[points.kept[p]] = assignment[p];
  }
  return all;
}

// Dense ids of `labels` in [0, *num_distinct), by ascending label value.
std::vector<int> Densify(absl::Span<const int> labels, int* num_distinct) {
  std::vector<int> values(labels.begin(), labels.end());
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  std::vector<int> ids;
  ids.reserve(labels.size());
  for (int label : labels) {
    ids.push_back(
        static_cast<int>(std::lower_bound(values.begin(), values.end(), label) -
                         values.begin()));
  }
  *num_distinct = static_cast<int>(values.size());
  return ids;
}

// The contingency table of two labelings of the same n objects: marginal
// counts and the nonzero cells, sorted by (a, b) so sums over them run in a
// fixed order.
struct Contingency {
  struct Cell {
    int a = 0;
    int b = 0;
    int64_t count = 0;
  };
  int64_t n = 0;
  std::vector<int64_t> a_counts;
  std::vector<int64_t> b_counts;
  std::vector<Cell> cells;
};

Contingency Tabulate(absl::Span<const int> a, absl::Span<const int> b) {
  Contingency table;
  table.n = static_cast<int64_t>(a.size());
  int num_a = 0;
  int num_b = 0;
  const std::vector<int> ia = Densify(a, &num_a);
  const std::vector<int> ib = Densify(b, &num_b);
  table.a_counts.assign(num_a, 0);
  table.b_counts.assign(num_b, 0);
  std::vector<int64_t> keys;
  keys.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ++table.a_counts[ia[i]];
    ++table.b_counts[ib[i]];
    keys.push_back(static_cast<int64_t>(ia[i]) * num_b + ib[i]);
  }
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < keys.size();) {
    size_t j = i;
    while (j < keys.size() && keys[j] == keys[i]) ++j;
    table.cells.push_back({static_cast<int>(keys[i] / num_b),
                           static_cast<int>(keys[i] % num_b),
                           static_cast<int64_t>(j - i)});
    i = j;
  }
  return table;
}

double Entropy(const std::vector<int64_t>& counts, int64_t n) {
  double h = 0;
  for (int64_t count : counts) {
    const double p = static_cast<double>(count) / n;
    h -= p * std::log(p);
  }
  return h;
}

int64_t Pairs(int64_t count) { return count * (count - 1) / 2; }

int64_t SumPairs(const std::vector<int64_t>& counts) {
  int64_t sum = 0;
  for (int64_t count : counts) sum += Pairs(count);
  return sum;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

absl::StatusOr<KMeansResult> KMeans(const Eigen::Ref<const RowMatrixXf>& rows,
                                    const KMeansOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckRows(rows));
  SHOPML_RETURN_IF_ERROR(
      CheckInt("max_iterations", options.max_iterations, 1, 100000));
  SHOPML_RETURN_IF_ERROR(CheckInt("restarts", options.restarts, 1, 1000));
  Points points = Prepare(rows, options.normalize_rows);
  if (points.kept.empty()) {
    return absl::InvalidArgumentError(options.normalize_rows
                                          ? "rows: no row has a nonzero norm"
                                          : "rows: must have at least one row");
  }
  SHOPML_RETURN_IF_ERROR(CheckInt("k", options.k, 1, points.values.rows()));
  Draws draws(options.seed);
  KMeansResult best;
  for (int r = 0; r < options.restarts; ++r) {
    KMeansResult run = RunOnce(points.values, options, draws);
    if (r == 0 || run.inertia < best.inertia) best = std::move(run);
  }
  best.assignment = ExpandAssignment(points, best.assignment, rows.rows());
  return best;
}

double NormalizedMutualInformation(absl::Span<const int> a,
                                   absl::Span<const int> b) {
  if (a.size() != b.size()) return kNaN;
  const Contingency t = Tabulate(a, b);
  const size_t num_a = t.a_counts.size();
  const size_t num_b = t.b_counts.size();
  if (num_a == num_b && num_a <= 1) return 1;
  if (num_a == 1 || num_b == 1) return 0;
  const double n = static_cast<double>(t.n);
  double mi = 0;
  for (const Contingency::Cell& cell : t.cells) {
    const double count = static_cast<double>(cell.count);
    mi += count / n *
          (std::log(count) + std::log(n) -
           std::log(static_cast<double>(t.a_counts[cell.a])) -
           std::log(static_cast<double>(t.b_counts[cell.b])));
  }
  if (mi <= 0) return 0;
  const double mean_entropy =
      (Entropy(t.a_counts, t.n) + Entropy(t.b_counts, t.n)) / 2;
  return std::min(1.0, mi / mean_entropy);
}

double AdjustedRandIndex(absl::Span<const int> a, absl::Span<const int> b) {
  if (a.size() != b.size()) return kNaN;
  const Contingency t = Tabulate(a, b);
  // Pairs of objects together in both labelings (tp), in a only (fn), in b
  // only (fp) and in neither (tn). ARI is Hubert and Arabie's formula
  // rewritten in these counts, as sklearn computes it.
  int64_t tp = 0;
  for (const Contingency::Cell& cell : t.cells) tp += Pairs(cell.count);
  const int64_t together_a = SumPairs(t.a_counts);
  const int64_t together_b = SumPairs(t.b_counts);
  const int64_t fn = together_a - tp;
  const int64_t fp = together_b - tp;
  if (fn == 0 && fp == 0) return 1;
  const int64_t tn = Pairs(t.n) - together_a - together_b + tp;
  const double dtp = static_cast<double>(tp);
  const double dfn = static_cast<double>(fn);
  const double dfp = static_cast<double>(fp);
  const double dtn = static_cast<double>(tn);
  return 2 * (dtp * dtn - dfn * dfp) /
         ((dtp + dfn) * (dfn + dtn) + (dtp + dfp) * (dfp + dtn));
}

double Purity(absl::Span<const int> predicted, absl::Span<const int> truth) {
  if (predicted.size() != truth.size()) return kNaN;
  if (predicted.empty()) return 1;
  const Contingency t = Tabulate(predicted, truth);
  std::vector<int64_t> largest(t.a_counts.size(), 0);
  for (const Contingency::Cell& cell : t.cells) {
    largest[cell.a] = std::max(largest[cell.a], cell.count);
  }
  int64_t majority = 0;
  for (int64_t count : largest) majority += count;
  return static_cast<double>(majority) / static_cast<double>(t.n);
}

}  // namespace shopml::core
