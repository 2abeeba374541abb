// GbdtModel::ToProto and FromProto.
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/trees/gbdt.h"
#include "core/trees/tree_proto.h"
#include "core/util/status_macros.h"

namespace shopml::core {

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
    trees_internal::TreeToProto(tree, proto.add_trees());
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
  for (double gain : proto.gain_importance()) {
    if (!(gain >= 0) || !std::isfinite(gain)) {
      return absl::DataLossError("gbdt: a gain_importance is not finite >= 0");
    }
  }
  model.num_features_ = static_cast<int>(proto.num_features());
  model.base_score_ = proto.base_score();
  model.rounds_run_ = static_cast<int>(proto.rounds_run());
  model.importance_.assign(proto.gain_importance().begin(),
                           proto.gain_importance().end());
  model.trees_.reserve(static_cast<size_t>(proto.trees_size()));
  for (int i = 0; i < proto.trees_size(); ++i) {
    SHOPML_ASSIGN_OR_RETURN(
        std::vector<GbdtNode> nodes,
        trees_internal::TreeFromProto(proto.trees(i), "gbdt", i,
                                      model.num_features_));
    model.trees_.push_back(std::move(nodes));
  }
  model.flat_ = trees_internal::FlatForest(model.trees_);
  return model;
}

}  // namespace shopml::core
