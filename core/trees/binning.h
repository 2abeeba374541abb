// Feature binning for histogram-based trees (LightGBM / XGBoost "hist"):
// each feature's values are cut at up to max_bins - 1 quantile thresholds
// learned from the training rows, and each value is replaced by its bin, so
// a split search scans a few hundred bins instead of every distinct value.
//
// A value v falls into bin b when thresholds[b - 1] < v <= thresholds[b]
// (bin 0 is everything <= thresholds[0], the last bin everything above the
// last threshold). Missing values (NaN) have their own bin, kMissingBin, so
// a tree can learn where they go.
//
// Thread safety: FeatureBins is immutable once built; the functions are pure.
#ifndef SHOPML_CORE_TREES_BINNING_H_
#define SHOPML_CORE_TREES_BINNING_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/features/feature_matrix.h"

namespace shopml::core {

// The bin of a missing value; value bins are 0 .. kMissingBin - 1.
inline constexpr uint8_t kMissingBin = 255;

struct FeatureBins {
  // Per feature, the ascending thresholds (at most 254 of them; empty for a
  // feature with a single distinct value or only missing values).
  std::vector<std::vector<float>> thresholds;

  int num_features() const { return static_cast<int>(thresholds.size()); }
  // The bin of `value` for `feature`.
  uint8_t BinOf(int feature, float value) const;
  // The largest value of `bin` (its upper threshold) for a split "<= that".
  // REQUIRES: bin < thresholds[feature].size().
  float UpperBound(int feature, int bin) const {
    return thresholds[feature][bin];
  }
};

// Thresholds at the quantiles of each feature's non-missing values (at most
// `sample_rows` rows, evenly spaced, are looked at), deduplicated.
// InvalidArgument "max_bins: ..." unless it is in [2, 255], "x: ..." for no
// rows or an infinite value among the rows looked at (an infinite value
// elsewhere falls into the first or last bin).
absl::StatusOr<FeatureBins> BuildFeatureBins(const FeatureMatrix& x,
                                             int max_bins,
                                             int64_t sample_rows = 200000);

// The bins of `x`, column-major: bins[f * rows + r] is row r's bin for
// feature f, the layout a histogram pass reads. REQUIRES: x.cols() ==
// bins.num_features().
std::vector<uint8_t> BinColumns(const FeatureMatrix& x,
                                const FeatureBins& bins);

}  // namespace shopml::core

#endif  // SHOPML_CORE_TREES_BINNING_H_
