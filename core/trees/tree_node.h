// GbdtNode: one node of a regression tree, the unit every tree ensemble in
// core/trees (gbdt.h, random_forest.h) stores, predicts with and saves.
//
// A tree is a std::vector<GbdtNode>: node 0 is the root and every child has
// a larger index than its parent.
//
// Thread safety: plain data.
#ifndef SHOPML_CORE_TREES_TREE_NODE_H_
#define SHOPML_CORE_TREES_TREE_NODE_H_

#include <cstdint>

namespace shopml::core {

struct GbdtNode {
  // Internal nodes: go left when x[feature] <= threshold, or when it is
  // missing and default_left. Leaves have feature -1.
  int32_t feature = -1;
  float threshold = 0;
  bool default_left = true;
  int32_t left = -1;
  int32_t right = -1;
  float value = 0;  // Leaves: the contribution to the raw score.
  // The training Hessian sum of the rows that reached the node (xgboost's
  // cover; for a random forest, the bootstrap rows counted with their
  // multiplicity). Feature contributions weight the children by it.
  float cover = 0;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_TREES_TREE_NODE_H_
