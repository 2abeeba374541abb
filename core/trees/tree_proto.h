// Reading and writing one tree of a model file (shopml.model.v1.GbdtTree),
// shared by GbdtModel and RandomForest. Internal to core/trees.
//
// Thread safety: pure functions.
#ifndef SHOPML_CORE_TREES_TREE_PROTO_H_
#define SHOPML_CORE_TREES_TREE_PROTO_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/trees/tree_node.h"
#include "shopml/model/v1/tree_models.pb.h"

namespace shopml::core::trees_internal {

// Trees deeper than this are refused: training stops at 16, and the
// contributions recurse once per level.
inline constexpr int kMaxFileTreeDepth = 64;

void TreeToProto(const std::vector<GbdtNode>& tree, model::v1::GbdtTree* out);

// The nodes of `proto`, never trusting it: DataLoss "<model>: trees[<index>]:
// ..." for empty arrays or arrays of different lengths; a value, threshold
// or cover not finite; a negative cover; a split on a feature out of
// [0, num_features), with a child not after it or out of range, or whose
// children's covers sum to 0; a node other than the root that is not the
// child of exactly one split; or a tree deeper than kMaxFileTreeDepth.
absl::StatusOr<std::vector<GbdtNode>> TreeFromProto(
    const model::v1::GbdtTree& proto, absl::string_view model, int index,
    int num_features);

}  // namespace shopml::core::trees_internal

#endif  // SHOPML_CORE_TREES_TREE_PROTO_H_
