// The purchase-propensity training table: one row per view in the label
// window, labelled 1 when the same user bought the same item within
// label_horizon after the view. A row's features come from the events
// strictly before the view (the user's state, advanced in EventOrder) and
// from sources built before the window starts (the item snapshot and the
// co-occurrence model), so no row sees its own future.
//
// The window is the last window_fraction of the data's span, less the
// horizon at its end (those views' outcomes are not known yet). Rows are
// sorted by time, so a prefix is an earlier period: split train and
// validation by time.
//
// Thread safety: a pure function of its inputs.
#ifndef SHOPML_CORE_FEATURES_PROPENSITY_TABLE_H_
#define SHOPML_CORE_FEATURES_PROPENSITY_TABLE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/interactions.h"
#include "core/features/feature_matrix.h"
#include "core/features/feature_rows.h"

namespace shopml::core {

struct PropensityOptions {
  // Share of the span (first to last event) that holds the labelled views,
  // [0.01, 0.99]. Default: 0.25.
  double window_fraction = 0.25;
  // A view is positive when the item is bought within this time, in
  // seconds, [1, 1e9]. Default: one day.
  int64_t label_horizon_seconds = 86400;
  // Rows kept at most, drawn evenly by a hash of (user, item, time), >= 1.
  // Default: 500000.
  int64_t max_rows = 500000;
};

struct PropensityTable {
  FeatureMatrix x;
  std::vector<float> y;
  std::vector<int64_t> time_micros;  // Ascending.
  std::vector<uint32_t> user;
  std::vector<uint32_t> item;
  // Events before this time built the sources (the window's start).
  int64_t window_start_micros = 0;
  int64_t rows() const { return x.rows(); }
};

// The window's start for `data` (the cutoff of the training sources).
// InvalidArgument "window_fraction: ..." out of range.
absl::StatusOr<int64_t> PropensityWindowStart(const Interactions& data,
                                              const PropensityOptions& options);

// REQUIRES: sources were built from events before
// PropensityWindowStart(data, options). InvalidArgument naming the option
// out of range, or as CheckInteractions; FailedPrecondition when the window
// holds no view with a known outcome.
absl::StatusOr<PropensityTable> BuildPropensityTable(
    const Interactions& data, const FeatureSources& sources,
    const PropensityOptions& options);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FEATURES_PROPENSITY_TABLE_H_
