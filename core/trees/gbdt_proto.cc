// GbdtModel::ToProto and FromProto.
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/trees/gbdt.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

absl::Status Corrupt(int tree, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("gbdt: trees[", tree, "]: ", what));
}

// The nodes of `proto`, validated as the header of gbdt.h describes.
absl::StatusOr<std::vector<GbdtNode>> ParseTree(const model::v1::GbdtTree& t,
                                                int index, int num_features) {
  const int n = t.feature_size();
  if (n == 0 || t.threshold_size() != n || t.default_left_size() != n ||
      t.left_size() != n || t.right_size() != n || t.value_size() != n ||
      t.cover_size() != n) {
    return Corrupt(index, "node arrays are empty or of different lengths");
  }
  std::vector<GbdtNode> nodes(n);
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
      return Corrupt(index, absl::StrCat("node ", i, " is not finite"));
    }
    if (node.cover < 0) {
      return Corrupt(index, absl::StrCat("node ", i, " has a negative cover"));
    }
    if (node.feature == -1) continue;
    // Children after their parent: no cycles, every walk ends at a leaf.
    if (node.feature < 0 || node.feature >= num_features || node.left <= i ||
        node.left >= n || node.right <= i || node.right >= n) {
      return Corrupt(index, absl::StrCat("node ", i, " is malformed"));
    }
    // Contributions divide by the children's covers.
    if (!(t.cover(node.left) + t.cover(node.right) > 0)) {
      return Corrupt(index,
                     absl::StrCat("node ", i, "'s children have no cover"));
    }
  }
  return nodes;
}

}  // namespace

model::v1::GbdtModel GbdtModel::ToProto() const {
  model::v1::GbdtModel proto;
  proto.set_format_version(kFormatVersion);
  proto.set_loss(loss_ == GbdtLoss::kLogistic
                     ? model::v1::GbdtModel::LOSS_LOGISTIC
                     : model::v1::GbdtModel::LOSS_SQUARED);
  proto.set_num_features(static_cast<uint32_t>(num_features_));
  proto.set_base_score(base_score_);
  proto.set_rounds_run(static_cast<uint32_t>(rounds_run_));
  for (double gain : importance_) proto.add_gain_importance(gain);
  for (const std::vector<GbdtNode>& tree : trees_) {
    model::v1::GbdtTree* t = proto.add_trees();
    for (const GbdtNode& node : tree) {
      t->add_feature(node.feature);
      t->add_threshold(node.threshold);
      t->add_default_left(node.default_left);
      t->add_left(node.left);
      t->add_right(node.right);
      t->add_value(node.value);
      t->add_cover(node.cover);
    }
  }
  return proto;
}

absl::StatusOr<GbdtModel> GbdtModel::FromProto(
    const model::v1::GbdtModel& proto) {
  if (proto.format_version() != kFormatVersion) {
    return absl::DataLossError(
        absl::StrCat("gbdt: unknown format_version ", proto.format_version()));
  }
  GbdtModel model;
  switch (proto.loss()) {
    case model::v1::GbdtModel::LOSS_LOGISTIC:
      model.loss_ = GbdtLoss::kLogistic;
      break;
    case model::v1::GbdtModel::LOSS_SQUARED:
      model.loss_ = GbdtLoss::kSquared;
      break;
    default:
      return absl::DataLossError(
          absl::StrCat("gbdt: unknown loss ", proto.loss()));
  }
  if (proto.num_features() > (1u << 24) || !std::isfinite(proto.base_score()) ||
      proto.gain_importance_size() != static_cast<int>(proto.num_features())) {
    return absl::DataLossError(
        "gbdt: num_features, base_score or gain_importance is malformed");
  }
  model.num_features_ = static_cast<int>(proto.num_features());
  model.base_score_ = proto.base_score();
  model.rounds_run_ = static_cast<int>(proto.rounds_run());
  model.importance_.assign(proto.gain_importance().begin(),
                           proto.gain_importance().end());
  model.trees_.reserve(static_cast<size_t>(proto.trees_size()));
  for (int i = 0; i < proto.trees_size(); ++i) {
    SHOPML_ASSIGN_OR_RETURN(std::vector<GbdtNode> nodes,
                            ParseTree(proto.trees(i), i, model.num_features_));
    model.trees_.push_back(std::move(nodes));
  }
  model.Flatten();
  return model;
}

}  // namespace shopml::core
