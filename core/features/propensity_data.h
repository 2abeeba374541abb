// The training side of the feature pipeline in one call: the sources (item
// snapshot and co-occurrence model) built from the events before the label
// window, and the propensity table built with them. The trainer, the
// `propensity-table` exporter and the benchmarks all start here.
//
// Thread safety: a pure function of its inputs.
#ifndef SHOPML_CORE_FEATURES_PROPENSITY_DATA_H_
#define SHOPML_CORE_FEATURES_PROPENSITY_DATA_H_

#include <memory>

#include "absl/status/statusor.h"
#include "core/baseline/cooccurrence.h"
#include "core/data/interactions.h"
#include "core/features/item_snapshot.h"
#include "core/features/propensity_table.h"

namespace shopml::core {

struct PropensityData {
  // Built from the events before table.window_start_micros. Heap-held so
  // sources() stays valid when the struct moves.
  std::unique_ptr<ItemSnapshot> snapshot;
  std::unique_ptr<CooccurrenceModel> cooccurrence;
  PropensityTable table;
  FeatureSources sources() const {
    return {snapshot.get(), cooccurrence.get()};
  }
};

// Errors as BuildPropensityTable, and InvalidArgument naming the
// co-occurrence option out of range.
absl::StatusOr<PropensityData> BuildPropensityData(
    const Interactions& data, const CooccurrenceOptions& cooccurrence,
    const PropensityOptions& options);

// A split of a table's rows by time: rows [0, train_rows) are the older
// train_fraction of them, the rest the newer (at least one row each side
// when there are two or more).
struct TableSplit {
  int64_t train_rows = 0;
};
TableSplit SplitByTime(const PropensityTable& table, double train_fraction);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FEATURES_PROPENSITY_DATA_H_
