#include "core/nn/standardizer.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace shopml::core {

Standardizer Standardizer::Fit(const FeatureMatrix& x,
                               absl::Span<const uint32_t> rows) {
  const Eigen::Index cols = x.cols();
  std::vector<double> count(cols, 0), mean(cols, 0), m2(cols, 0);
  // Welford's update: one pass, stable for large offsets such as prices.
  for (uint32_t r : rows) {
    const float* row = x.row(r).data();
    for (Eigen::Index j = 0; j < cols; ++j) {
      const float v = row[j];
      if (std::isnan(v)) continue;
      count[j] += 1;
      const double d = v - mean[j];
      mean[j] += d / count[j];
      m2[j] += d * (v - mean[j]);
    }
  }
  std::vector<float> means(cols), stds(cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    means[j] = static_cast<float>(mean[j]);
    const float sd =
        count[j] > 0 ? static_cast<float>(std::sqrt(m2[j] / count[j])) : 0.0f;
    // A constant feature (up to rounding) carries no signal to scale up.
    const bool constant = !(sd > 1e-6f * std::max(1.0f, std::abs(means[j])));
    stds[j] = constant ? 1.0f : sd;
  }
  return Standardizer(std::move(means), std::move(stds));
}

void Standardizer::StandardizeInPlace(FeatureMatrix* out) const {
  const Eigen::Map<const Eigen::RowVectorXf> mean(means_.data(),
                                                  num_features());
  const Eigen::Map<const Eigen::RowVectorXf> sd(stds_.data(), num_features());
  out->rowwise() -= mean;
  out->array().rowwise() /= sd.array();
  *out = out->unaryExpr([](float v) { return std::isnan(v) ? 0.0f : v; });
}

void Standardizer::Apply(const FeatureMatrix& x, Eigen::Index begin,
                         Eigen::Index end, FeatureMatrix* out) const {
  *out = x.middleRows(begin, end - begin);
  StandardizeInPlace(out);
}

void Standardizer::ApplyRows(const FeatureMatrix& x,
                             absl::Span<const uint32_t> rows,
                             FeatureMatrix* out) const {
  out->resize(static_cast<Eigen::Index>(rows.size()), x.cols());
  for (size_t i = 0; i < rows.size(); ++i) {
    out->row(static_cast<Eigen::Index>(i)) = x.row(rows[i]);
  }
  StandardizeInPlace(out);
}

}  // namespace shopml::core
