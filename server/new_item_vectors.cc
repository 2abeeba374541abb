#include "server/new_item_vectors.h"

#include <algorithm>
#include <map>
#include <utility>

#include "core/cf/implicit_als_options.h"
#include "core/util/status_macros.h"
#include "server/history.h"

namespace shopml::server {
namespace {

// The item's vector from its newest events by users the model knows;
// nullopt when there are none.
absl::StatusOr<std::optional<Eigen::VectorXf>> FoldIn(
    const core::ImplicitAls& als, const storage::Store& store, uint32_t item) {
  SHOPML_ASSIGN_OR_RETURN(const std::vector<storage::StoredEvent> stored,
                          store.ItemEvents(item, NewItemVectors::kItemEvents));
  std::vector<core::Interaction> events;
  events.reserve(stored.size());
  for (const storage::StoredEvent& s : stored) {
    if (s.user >= als.user_factors().rows()) continue;
    SHOPML_ASSIGN_OR_RETURN(core::Interaction e, ToInteraction(s));
    events.push_back(e);
  }
  const std::vector<core::UserWeight> weights =
      core::AlsUserWeights(events, als.options());
  if (weights.empty()) return std::nullopt;
  SHOPML_ASSIGN_OR_RETURN(Eigen::VectorXf vector, als.FoldInItem(weights));
  return vector;
}

}  // namespace

absl::Status NewItemVectors::Update(
    absl::FunctionRef<std::shared_ptr<const core::ModelBundle>()>
        current_bundle,
    const storage::Store& store, absl::Span<const uint32_t> items) {
  absl::MutexLock update(&update_mu_);
  const std::shared_ptr<const core::ModelBundle> shared = current_bundle();
  if (shared == nullptr || !shared->implicit_als.has_value()) {
    return absl::OkStatus();
  }
  const core::ModelBundle& bundle = *shared;
  const core::ImplicitAls& als = *bundle.implicit_als;
  std::vector<uint32_t> wanted;
  for (uint32_t item : items) {
    if (item >= als.num_items()) wanted.push_back(item);
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  if (wanted.size() > kMaxItemsPerUpdate) wanted.resize(kMaxItemsPerUpdate);
  if (wanted.empty()) return absl::OkStatus();

  // Start from the vectors already known for this bundle.
  std::map<uint32_t, Eigen::VectorXf> vectors;
  const std::shared_ptr<const Snapshot> old = Current();
  if (old != nullptr && old->bundle_version == bundle.version()) {
    for (size_t i = 0; i < old->items.size(); ++i) {
      vectors[old->items[i]] = old->vectors.row(i).transpose();
    }
  }
  for (uint32_t item : wanted) {
    if (vectors.size() >= kMaxItems && !vectors.contains(item)) continue;
    SHOPML_ASSIGN_OR_RETURN(std::optional<Eigen::VectorXf> vector,
                            FoldIn(als, store, item));
    if (vector.has_value()) vectors[item] = *std::move(vector);
  }
  auto next = std::make_shared<Snapshot>();
  next->bundle_version = bundle.version();
  next->vectors.resize(static_cast<Eigen::Index>(vectors.size()),
                       als.item_factors().cols());
  for (const auto& [item, vector] : vectors) {
    next->vectors.row(static_cast<Eigen::Index>(next->items.size())) =
        vector.transpose();
    next->items.push_back(item);
  }
  absl::MutexLock lock(&mu_);
  current_ = std::move(next);
  return absl::OkStatus();
}

std::shared_ptr<const NewItemVectors::Snapshot> NewItemVectors::Current()
    const {
  absl::MutexLock lock(&mu_);
  return current_;
}

}  // namespace shopml::server
