#include "core/eval/time_split.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace shopml::core {

absl::StatusOr<TimeSplit> SplitByTime(const Interactions& data,
                                      double holdout_fraction) {
  if (!(holdout_fraction >= 0 && holdout_fraction < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "holdout_fraction: must be in [0, 1), got ", holdout_fraction));
  }
  std::vector<Interaction> events = data.events;
  std::sort(events.begin(), events.end(),
            [](const Interaction& a, const Interaction& b) {
              return std::tie(a.time_micros, a.user, a.item, a.type) <
                     std::tie(b.time_micros, b.user, b.item, b.type);
            });
  // The epsilon keeps fractions such as 0.3 * 10 from flooring to 2.
  const size_t held_out = static_cast<size_t>(
      std::floor(holdout_fraction * static_cast<double>(events.size()) + 1e-9));
  const auto cut = events.end() - static_cast<ptrdiff_t>(held_out);

  TimeSplit split;
  for (Interactions* part : {&split.train, &split.test}) {
    part->num_users = data.num_users;
    part->num_items = data.num_items;
    part->catalog = data.catalog;
    part->now_micros = data.now_micros;
  }
  split.test.events.assign(cut, events.end());
  events.erase(cut, events.end());
  split.train.events = std::move(events);
  if (!split.train.events.empty()) {
    split.train.now_micros = split.train.events.back().time_micros;
  }
  return split;
}

}  // namespace shopml::core
