// Checks shared by the baseline models' Train: that training data is
// internally consistent before a model indexes arrays with its ids.
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_BASELINE_DATA_CHECKS_H_
#define SHOPML_CORE_BASELINE_DATA_CHECKS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "core/data/interactions.h"

namespace shopml::core {

// InvalidArgument naming the field when an event's user or item id is out of
// range, its type unknown, a rating not finite, or the catalogue's arrays are
// neither empty nor num_items long, or a category id is out of range.
absl::Status CheckInteractions(const Interactions& data);

// The item's category id, Catalog::kNoCategory when the catalogue has none.
// REQUIRES: CheckInteractions(data) is OK and item < data.num_items.
int32_t CategoryOf(const Catalog& catalog, uint32_t item);

// InvalidArgument "<field>: must be in [lo, hi], got <value>" unless value is
// finite and within the bounds.
absl::Status CheckOption(const char* field, double value, double lo, double hi);

// InvalidArgument "<field>: must be finite and > 0, got <value>" unless it is.
absl::Status CheckPositive(const char* field, double value);

}  // namespace shopml::core

#endif  // SHOPML_CORE_BASELINE_DATA_CHECKS_H_
