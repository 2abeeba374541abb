// StrongestPairs: the (user, item) pairs of an event log with the weight of
// each pair's strongest event, the input of the models that see a user's
// relation to an item as one number (EASE, user k-NN).
//
// Thread safety: a pure function.
#ifndef SHOPML_CORE_CF_STRONGEST_PAIRS_H_
#define SHOPML_CORE_CF_STRONGEST_PAIRS_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "core/cf/item_weight.h"
#include "core/data/interactions.h"

namespace shopml::core {

struct WeightedPair {
  uint32_t user = 0;
  uint32_t item = 0;
  float weight = 0;
};

// One entry per (user, item) with the largest `weight(event)` among its
// events, ordered by user then item; events of weight <= 0 (or NaN) are
// left out, and so is a pair with no other.
std::vector<WeightedPair> StrongestPairs(
    absl::Span<const Interaction> events,
    absl::FunctionRef<float(const Interaction&)> weight);

// The same for one user's events, by item alone (their user ids are not
// read): one ItemWeight per item, ascending by item.
std::vector<ItemWeight> StrongestItems(
    absl::Span<const Interaction> events,
    absl::FunctionRef<float(const Interaction&)> weight);

}  // namespace shopml::core

#endif  // SHOPML_CORE_CF_STRONGEST_PAIRS_H_
