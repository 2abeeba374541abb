// SplitByTime: a time-ordered hold-out split for offline evaluation. The
// newest events are held out, so models are measured on the future the way
// they will be used.
//
// Thread safety: a pure function; safe from any thread.
#ifndef SHOPML_CORE_EVAL_TIME_SPLIT_H_
#define SHOPML_CORE_EVAL_TIME_SPLIT_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/data/interactions.h"

namespace shopml::core {

struct TimeSplit {
  // The oldest events; now_micros is the time of its newest event (the
  // input's now_micros when it has none).
  Interactions train;
  // The newest floor(holdout_fraction * n) events; now_micros as the input's.
  Interactions test;
};

// Orders the events by (time, user, item, type), a total order so equal
// times split the same way on every run, and holds out the last
// floor(holdout_fraction * n). Both parts keep the input's id ranges and
// catalogue. InvalidArgument "holdout_fraction: ..." unless it is in [0, 1).
absl::StatusOr<TimeSplit> SplitByTime(const Interactions& data,
                                      double holdout_fraction);

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_TIME_SPLIT_H_
