// FlatForest: the trees of an ensemble (gbdt.h, random_forest.h) laid out
// for batch prediction, shared by both. Internal to core/trees.
//
// Layout: a tree of depth D <= 6, or D <= kMaxCompleteDepth with at least
// 2^(D-1) nodes, is stored complete, as
// 2^D - 1 nodes of 8 bytes {column offset, threshold} in breadth-first
// order, the children of node i at 2i + 1 and 2i + 2 (a leaf above depth D
// becomes splits with threshold +inf, which always go left, over copies of
// its value), so a step loads no child index:
//
//   at = 2 at + 1 + (value > node[at].threshold)
//
// Any other tree keeps its own shape, renumbered breadth-first so a split's
// children are adjacent, and a step reads the left child's index:
//
//   at = left[at] + (value > node[at].threshold)
//
// with leaves pointing to themselves (threshold +inf). Either way every row
// takes exactly D branch-free steps through a tree, and the walks of 16
// rows run in lockstep, so their loads overlap; in a complete tree the
// first three levels are tested for four rows at a time with SSE2 compares
// (all seven nodes, the path picked by masks). A block's last rows short of
// 16 walk up to 16 complete trees of one depth in lockstep instead. Missing
// values need no test per step: a block of 64 rows is first transposed to
// column-major, one column per (feature, default direction) the trees use, a
// NaN written as -inf in a default-left column and +inf in a default-right one,
// which sends it the default way under the same comparison (thresholds are
// finite). Each block passes through one tree at a time while the tree stays in
// L1.
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
  static constexpr int kMaxCompleteDepth = 12;

 private:
  struct Node {
    uint32_t column = 0;  // Offset of the node's column in a block.
    float threshold = 0;
  };
  struct Tree {
    std::vector<Node> nodes;
    std::vector<float> values;   // Per node index a walk can end at.
    std::vector<uint32_t> left;  // Empty when the tree is complete.
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
  static void FillComplete(const std::vector<GbdtNode>& tree,
                           const std::vector<int>& keys, int node, size_t at,
                           Tree& out);
  // One step from node `at` for the row whose column entries start at
  // `lane`, in a complete tree and in a sparse one.
  static uint32_t StepComplete(const Node* nodes, const float* lane,
                               uint32_t at);
  static uint32_t StepSparse(const Node* nodes, const uint32_t* left,
                             const float* lane, uint32_t at);
  static void TopLevels(const Node* nodes, const float* lanes, uint32_t* at);
  // Adds the tree's value to sums[r] for the rows r of block in whole
  // groups of kLanes.
  static void SumGroups(const Tree& tree, const float* block, int rows,
                        double* sums);
  // Adds every tree's value to *sum for the row at `lane` of a block.
  void SumRow(const float* lane, double* sum) const;
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
