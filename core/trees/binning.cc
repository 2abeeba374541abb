#include "core/trees/binning.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace shopml::core {
namespace {

// Up to max_bins - 1 distinct thresholds at the quantiles of `values`
// (sorted, no NaN); a threshold is the largest value of its bin.
std::vector<float> Quantiles(const std::vector<float>& values, int max_bins) {
  std::vector<float> thresholds;
  if (values.empty()) return thresholds;
  const size_t n = values.size();
  for (int b = 1; b < max_bins; ++b) {
    const size_t index = std::min(
        n - 1, n * static_cast<size_t>(b) / static_cast<size_t>(max_bins));
    const float t = values[index];
    if (thresholds.empty() || t > thresholds.back()) thresholds.push_back(t);
  }
  // Everything above the last threshold forms the last bin; a threshold at
  // the maximum would leave it empty.
  if (!thresholds.empty() && thresholds.back() >= values.back()) {
    thresholds.pop_back();
  }
  return thresholds;
}

}  // namespace

uint8_t FeatureBins::BinOf(int feature, float value) const {
  if (std::isnan(value)) return kMissingBin;
  const std::vector<float>& t = thresholds[feature];
  return static_cast<uint8_t>(std::lower_bound(t.begin(), t.end(), value) -
                              t.begin());
}

absl::StatusOr<FeatureBins> BuildFeatureBins(const FeatureMatrix& x,
                                             int max_bins,
                                             int64_t sample_rows) {
  if (max_bins < 2 || max_bins > 255) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_bins: must be in [2, 255], got ", max_bins));
  }
  if (x.rows() == 0) return absl::InvalidArgumentError("x: has no rows");
  const int64_t step =
      std::max<int64_t>(1, x.rows() / std::max<int64_t>(1, sample_rows));
  FeatureBins bins;
  bins.thresholds.resize(static_cast<size_t>(x.cols()));
  std::vector<float> values;
  for (Eigen::Index f = 0; f < x.cols(); ++f) {
    values.clear();
    for (Eigen::Index r = 0; r < x.rows(); r += step) {
      const float v = x(r, f);
      if (std::isinf(v)) {
        return absl::InvalidArgumentError(
            absl::StrCat("x: row ", r, ", feature ", f, " is infinite"));
      }
      if (!std::isnan(v)) values.push_back(v);
    }
    std::sort(values.begin(), values.end());
    bins.thresholds[f] = Quantiles(values, max_bins);
  }
  return bins;
}

std::vector<uint8_t> BinColumns(const FeatureMatrix& x,
                                const FeatureBins& bins) {
  const size_t rows = static_cast<size_t>(x.rows());
  std::vector<uint8_t> out(rows * static_cast<size_t>(x.cols()));
  for (Eigen::Index f = 0; f < x.cols(); ++f) {
    uint8_t* column = out.data() + static_cast<size_t>(f) * rows;
    for (size_t r = 0; r < rows; ++r) {
      column[r] =
          bins.BinOf(static_cast<int>(f), x(static_cast<Eigen::Index>(r), f));
    }
  }
  return out;
}

}  // namespace shopml::core
