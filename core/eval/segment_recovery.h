// Segment recovery: how well clusters of a model's user vectors match known
// user segments (the demo shop's planted taste segments, written as
// truth_user_segments.csv). The users are clustered with cosine k-means
// (core/eval/clustering.h) into as many clusters as there are segments, and
// the clusters are compared with the segments by NMI, ARI and purity.
//
// NMI and purity are not 0 for a clustering that knows nothing (purity is at
// least the largest segment's share, and NMI has a small positive bias), so
// the same figures are also given for a chance baseline: the clusters'
// labels shuffled among the measured users, which keeps the cluster sizes
// and destroys any relation to the vectors.
//
// On the default demo shop (5000 users, 8 segments) the user vectors of
// implicit ALS with its default options give NMI 0.89, ARI 0.90 and purity
// 0.96 against 0.002, 0.000 and 0.14 for the baseline; plain k-means on the
// unnormalised vectors gives ARI 0.43, as the vectors' lengths follow
// activity rather than taste.
//
// Thread safety: a pure function; safe from any thread.
#ifndef SHOPML_CORE_EVAL_SEGMENT_RECOVERY_H_
#define SHOPML_CORE_EVAL_SEGMENT_RECOVERY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/index/types.h"

namespace shopml::core {

// Agreement of a labelling of the measured users with their segments.
struct ClusterAgreement {
  double nmi = 0;     // NormalizedMutualInformation, in [0, 1].
  double ari = 0;     // AdjustedRandIndex, 0 expected by chance, 1 at best.
  double purity = 0;  // Purity(clusters, segments), in (0, 1].
};

struct SegmentRecovery {
  ClusterAgreement model;     // The k-means clusters.
  ClusterAgreement baseline;  // The same clusters, shuffled.
  // Users measured: those with a known segment and a vector of nonzero norm
  // (users without events have zero vectors and no direction to cluster).
  int64_t num_users = 0;
};

// Clusters the measured users' rows of `user_vectors` (num_users x d) into
// `num_segments` clusters (KMeans with its default options and `seed`;
// normalize_rows) and compares them with `truth`: truth[u] is user u's
// segment in [0, num_segments), or -1 when unknown (the user is skipped).
// The same arguments give the same result.
//
// Returns InvalidArgument naming the field: "num_segments: ..." when it is
// below 1 or above the number of measured users, "truth: ..." when its size
// is not user_vectors.rows(), "truth[u]: ..." for a label out of range, and
// "user_vectors: ..." for a value that is not finite.
absl::StatusOr<SegmentRecovery> MeasureSegmentRecovery(
    const RowMatrixXf& user_vectors, absl::Span<const int> truth,
    int num_segments, uint64_t seed);

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_SEGMENT_RECOVERY_H_
