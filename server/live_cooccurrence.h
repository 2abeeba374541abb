// "Bought together" for items the bundle knows nothing about: an item added
// after training (or one whose buyers came later) has no neighbours in the
// cooccurrence model until the next training, so SimilarItems computes them
// from the store at request time. The item's newest buyers (purchase or
// add-to-cart events in the item index) are read, then each buyer's newest
// events; item j scores the share of those buyers who also bought or carted
// j, with views counting view_weight:
//
//   score(j) = sum over buyers u of w_uj / number of buyers,  in (0, 1]
//
// where w_uj is 1 for a purchase or cart and view_weight for a view (the
// strongest event counts). Unlike the trained model the score is not
// normalised by j's own popularity (that would need a scan), so it is used
// only where the model has nothing.
//
// Cost: one item-index read and up to max_buyers user reads per request.
//
// Thread safety: stateless; the store is safe to share.
#ifndef SHOPML_SERVER_LIVE_COOCCURRENCE_H_
#define SHOPML_SERVER_LIVE_COOCCURRENCE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/baseline/cooccurrence.h"
#include "storage/store.h"

namespace shopml::server {

struct LiveCooccurrenceOptions {
  // Newest events of the item read to find its buyers. Default: 500.
  size_t item_events = 500;
  // Distinct buyers used, the newest first. Default: 50.
  size_t max_buyers = 50;
  // Newest events read per buyer. Default: 50.
  size_t buyer_events = 50;
  // Weight of a view relative to a purchase, in [0, 1]. Default: 0.1.
  float view_weight = 0.1f;
};

// The neighbours of `item`, best first, ties by ascending id; never the item
// itself. Empty when the item has no buyer. Errors are the store's.
absl::StatusOr<std::vector<core::Neighbor>> LiveNeighbors(
    const storage::Store& store, uint32_t item,
    const LiveCooccurrenceOptions& options = {});

}  // namespace shopml::server

#endif  // SHOPML_SERVER_LIVE_COOCCURRENCE_H_
