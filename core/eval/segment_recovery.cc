#include "core/eval/segment_recovery.h"

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/eval/clustering.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

// Keeps the baseline's shuffle apart from the draws KMeans makes with the
// same seed.
constexpr uint64_t kBaselineStream = 0x9e3779b97f4a7c15;

absl::Status CheckInputs(const RowMatrixXf& user_vectors,
                         absl::Span<const int> truth, int num_segments) {
  if (num_segments < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_segments: must be >= 1, got ", num_segments));
  }
  if (static_cast<Eigen::Index>(truth.size()) != user_vectors.rows()) {
    return absl::InvalidArgumentError(
        absl::StrCat("truth: has ", truth.size(), " labels for ",
                     user_vectors.rows(), " user vectors"));
  }
  for (size_t u = 0; u < truth.size(); ++u) {
    if (truth[u] < -1 || truth[u] >= num_segments) {
      return absl::InvalidArgumentError(
          absl::StrCat("truth[", u, "]: must be in [-1, ", num_segments,
                       "), got ", truth[u]));
    }
  }
  if (!user_vectors.allFinite()) {
    return absl::InvalidArgumentError(
        "user_vectors: has a value that is not finite");
  }
  return absl::OkStatus();
}

// The users with a known segment and a nonzero vector.
std::vector<Eigen::Index> MeasuredUsers(const RowMatrixXf& user_vectors,
                                        absl::Span<const int> truth) {
  std::vector<Eigen::Index> users;
  for (Eigen::Index u = 0; u < user_vectors.rows(); ++u) {
    if (truth[u] >= 0 && user_vectors.row(u).squaredNorm() > 0) {
      users.push_back(u);
    }
  }
  return users;
}

ClusterAgreement Compare(absl::Span<const int> clusters,
                         absl::Span<const int> segments) {
  return {NormalizedMutualInformation(clusters, segments),
          AdjustedRandIndex(clusters, segments), Purity(clusters, segments)};
}

// Fisher-Yates with a platform-independent index draw (the standard's
// std::shuffle and distributions may differ between libraries).
std::vector<int> Shuffled(std::vector<int> labels, uint64_t seed) {
  std::mt19937_64 engine(seed ^ kBaselineStream);
  for (size_t i = labels.size(); i > 1; --i) {
    const double uniform = (engine() >> 11) * 0x1.0p-53;
    const size_t j = std::min(static_cast<size_t>(uniform * i), i - 1);
    std::swap(labels[i - 1], labels[j]);
  }
  return labels;
}

}  // namespace

absl::StatusOr<SegmentRecovery> MeasureSegmentRecovery(
    const RowMatrixXf& user_vectors, absl::Span<const int> truth,
    int num_segments, uint64_t seed) {
  SHOPML_RETURN_IF_ERROR(CheckInputs(user_vectors, truth, num_segments));
  const std::vector<Eigen::Index> users = MeasuredUsers(user_vectors, truth);
  const int64_t m = static_cast<int64_t>(users.size());
  if (num_segments > m) {
    return absl::InvalidArgumentError(absl::StrCat(
        "num_segments: must be in [1, ", m,
        "] (users with a known segment and a nonzero vector), got ",
        num_segments));
  }
  RowMatrixXf rows(m, user_vectors.cols());
  std::vector<int> segments;
  segments.reserve(users.size());
  for (int64_t i = 0; i < m; ++i) {
    rows.row(i) = user_vectors.row(users[i]);
    segments.push_back(truth[users[i]]);
  }
  KMeansOptions options;
  options.k = num_segments;
  options.seed = seed;
  SHOPML_ASSIGN_OR_RETURN(KMeansResult clusters, KMeans(rows, options));
  SegmentRecovery recovery;
  recovery.model = Compare(clusters.assignment, segments);
  recovery.baseline =
      Compare(Shuffled(std::move(clusters.assignment), seed), segments);
  recovery.num_users = m;
  return recovery;
}

}  // namespace shopml::core
