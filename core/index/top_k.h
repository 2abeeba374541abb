// TopKSelector: keeps the k best (score, item) pairs offered to it, for the
// selection step of the retrieval indexes. "Better" means a higher score, and
// between equal scores the lower item id, so results are deterministic. NaN
// scores (a dot product that overflowed) are never kept: they have no place
// in that order.
//
// A bounded heap (worst pair on top) costs O(log k) per kept pair and nothing
// but one comparison per rejected one, which is what a scan over many items
// with a small k wants. Inline because it sits in the scan's inner loop.
//
// Thread safety: not safe to share; use one selector per query.
#ifndef SHOPML_CORE_INDEX_TOP_K_H_
#define SHOPML_CORE_INDEX_TOP_K_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/index/types.h"

namespace shopml::core {

// True if `a` ranks before `b`: higher score, then lower item id.
inline bool RanksBefore(const ScoredItem& a, const ScoredItem& b) {
  return a.score > b.score || (a.score == b.score && a.item < b.item);
}

class TopKSelector {
 public:
  // `k`: the number of pairs to keep. REQUIRES: k >= 1.
  // `capacity_hint`: at most this many pairs will be offered (reserves memory
  // for min(k, capacity_hint) pairs, so a huge k costs nothing up front).
  TopKSelector(int k, size_t capacity_hint) : k_(static_cast<size_t>(k)) {
    heap_.reserve(std::min(k_, capacity_hint));
  }

  bool full() const { return heap_.size() == k_; }
  size_t size() const { return heap_.size(); }

  // The worst kept pair. REQUIRES: size() > 0.
  const ScoredItem& worst() const { return heap_.front(); }

  // True if Push(score, item) would keep the pair.
  bool WouldKeep(float score, uint32_t item) const {
    if (!full()) return !std::isnan(score);
    return RanksBefore(ScoredItem{item, score}, heap_.front());
  }

  // Keeps (score, item), evicting the worst pair if full.
  // REQUIRES: WouldKeep(score, item).
  void Push(float score, uint32_t item) {
    if (full()) {
      std::pop_heap(heap_.begin(), heap_.end(), RanksBefore);
      heap_.back() = ScoredItem{item, score};
    } else {
      heap_.push_back(ScoredItem{item, score});
    }
    std::push_heap(heap_.begin(), heap_.end(), RanksBefore);
  }

  // The kept pairs, best first. Leaves the selector empty.
  std::vector<ScoredItem> TakeSorted() {
    std::sort_heap(heap_.begin(), heap_.end(), RanksBefore);
    std::vector<ScoredItem> sorted;
    sorted.swap(heap_);
    return sorted;
  }

 private:
  size_t k_;
  // A heap under RanksBefore, so front() is the pair every other beats.
  std::vector<ScoredItem> heap_;
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_INDEX_TOP_K_H_
