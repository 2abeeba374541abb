#include "server/candidate_selector.h"

#include <algorithm>
#include <utility>

#include "core/util/status_macros.h"

namespace shopml::server {

CandidateSelector::CandidateSelector(size_t k, ItemFilter* filter)
    : k_(k), filter_(filter) {
  items_.reserve(k);
}

void CandidateSelector::BeginStage(double top_score) {
  const double ceiling = items_.empty() ? 1.0 : items_.back().score;
  scale_ = top_score > 0 ? ceiling / top_score : 0;
}

void CandidateSelector::BeginRawStage() { scale_ = 1; }

absl::StatusOr<bool> CandidateSelector::Offer(uint32_t item, double raw_score,
                                              v1::Reason reason) {
  if (full() || kept_.contains(item) || rejected_.contains(item)) return false;
  if (!filter_->Admits(item)) {
    rejected_.insert(item);
    return false;
  }
  ItemInfo info = filter_->Info(item);
  // Rounding in the scale must not lift an item above the one before it.
  double score = std::max(0.0, raw_score * scale_);
  if (!items_.empty()) score = std::min(score, items_.back().score);
  kept_.insert(item);
  items_.push_back(SelectedItem{item, score, reason, std::move(info.category)});
  return true;
}

}  // namespace shopml::server
