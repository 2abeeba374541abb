#include "core/features/propensity_data.h"

#include <algorithm>
#include <cmath>

#include "core/util/status_macros.h"

namespace shopml::core {

absl::StatusOr<PropensityData> BuildPropensityData(
    const Interactions& data, const CooccurrenceOptions& cooccurrence,
    const PropensityOptions& options) {
  SHOPML_ASSIGN_OR_RETURN(const int64_t start,
                          PropensityWindowStart(data, options));
  Interactions before;
  before.num_users = data.num_users;
  before.num_items = data.num_items;
  before.catalog = data.catalog;
  before.now_micros = start;
  for (const Interaction& e : data.events) {
    if (e.time_micros < start) before.events.push_back(e);
  }
  PropensityData out;
  SHOPML_ASSIGN_OR_RETURN(CooccurrenceModel cooc,
                          CooccurrenceModel::Train(before, cooccurrence));
  out.cooccurrence = std::make_unique<CooccurrenceModel>(std::move(cooc));
  SHOPML_ASSIGN_OR_RETURN(ItemSnapshot snapshot,
                          ItemSnapshot::Build(data, start));
  out.snapshot = std::make_unique<ItemSnapshot>(std::move(snapshot));
  SHOPML_ASSIGN_OR_RETURN(out.table,
                          BuildPropensityTable(data, out.sources(), options));
  return out;
}

TableSplit SplitByTime(const PropensityTable& table, double train_fraction) {
  const int64_t n = table.rows();
  if (n < 2) return {n};
  const int64_t train = static_cast<int64_t>(
      std::llround(static_cast<double>(n) * train_fraction));
  return {std::clamp<int64_t>(train, 1, n - 1)};
}

}  // namespace shopml::core
