// Per-feature standardisation of the neural net's inputs (core/nn/mlp.h):
// x' = (x - mean) / std with the mean and standard deviation of a feature's
// non-missing training values; std is 1 for a feature that is constant
// (std below 1e-6 max(1, |mean|)) or missing in every row. A missing value
// (NaN) becomes 0, i.e. it is imputed with the training mean.
//
// Thread safety: immutable after Fit; Apply is safe to call concurrently.
#ifndef SHOPML_CORE_NN_STANDARDIZER_H_
#define SHOPML_CORE_NN_STANDARDIZER_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "core/features/feature_matrix.h"

namespace shopml::core {

class Standardizer {
 public:
  Standardizer() = default;
  // REQUIRES: means.size() == stds.size(), every std finite and > 0.
  Standardizer(std::vector<float> means, std::vector<float> stds)
      : means_(std::move(means)), stds_(std::move(stds)) {}

  // Statistics of the rows `rows` of x, in double.
  static Standardizer Fit(const FeatureMatrix& x,
                          absl::Span<const uint32_t> rows);

  // `out` (resized to end - begin x num_features()): the standardised rows
  // [begin, end) of x. REQUIRES: x.cols() == num_features().
  void Apply(const FeatureMatrix& x, Eigen::Index begin, Eigen::Index end,
             FeatureMatrix* out) const;
  // The same for the rows `rows` of x, in that order.
  void ApplyRows(const FeatureMatrix& x, absl::Span<const uint32_t> rows,
                 FeatureMatrix* out) const;

  int num_features() const { return static_cast<int>(means_.size()); }
  const std::vector<float>& means() const { return means_; }
  const std::vector<float>& stds() const { return stds_; }

 private:
  void StandardizeInPlace(FeatureMatrix* out) const;

  std::vector<float> means_;
  std::vector<float> stds_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_NN_STANDARDIZER_H_
