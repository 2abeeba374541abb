// The table every scoring model reads: rows are examples, columns features,
// NaN marks a missing value. Built by core/features/ at training and at
// serving time; read by the trees (core/trees/), the neural net (core/nn/)
// and the stacker.
#ifndef SHOPML_CORE_FEATURES_FEATURE_MATRIX_H_
#define SHOPML_CORE_FEATURES_FEATURE_MATRIX_H_

#include "Eigen/Core"

namespace shopml::core {

using FeatureMatrix =
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace shopml::core

#endif  // SHOPML_CORE_FEATURES_FEATURE_MATRIX_H_
