#include "core/eval/holdout_splits.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"

namespace shopml::core {
namespace {

TimeSplit EmptyParts(const Interactions& data) {
  TimeSplit split;
  for (Interactions* part : {&split.train, &split.test}) {
    part->num_users = data.num_users;
    part->num_items = data.num_items;
    part->catalog = data.catalog;
    part->now_micros = data.now_micros;
  }
  return split;
}

// SplitMix64 (Steele, Lea & Flood 2014): a cheap, well-mixed hash.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

TimeSplit SplitLeaveLastOut(const Interactions& data) {
  constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
  std::vector<int64_t> last_purchase(data.num_users, kNone);
  std::vector<int64_t> first_event(data.num_users,
                                   std::numeric_limits<int64_t>::max());
  for (const Interaction& e : data.events) {
    first_event[e.user] = std::min(first_event[e.user], e.time_micros);
    if (e.type == EventType::kPurchase) {
      last_purchase[e.user] = std::max(last_purchase[e.user], e.time_micros);
    }
  }
  TimeSplit split = EmptyParts(data);
  for (const Interaction& e : data.events) {
    const int64_t cut = last_purchase[e.user];
    const bool held_out =
        cut != kNone && first_event[e.user] < cut && e.time_micros >= cut;
    (held_out ? split.test : split.train).events.push_back(e);
  }
  return split;
}

absl::StatusOr<TimeSplit> SplitRandom(const Interactions& data,
                                      double test_fraction, uint64_t seed) {
  if (!(test_fraction > 0 && test_fraction < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("test_fraction: must be in (0, 1), got ", test_fraction));
  }
  // Compare the top 53 bits of the hash with the fraction, exactly.
  const auto threshold = static_cast<uint64_t>(test_fraction * 0x1p53);
  const uint64_t salt = Mix(seed);
  TimeSplit split = EmptyParts(data);
  for (const Interaction& e : data.events) {
    const uint64_t pair = (static_cast<uint64_t>(e.user) << 32) | e.item;
    const bool held_out = (Mix(pair ^ salt) >> 11) < threshold;
    (held_out ? split.test : split.train).events.push_back(e);
  }
  return split;
}

}  // namespace shopml::core
