// FlatForest: the trees of an ensemble (gbdt.h, random_forest.h) laid out
// for batch prediction, shared by both. Internal to core/trees.
//
// Layout: each tree's nodes are renumbered breadth-first so that a split's
// children are adjacent (right = left + 1), and packed in 12 bytes
// {column offset, threshold, left}; a leaf points to itself with threshold
// +inf. Every row of a block then takes exactly `depth` branch-free steps
//
//   at = node[at].left + (value > node[at].threshold)
//
// through a tree, and the walks of 16 rows run in lockstep, so their loads
// overlap. Missing values need no test per step: a block of 64 rows is
// first transposed to column-major, one column per (feature, default
// direction) the trees use, a NaN written as -inf in a default-left column
// and +inf in a default-right one, which sends it the default way under
// the same comparison (thresholds are finite). Each block passes through
// one tree at a time while the tree stays in L1.
//
// The sum for a row adds the trees' leaf values in tree order in double,
// exactly as a walk of each tree per row would: results are bit for bit
// those of the per-row walk, for any batch size and thread count.
//
// Thread safety: immutable once built; Sums is safe to call concurrently.
#ifndef SHOPML_CORE_TREES_FLAT_FOREST_H_
#define SHOPML_CORE_TREES_FLAT_FOREST_H_

#include <cstdint>
#include <vector>

#include "core/features/feature_matrix.h"
#include "core/trees/tree_node.h"

namespace shopml::core::trees_internal {

class FlatForest {
 public:
  FlatForest() = default;
  // REQUIRES: every tree valid (children after their parent, features in
  // range), as after training or FromProto.
  explicit FlatForest(const std::vector<std::vector<GbdtNode>>& trees);

  // init + the sum of the trees' values for each row of x, the rows split
  // over up to `threads` threads. REQUIRES: x.cols() > every feature used.
  std::vector<double> Sums(const FeatureMatrix& x, double init,
                           int threads) const;

  static constexpr int kBlockRows = 64;
  static constexpr int kLanes = 16;

 private:
  struct Node {
    uint32_t column = 0;  // Offset of the node's column in a block.
    float threshold = 0;
    int32_t left = 0;
  };
  struct Tree {
    std::vector<Node> nodes;
    std::vector<float> values;  // Per node; used at leaves.
    int depth = 0;
  };
  // A column of a transposed block: a feature, and what a NaN becomes.
  struct Column {
    int feature = 0;
    float missing = 0;
  };

  // `keys`: sorted 2 * feature + (default right) of columns_.
  static Tree Flatten(const std::vector<GbdtNode>& tree,
                      const std::vector<int>& keys);
  // Fills `block` (columns_.size() x kBlockRows) with rows [begin, end).
  void Transpose(const FeatureMatrix& x, Eigen::Index begin, Eigen::Index end,
                 float* block) const;
  // Adds every tree's value to sums[0, rows) for the `rows` rows of block.
  void SumBlock(const float* block, int rows, double* sums) const;

  std::vector<Tree> trees_;
  std::vector<Column> columns_;
};

}  // namespace shopml::core::trees_internal

#endif  // SHOPML_CORE_TREES_FLAT_FOREST_H_
