#include "core/trees/tree_proto.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "core/trees/tree_shap.h"

namespace shopml::core::trees_internal {

static_assert(kMaxFileTreeDepth <= TreeShap::kMaxDepth);

void TreeToProto(const std::vector<GbdtNode>& tree, model::v1::GbdtTree* out) {
  for (const GbdtNode& node : tree) {
    out->add_feature(node.feature);
    out->add_threshold(node.threshold);
    out->add_default_left(node.default_left);
    out->add_left(node.left);
    out->add_right(node.right);
    out->add_value(node.value);
    out->add_cover(node.cover);
  }
}

absl::StatusOr<std::vector<GbdtNode>> TreeFromProto(
    const model::v1::GbdtTree& t, absl::string_view model, int index,
    int num_features) {
  auto corrupt = [&](absl::string_view what) {
    return absl::DataLossError(
        absl::StrCat(model, ": trees[", index, "]: ", what));
  };
  const int n = t.feature_size();
  if (n == 0 || t.threshold_size() != n || t.default_left_size() != n ||
      t.left_size() != n || t.right_size() != n || t.value_size() != n ||
      t.cover_size() != n) {
    return corrupt("node arrays are empty or of different lengths");
  }
  std::vector<GbdtNode> nodes(n);
  std::vector<int> parents(n, 0);
  std::vector<int> depth(n, 0);
  for (int i = 0; i < n; ++i) {
    GbdtNode& node = nodes[i];
    node.feature = t.feature(i);
    node.threshold = t.threshold(i);
    node.default_left = t.default_left(i);
    node.left = t.left(i);
    node.right = t.right(i);
    node.value = t.value(i);
    node.cover = t.cover(i);
    if (!std::isfinite(node.value) || !std::isfinite(node.threshold) ||
        !std::isfinite(node.cover)) {
      return corrupt(absl::StrCat("node ", i, " is not finite"));
    }
    if (node.cover < 0)
      return corrupt(absl::StrCat("node ", i, " has a negative cover"));
    if ((i == 0) != (parents[i] == 0) || parents[i] > 1) {
      return corrupt(
          absl::StrCat("node ", i, " is not the child of exactly one split"));
    }
    if (node.feature == -1) continue;
    // Children after their parent: no cycles, every walk ends at a leaf.
    if (node.feature < 0 || node.feature >= num_features || node.left <= i ||
        node.left >= n || node.right <= i || node.right >= n ||
        node.left == node.right) {
      return corrupt(absl::StrCat("node ", i, " is malformed"));
    }
    // Contributions divide by the children's covers.
    if (!(t.cover(node.left) + t.cover(node.right) > 0)) {
      return corrupt(absl::StrCat("node ", i, " has children without cover"));
    }
    if (depth[i] + 1 > kMaxFileTreeDepth)
      return corrupt(absl::StrCat("node ", i, " is too deep"));
    ++parents[node.left];
    ++parents[node.right];
    depth[node.left] = depth[node.right] = depth[i] + 1;
  }
  return nodes;
}

}  // namespace shopml::core::trees_internal
