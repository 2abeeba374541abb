// HnswRecall: how much of the exact top-k an HNSW graph finds at a given
// candidate list size, over a sample of queries. The server measures it at
// each bundle load (shopml_hnsw_recall), so a graph that no longer fits its
// data (recall drifts as factors change between trainings) shows on a
// dashboard instead of only in offline evaluation.
//
// Thread safety: a pure function of const indexes; safe to call
// concurrently.
#ifndef SHOPML_CORE_INDEX_HNSW_RECALL_H_
#define SHOPML_CORE_INDEX_HNSW_RECALL_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/index/exact_index.h"
#include "core/index/hnsw_index.h"
#include "core/index/types.h"

namespace shopml::core {

// Mean recall@k of `hnsw` searched with candidate list `ef` (0: the graph's
// own ef_search), against `exact`, which must index the same vectors: the
// fraction of the exact answers' items that the graph search also returns,
// over the rows of `queries` (row-major, num_queries x dim). 1 when the
// exact answers are empty (no items).
// InvalidArgument "k: ..." unless k >= 1, "ef: ..." when negative,
// "queries: ..." when it has no rows or the wrong number of columns,
// "exact: ..." when the indexes differ in size or dimension.
absl::StatusOr<double> HnswRecall(const HnswIndex& hnsw,
                                  const ExactIndex& exact,
                                  const RowMatrixXf& queries, int k, int ef);

// InvalidArgument "queries: ..." unless `queries` has rows of the graph's
// dimension, "exact: ..." unless both indexes hold the same number of items
// of that dimension. Shared by HnswRecall and TuneEfSearch.
absl::Status CheckRecallQueries(const HnswIndex& hnsw, const ExactIndex& exact,
                                const RowMatrixXf& queries);

// Up to `count` rows of `vectors` that are not all zero, evenly spaced over
// those rows (in order): a query sample that spans the whole matrix.
RowMatrixXf SampleNonZeroRows(const RowMatrixXf& vectors, int64_t count);

}  // namespace shopml::core

#endif  // SHOPML_CORE_INDEX_HNSW_RECALL_H_
