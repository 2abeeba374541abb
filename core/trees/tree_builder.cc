#include "core/trees/tree_builder.h"

namespace shopml::core::trees_internal {

float TreeValue(const std::vector<GbdtNode>& tree, const float* row) {
  const GbdtNode* nodes = tree.data();
  int n = 0;
  while (nodes[n].feature >= 0) {
    const GbdtNode& node = nodes[n];
    const float v = row[node.feature];
    // Branch-free: a NaN compares false, so it goes left only by default.
    const bool left = (v <= node.threshold) | (node.default_left & (v != v));
    n = left ? node.left : node.right;
  }
  return nodes[n].value;
}

}  // namespace shopml::core::trees_internal
