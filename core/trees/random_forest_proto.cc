// RandomForest::ToProto and FromProto.
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/trees/random_forest.h"
#include "core/trees/tree_proto.h"
#include "core/util/status_macros.h"

namespace shopml::core {

model::v1::RandomForestModel RandomForest::ToProto() const {
  model::v1::RandomForestModel proto;
  proto.set_format_version(kFormatVersion);
  proto.set_num_features(static_cast<uint32_t>(num_features_));
  for (double gain : importance_) proto.add_gain_importance(gain);
  for (const std::vector<GbdtNode>& tree : trees_) {
    trees_internal::TreeToProto(tree, proto.add_trees());
  }
  return proto;
}

absl::StatusOr<RandomForest> RandomForest::FromProto(
    const model::v1::RandomForestModel& proto) {
  if (proto.format_version() != kFormatVersion) {
    return absl::DataLossError(absl::StrCat(
        "random_forest: unknown format_version ", proto.format_version()));
  }
  if (proto.num_features() > (1u << 24) ||
      proto.gain_importance_size() != static_cast<int>(proto.num_features())) {
    return absl::DataLossError(
        "random_forest: num_features or gain_importance is malformed");
  }
  for (double gain : proto.gain_importance()) {
    if (!(gain >= 0) || !std::isfinite(gain)) {
      return absl::DataLossError(
          "random_forest: a gain_importance is not finite >= 0");
    }
  }
  if (proto.trees_size() == 0) {
    return absl::DataLossError("random_forest: has no trees");
  }
  RandomForest forest;
  forest.num_features_ = static_cast<int>(proto.num_features());
  forest.importance_.assign(proto.gain_importance().begin(),
                            proto.gain_importance().end());
  forest.trees_.reserve(static_cast<size_t>(proto.trees_size()));
  for (int i = 0; i < proto.trees_size(); ++i) {
    SHOPML_ASSIGN_OR_RETURN(
        std::vector<GbdtNode> nodes,
        trees_internal::TreeFromProto(proto.trees(i), "random_forest", i,
                                      forest.num_features_));
    forest.trees_.push_back(std::move(nodes));
  }
  forest.flat_ = trees_internal::FlatForest(forest.trees_);
  return forest;
}

}  // namespace shopml::core
