// CandidateSelector: builds the item list of one Recommend or SimilarItems
// answer. Candidates are offered stage by stage, best first (the primary
// model's, then the popularity fallbacks'); each is kept when the request's
// ItemFilter admits it and it was not kept before, until `k` items are held.
// Filtering during selection is what lets an answer hold exactly `k` items
// whenever `k` eligible items exist.
//
// Scores: each stage states its best raw score when it begins (BeginStage).
// Within a stage the kept score is proportional to the raw score; the first
// stage maps its best raw score to 1 (or keeps raw scores with
// BeginRawStage), and each later stage maps its best to the lowest score kept
// so far. Scores therefore never increase down the list, stay in [0, 1], and
// are comparable only within one answer, as the API promises.
//
// Thread safety: not thread-safe; one per request.
#ifndef SHOPML_SERVER_CANDIDATE_SELECTOR_H_
#define SHOPML_SERVER_CANDIDATE_SELECTOR_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "server/item_filter.h"
#include "shopml/v1/recommendation_service.pb.h"

namespace shopml::server {

struct SelectedItem {
  uint32_t item = 0;
  double score = 0;
  v1::Reason reason = v1::REASON_UNSPECIFIED;
  std::string category;  // From the item's record; empty without one.
};

class CandidateSelector {
 public:
  // REQUIRES: k >= 1; `filter` outlives the selector.
  CandidateSelector(size_t k, ItemFilter* filter);

  // Starts a stage whose best raw score is `top_score`; raw scores offered
  // until the next stage are scaled as described above. A stage with
  // top_score <= 0 keeps its items at score 0.
  void BeginStage(double top_score);
  // Starts a stage whose raw scores are kept as they are. REQUIRES: nothing
  // was kept yet and raw scores lie in [0, 1].
  void BeginRawStage();

  // Keeps `item` with `raw_score` and `reason` when the list is not full, the
  // item was not kept before and the filter admits it. Returns whether it was
  // kept. Errors are the store's (reading the item's record).
  absl::StatusOr<bool> Offer(uint32_t item, double raw_score,
                             v1::Reason reason);

  bool full() const { return items_.size() >= k_; }
  size_t size() const { return items_.size(); }
  const std::vector<SelectedItem>& items() const { return items_; }

 private:
  const size_t k_;
  ItemFilter* const filter_;
  double scale_ = 1;
  std::vector<SelectedItem> items_;
  absl::flat_hash_set<uint32_t> kept_;
  // Items the filter rejected, so a later stage does not ask again.
  absl::flat_hash_set<uint32_t> rejected_;
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_CANDIDATE_SELECTOR_H_
