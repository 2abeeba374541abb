#include "core/cf/strongest_pairs.h"

#include <algorithm>
#include <tuple>

namespace shopml::core {

std::vector<WeightedPair> StrongestPairs(
    absl::Span<const Interaction> events,
    absl::FunctionRef<float(const Interaction&)> weight) {
  std::vector<WeightedPair> pairs;
  for (const Interaction& e : events) {
    const float w = weight(e);
    if (w > 0) pairs.push_back({e.user, e.item, w});
  }
  // The heaviest event of each pair first, then keep the first of each pair.
  std::sort(pairs.begin(), pairs.end(),
            [](const WeightedPair& a, const WeightedPair& b) {
              return std::tie(a.user, a.item, b.weight) <
                     std::tie(b.user, b.item, a.weight);
            });
  pairs.erase(std::unique(pairs.begin(), pairs.end(),
                          [](const WeightedPair& a, const WeightedPair& b) {
                            return a.user == b.user && a.item == b.item;
                          }),
              pairs.end());
  return pairs;
}

std::vector<ItemWeight> StrongestItems(
    absl::Span<const Interaction> events,
    absl::FunctionRef<float(const Interaction&)> weight) {
  std::vector<ItemWeight> items;
  for (const Interaction& e : events) {
    const float w = weight(e);
    if (w > 0) items.push_back({e.item, w});
  }
  std::sort(items.begin(), items.end(),
            [](const ItemWeight& a, const ItemWeight& b) {
              return std::tie(a.item, b.weight) < std::tie(b.item, a.weight);
            });
  items.erase(std::unique(items.begin(), items.end(),
                          [](const ItemWeight& a, const ItemWeight& b) {
                            return a.item == b.item;
                          }),
              items.end());
  return items;
}

}  // namespace shopml::core
