// Types shared by the factor models (core/cf) and the retrieval indexes
// (core/index): dense row-major float matrices of embeddings, scored items and
// the item filter applied during top-K selection.
#ifndef SHOPML_CORE_INDEX_TYPES_H_
#define SHOPML_CORE_INDEX_TYPES_H_

#include <cstdint>

#include "Eigen/Core"
#include "absl/functional/function_ref.h"

namespace shopml::core {

// One embedding per row: users x d or items x d.
using RowMatrixXf =
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct ScoredItem {
  uint32_t item = 0;
  float score = 0;  // Larger is better.

  friend bool operator==(const ScoredItem&, const ScoredItem&) = default;
};

// Returns true for the items a search may return. Called during selection,
// so a search returns k items whenever k items pass it.
using ItemPredicate = absl::FunctionRef<bool(uint32_t item)>;

}  // namespace shopml::core

#endif  // SHOPML_CORE_INDEX_TYPES_H_
