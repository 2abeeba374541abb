#include "core/eval/ranking_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace shopml::core {
namespace {

bool Contains(absl::Span<const uint32_t> items, uint32_t item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

size_t Cut(absl::Span<const uint32_t> ranked, int k) {
  return std::min(ranked.size(), static_cast<size_t>(k));
}

}  // namespace

double HitRateAtK(absl::Span<const uint32_t> ranked,
                  absl::Span<const uint32_t> relevant, int k) {
  for (size_t r = 0; r < Cut(ranked, k); ++r) {
    if (Contains(relevant, ranked[r])) return 1;
  }
  return 0;
}

double NdcgAtK(absl::Span<const uint32_t> ranked,
               absl::Span<const uint32_t> relevant, int k) {
  double dcg = 0;
  for (size_t r = 0; r < Cut(ranked, k); ++r) {
    if (Contains(relevant, ranked[r])) dcg += 1 / std::log2(r + 2.0);
  }
  double ideal = 0;
  for (size_t r = 0; r < Cut(relevant, k); ++r) ideal += 1 / std::log2(r + 2.0);
  return ideal > 0 ? dcg / ideal : 0;
}

double RecallAtK(absl::Span<const uint32_t> ranked,
                 absl::Span<const uint32_t> relevant, int k) {
  if (relevant.empty()) return 0;
  size_t hits = 0;
  for (size_t r = 0; r < Cut(ranked, k); ++r) {
    if (Contains(relevant, ranked[r])) ++hits;
  }
  return static_cast<double>(hits) / static_cast<double>(relevant.size());
}

double AveragePrecisionAtK(absl::Span<const uint32_t> ranked,
                           absl::Span<const uint32_t> relevant, int k) {
  if (relevant.empty()) return 0;
  double sum = 0;
  size_t hits = 0;
  for (size_t r = 0; r < Cut(ranked, k); ++r) {
    if (!Contains(relevant, ranked[r])) continue;
    ++hits;
    sum += static_cast<double>(hits) / static_cast<double>(r + 1);
  }
  return sum / static_cast<double>(Cut(relevant, k));
}

void RankingAccumulator::Add(absl::Span<const uint32_t> ranked,
                             absl::Span<const uint32_t> relevant) {
  if (relevant.empty()) return;
  hit_sum_ += HitRateAtK(ranked, relevant, k_);
  ndcg_sum_ += NdcgAtK(ranked, relevant, k_);
  recall_sum_ += RecallAtK(ranked, relevant, k_);
  ap_sum_ += AveragePrecisionAtK(ranked, relevant, k_);
  ++num_users_;
}

RankingMetrics RankingAccumulator::Result() const {
  if (num_users_ == 0) return {};
  const double n = static_cast<double>(num_users_);
  return {hit_sum_ / n, ndcg_sum_ / n, recall_sum_ / n, ap_sum_ / n,
          num_users_};
}

}  // namespace shopml::core
