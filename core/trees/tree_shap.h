// Per-prediction feature contributions of tree ensembles: exact
// path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent
// Individualized Feature Attribution for Tree Ensembles", Algorithm 2; what
// xgboost's pred_contribs computes). Internal to core/trees; the models
// expose it as Contributions().
//
// For one tree f and a set S of features, let f_x(S) be the tree's value at
// row x when only the features in S are known: at a split on a feature in S
// the walk follows x (a missing value its default direction); at a split on
// any other feature it takes both children, weighted by their share of the
// node's training cover, c_child / (c_left + c_right). The contribution of
// feature i is its Shapley value in that game over the M features,
//
//   phi_i = sum over S not containing i of
//           |S|! (M - |S| - 1)! / M! * (f_x(S + {i}) - f_x(S)),
//
// and the bias is f_x({}), the tree's cover-weighted mean leaf value, so
// bias + sum_i phi_i = f(x). Algorithm 2 gets all phi_i in
// O(leaves * depth^2) per row instead of O(2^M), by carrying along the path
// from the root, for each distinct feature met, the share of the weight of
// subsets that do and do not contain it. A feature never tested on x's
// paths gets exactly 0. Sums are in double.
//
// Thread safety: the functions are pure; a TreeShap is used by one thread.
#ifndef SHOPML_CORE_TREES_TREE_SHAP_H_
#define SHOPML_CORE_TREES_TREE_SHAP_H_

#include <vector>

#include "core/features/feature_matrix.h"
#include "core/trees/tree_node.h"

namespace shopml::core::trees_internal {

// f_x({}): the leaves' values weighted by the cover shares down to them.
double TreeExpectedValue(const std::vector<GbdtNode>& tree);

// Edges on the longest root-to-leaf path (0 for a lone leaf). REQUIRES:
// every child comes after its parent.
int TreeDepth(const std::vector<GbdtNode>& tree);

// Algorithm 2 with its scratch path, sized once for the deepest tree.
class TreeShap {
 public:
  // The deepest tree a model file may hold (tree_proto.h).
  static constexpr int kMaxDepth = 64;

  // REQUIRES: kMaxDepth >= max_depth >= the TreeDepth of every tree
  // passed to Add.
  explicit TreeShap(int max_depth);

  // Adds scale * phi_i of `tree` at `row` to phi[i], i < num features.
  void Add(const std::vector<GbdtNode>& tree, const float* row, double scale,
           double* phi);

 private:
  struct PathElement {
    int feature = -1;
    double zero_fraction = 0;  // Share of the weight when i is unknown.
    double one_fraction = 0;   // 1 if x goes this way, else 0.
    double weight = 0;         // Weight of the subsets of this size.
  };
  static void Extend(PathElement* path, int depth, double zero_fraction,
                     double one_fraction, int feature);
  static void Unwind(PathElement* path, int depth, int index);
  static double UnwoundSum(const PathElement* path, int depth, int index);
  void Recurse(int node, int depth, PathElement* parent_path,
               double zero_fraction, double one_fraction, int feature);

  std::vector<PathElement> scratch_;
  // The arguments of Add, for Recurse.
  const GbdtNode* nodes_ = nullptr;
  const float* row_ = nullptr;
  double scale_ = 0;
  double* phi_ = nullptr;
};

// Contributions of an ensemble whose prediction is bias + scale * (sum of
// the trees' values): rows x (num_features + 1), row-major, the last column
// bias + scale * (sum of the trees' expected values). Rows are split over
// up to `threads` threads; results do not depend on it. REQUIRES: x.cols()
// == num_features, every tree valid (as after FromProto).
std::vector<float> EnsembleContributions(
    const std::vector<std::vector<GbdtNode>>& trees, int num_features,
    double bias, double scale, const FeatureMatrix& x, int threads);

}  // namespace shopml::core::trees_internal

#endif  // SHOPML_CORE_TREES_TREE_SHAP_H_
