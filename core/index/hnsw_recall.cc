#include "core/index/hnsw_recall.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

absl::Span<const float> Row(const RowMatrixXf& m, int64_t r) {
  return absl::MakeConstSpan(m.data() + r * m.cols(),
                             static_cast<size_t>(m.cols()));
}

absl::Status CheckArguments(const HnswIndex& hnsw, const ExactIndex& exact,
                            const RowMatrixXf& queries, int k, int ef) {
  if (k < 1) return absl::InvalidArgumentError("k: must be >= 1");
  if (ef < 0) return absl::InvalidArgumentError("ef: must be >= 0");
  return CheckRecallQueries(hnsw, exact, queries);
}

}  // namespace

absl::Status CheckRecallQueries(const HnswIndex& hnsw, const ExactIndex& exact,
                                const RowMatrixXf& queries) {
  if (queries.rows() == 0 || queries.cols() != hnsw.dim()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "queries: need at least one row of ", hnsw.dim(), " values"));
  }
  if (exact.num_items() != hnsw.num_items() || exact.dim() != hnsw.dim()) {
    return absl::InvalidArgumentError(
        "exact: must index the same vectors as hnsw");
  }
  return absl::OkStatus();
}

absl::StatusOr<double> HnswRecall(const HnswIndex& hnsw,
                                  const ExactIndex& exact,
                                  const RowMatrixXf& queries, int k, int ef) {
  SHOPML_RETURN_IF_ERROR(CheckArguments(hnsw, exact, queries, k, ef));
  const int search_ef = ef > 0 ? ef : hnsw.options().ef_search;
  int64_t relevant = 0;
  int64_t hits = 0;
  for (int64_t q = 0; q < queries.rows(); ++q) {
    SHOPML_ASSIGN_OR_RETURN(const std::vector<ScoredItem> truth,
                            exact.TopK(Row(queries, q), k));
    SHOPML_ASSIGN_OR_RETURN(const std::vector<ScoredItem> found,
                            hnsw.Search(Row(queries, q), k, search_ef));
    absl::flat_hash_set<uint32_t> wanted;
    for (const ScoredItem& s : truth) wanted.insert(s.item);
    for (const ScoredItem& s : found) hits += wanted.contains(s.item);
    relevant += static_cast<int64_t>(truth.size());
  }
  return relevant == 0
             ? 1.0
             : static_cast<double>(hits) / static_cast<double>(relevant);
}

RowMatrixXf SampleNonZeroRows(const RowMatrixXf& vectors, int64_t count) {
  std::vector<int64_t> rows;
  for (int64_t r = 0; r < vectors.rows(); ++r) {
    if (vectors.row(r).squaredNorm() > 0) rows.push_back(r);
  }
  const int64_t n = std::min<int64_t>(count, static_cast<int64_t>(rows.size()));
  RowMatrixXf sample(std::max<int64_t>(n, 0), vectors.cols());
  for (int64_t i = 0; i < n; ++i) {
    sample.row(i) =
        vectors.row(rows[i * static_cast<int64_t>(rows.size()) / n]);
  }
  return sample;
}

}  // namespace shopml::core
