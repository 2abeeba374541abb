// ParallelFor: a blocking parallel loop over an index range on short-lived
// std::threads, for work long enough that starting threads per call costs
// nothing measurable (the ALS sweeps, the histograms of large tree nodes).
//
// Thread safety: reentrant.
#ifndef SHOPML_CORE_UTIL_PARALLEL_FOR_H_
#define SHOPML_CORE_UTIL_PARALLEL_FOR_H_

#include <cstddef>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace shopml::core {

// Runs fn(begin, end) over consecutive blocks of [0, n) of at most `grain`
// indices on up to `threads` threads (the caller's among them). Blocks are
// handed out dynamically, so fn must make each index's result independent of
// which thread runs it and in what order. Runs on fewer threads if the system
// refuses more. Returns ResourceExhausted if fn threw std::bad_alloc (the
// remaining blocks are skipped), Internal for any other exception.
absl::Status ParallelFor(size_t n, size_t grain, int threads,
                         absl::FunctionRef<void(size_t, size_t)> fn);

}  // namespace shopml::core

#endif  // SHOPML_CORE_UTIL_PARALLEL_FOR_H_
