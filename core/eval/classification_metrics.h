// Metrics of probabilistic binary classifiers (purchase propensity):
//
//   AUC       the probability that a random positive scores above a random
//             negative, ties counting one half (Mann-Whitney U / (P N))
//   log loss  -mean(y log p + (1 - y) log(1 - p)), p clamped to
//             [1e-15, 1 - 1e-15]
//
// Thread safety: pure functions.
#ifndef SHOPML_CORE_EVAL_CLASSIFICATION_METRICS_H_
#define SHOPML_CORE_EVAL_CLASSIFICATION_METRICS_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace shopml::core {

// `labels` are 0 or 1, one per score. InvalidArgument "labels: ..." for a
// size mismatch, a label not 0 or 1, or no positive or no negative;
// "scores: ..." for a NaN score. O(n log n).
absl::StatusOr<double> Auc(absl::Span<const float> scores,
                           absl::Span<const float> labels);

// InvalidArgument for a size mismatch, no rows, or a label not 0 or 1.
absl::StatusOr<double> LogLoss(absl::Span<const float> probabilities,
                               absl::Span<const float> labels);

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_CLASSIFICATION_METRICS_H_
