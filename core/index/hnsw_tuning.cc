#include "core/index/hnsw_tuning.h"

#include <algorithm>
#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "core/index/hnsw_recall.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr int kFirstEf = 10;
constexpr int kLastEf = 2560;

absl::Span<const float> Row(const RowMatrixXf& m, int64_t r) {
  return absl::MakeConstSpan(m.data() + r * m.cols(),
                             static_cast<size_t>(m.cols()));
}

absl::Status CheckArguments(const HnswIndex& hnsw, const ExactIndex& exact,
                            const RowMatrixXf& queries, int k,
                            double target_recall) {
  if (k < 1) return absl::InvalidArgumentError("k: must be >= 1");
  if (!(target_recall > 0 && target_recall <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("target_recall: must be in (0, 1], got ", target_recall));
  }
  return CheckRecallQueries(hnsw, exact, queries);
}

}  // namespace

absl::StatusOr<HnswTuning> TuneEfSearch(const HnswIndex& hnsw,
                                        const ExactIndex& exact,
                                        const RowMatrixXf& queries, int k,
                                        double target_recall) {
  SHOPML_RETURN_IF_ERROR(
      CheckArguments(hnsw, exact, queries, k, target_recall));
  std::vector<absl::flat_hash_set<uint32_t>> truth(queries.rows());
  int64_t relevant = 0;
  for (int64_t q = 0; q < queries.rows(); ++q) {
    SHOPML_ASSIGN_OR_RETURN(const std::vector<ScoredItem> top,
                            exact.TopK(Row(queries, q), k));
    for (const ScoredItem& s : top) truth[q].insert(s.item);
    relevant += static_cast<int64_t>(top.size());
  }
  HnswTuning tuning;
  for (int ef = std::max(kFirstEf, k);; ef *= 2) {
    int64_t hits = 0;
    for (int64_t q = 0; q < queries.rows(); ++q) {
      SHOPML_ASSIGN_OR_RETURN(const std::vector<ScoredItem> found,
                              hnsw.Search(Row(queries, q), k, ef));
      for (const ScoredItem& s : found) hits += truth[q].contains(s.item);
    }
    const double recall = relevant == 0 ? 1.0
                                        : static_cast<double>(hits) /
                                              static_cast<double>(relevant);
    tuning.tried.emplace_back(ef, recall);
    tuning.ef = ef;
    tuning.recall = recall;
    if (recall >= target_recall || ef * 2 > std::max(kLastEf, k)) break;
  }
  return tuning;
}

}  // namespace shopml::core
