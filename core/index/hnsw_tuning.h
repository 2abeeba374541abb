// TuneEfSearch: the smallest HNSW candidate list (ef) that reaches a target
// recall@k against the exact answer on a sample of real queries, so an index
// is searched no slower than its data needs. The recall HNSW reaches at a
// given ef depends on the vectors (clustered factors need far less than
// unstructured ones; see hnsw_index.h), so a fixed default is either slow or
// inaccurate somewhere.
//
// Thread safety: a pure function of const indexes; safe to call
// concurrently.
#ifndef SHOPML_CORE_INDEX_HNSW_TUNING_H_
#define SHOPML_CORE_INDEX_HNSW_TUNING_H_

#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/index/exact_index.h"
#include "core/index/hnsw_index.h"
#include "core/index/types.h"

namespace shopml::core {

struct HnswTuning {
  // The chosen ef: the first of the ladder 10, 20, 40, ..., 2560 (raised to
  // k) whose recall reaches the target, else the last one tried.
  int ef = 0;
  // Mean recall@k at `ef` over the queries.
  double recall = 0;
  // (ef, recall) of every rung tried, in order.
  std::vector<std::pair<int, double>> tried;
};

// Recall@k of `hnsw` against `exact` (which must index the same vectors)
// over the rows of `queries` at each rung of the ladder until `target` is
// reached. InvalidArgument "k: ..." unless k >= 1, "target_recall: ..."
// unless it is in (0, 1], "queries: ..." when it has no rows or the wrong
// number of columns, "exact: ..." when the indexes differ in size.
absl::StatusOr<HnswTuning> TuneEfSearch(const HnswIndex& hnsw,
                                        const ExactIndex& exact,
                                        const RowMatrixXf& queries, int k,
                                        double target_recall);

}  // namespace shopml::core

#endif  // SHOPML_CORE_INDEX_HNSW_TUNING_H_
