// Two more hold-out protocols beside SplitByTime (time_split.h), so a model
// is judged on more than one view of the same data:
//
//   SplitLeaveLastOut  each user's last purchase (and anything the user did
//                      at or after it) is held out; everything else trains.
//                      The classic "predict the next purchase" protocol.
//   SplitRandom        a seeded random share of the (user, item) pairs is
//                      held out with all their events, so no pair is in both
//                      parts; time plays no role.
//
// Both return a TimeSplit (the name is historical: train and test parts with
// the input's id ranges and catalogue) and are deterministic.
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_EVAL_HOLDOUT_SPLITS_H_
#define SHOPML_CORE_EVAL_HOLDOUT_SPLITS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/data/interactions.h"
#include "core/eval/time_split.h"

namespace shopml::core {

// For each user with a purchase and at least one event before their last
// purchase, holds out the events at or after the time of that purchase. Users
// whose first event is their last purchase stay whole in train (a model
// could learn nothing about them). Both parts keep the input's now_micros.
TimeSplit SplitLeaveLastOut(const Interactions& data);

// Holds out each (user, item) pair, with all its events, with probability
// `test_fraction`, decided by a hash of (user, item, seed). InvalidArgument
// "test_fraction: ..." unless it is in (0, 1).
absl::StatusOr<TimeSplit> SplitRandom(const Interactions& data,
                                      double test_fraction, uint64_t seed);

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_HOLDOUT_SPLITS_H_
