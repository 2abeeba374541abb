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

}  // namespace shopml::core
