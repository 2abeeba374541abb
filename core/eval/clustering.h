// Clustering of embedding rows and agreement between two labelings, for
// checking whether a model's vectors recover planted groups (the demo shop's
// taste segments):
//
//   KMeans: k-means++ seeding (Arthur and Vassilvitskii 2007), then Lloyd
//   iterations, best of several restarts by inertia.
//
//   For two labelings a, b of the same n objects, with n_ij the objects
//   labelled i in a and j in b, a_i and b_j the marginal counts:
//     NMI    = I(a; b) / ((H(a) + H(b)) / 2), with I the mutual information
//              and H the entropy of the empirical distributions (natural log;
//              the base cancels). The arithmetic-mean normalisation is
//              sklearn.metrics.normalized_mutual_info_score's default.
//     ARI    = (S - E) / ((S_a + S_b) / 2 - E), S = sum_ij C(n_ij, 2),
//              S_a = sum_i C(a_i, 2), S_b = sum_j C(b_j, 2),
//              E = S_a S_b / C(n, 2): the Rand index adjusted for chance
//              (Hubert and Arabie 1985), as sklearn's adjusted_rand_score.
//     Purity = (1/n) sum over predicted clusters of the largest count of
//              one truth label inside it.
//   Labels are any int values; only equality matters, so relabelling either
//   side changes nothing (except Purity, which is not symmetric in its
//   arguments).
//
// Thread safety: pure functions on their arguments; safe from any thread.
#ifndef SHOPML_CORE_EVAL_CLUSTERING_H_
#define SHOPML_CORE_EVAL_CLUSTERING_H_

#include <cstdint>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/index/types.h"

namespace shopml::core {

struct KMeansOptions {
  // Clusters, in [1, number of clusterable rows] (see KMeans). No default.
  int k = 0;
  // Lloyd iterations per restart at most, in [1, 100000]. A restart stops
  // earlier when an iteration changes no assignment. Default: 100.
  int max_iterations = 100;
  // Independent k-means++ seedings, each run to convergence; the one with
  // the lowest inertia is returned (the first on ties). In [1, 1000].
  // Default: 4.
  int restarts = 4;
  // Seed of every random choice; the same seed, rows and options give the
  // same result. Default: 1.
  uint64_t seed = 1;
  // Clusters directions rather than positions: each row is scaled to unit L2
  // norm first and k-means runs on the scaled rows (squared Euclidean
  // distance on unit vectors is 2 - 2 cos, so this is cosine k-means; the
  // centroids are plain means and are not rescaled). The usual choice for
  // factor vectors, whose length mostly tracks a user's activity.
  // Default: true.
  bool normalize_rows = true;
};

struct KMeansResult {
  // Per input row, its cluster in [0, k), or -1 for a row left out (a zero
  // row under normalize_rows).
  std::vector<int> assignment;
  // k x d, in the space clustered (unit-scaled rows under normalize_rows).
  // Each row of `rows` is assigned to its nearest centroid (the lowest index
  // on ties). Lloyd iterations give an emptied cluster the point farthest
  // from its centroid, so a converged result has an empty cluster only when
  // the clustered rows have fewer than k distinct values (its centroid then
  // duplicates a point); a result stopped at max_iterations may have one
  // emptied by the last iteration.
  RowMatrixXf centroids;
  // Sum over the assigned rows of the squared distance to their centroid, in
  // the space clustered.
  double inertia = 0;
  // Lloyd iterations of the returned restart, in [1, max_iterations].
  int iterations = 0;
  // Whether the returned restart stopped because an iteration changed no
  // assignment (then each centroid is the mean of its cluster) rather than
  // at max_iterations.
  bool converged = false;
};

// Clusters the rows of `rows` (n x d, row-major) into options.k groups.
//
// With normalize_rows, rows of zero norm have no direction: they are left
// out (assignment -1) and take no part in seeding, centroids or inertia;
// the clusterable rows are the others. Without it every row is clusterable
// and a zero row is the origin like any other point.
//
// Costs O(restarts * iterations * n * k * d) time and O(n * d) memory for
// the working copy. Single-threaded.
//
// Returns InvalidArgument naming the field: "rows: ..." when there is no
// column, no clusterable row, or a value that is not finite; "k: must be in
// [1, m], got k" for m clusterable rows; "max_iterations: ..." and
// "restarts: ..." out of range.
absl::StatusOr<KMeansResult> KMeans(const Eigen::Ref<const RowMatrixXf>& rows,
                                    const KMeansOptions& options);

// Agreement between labelings `a` and `b` of the same objects, by the
// formulas at the top of this file. Each returns NaN when the sizes differ.
//
// NMI in [0, 1]: 1 when the labelings are equal up to relabelling, 0 when
// they share no information. When both have a single label (or are empty)
// it is 1; when only one has a single label it is 0 (sklearn's conventions).
double NormalizedMutualInformation(absl::Span<const int> a,
                                   absl::Span<const int> b);
// ARI in [-1, 1] (in practice above about -0.5): 1 when the labelings are
// equal up to relabelling, including when both have one label, both are all
// singletons, or n <= 1; expected 0 for independent random labelings of
// fixed cluster sizes.
double AdjustedRandIndex(absl::Span<const int> a, absl::Span<const int> b);
// Purity of `predicted` against `truth`, in (0, 1]: 1 when every predicted
// cluster holds a single truth label (so all singletons give 1; compare with
// a baseline of the same cluster sizes). 1 for empty input.
double Purity(absl::Span<const int> predicted, absl::Span<const int> truth);

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_CLUSTERING_H_
