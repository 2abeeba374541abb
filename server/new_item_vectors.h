// NewItemVectors: implicit-ALS vectors for items newer than the loaded
// bundle, so that an item added after training enters ALS retrieval as soon
// as someone interacts with it, without retraining. When RecordEvents stores
// events of such items, Update folds each one in from its users' events
// (ImplicitAls::FoldInItem against the bundle's fixed user factors: the same
// row problem as training) and publishes a new immutable snapshot;
// ImplicitAlsCandidates scans the snapshot exactly beside the bundle's index.
//
// Only users the bundle knows contribute (a new user has no vector yet), and
// a rating counts as a low rating (the item index keeps no rating value).
// The snapshot belongs to one bundle version: after a reload it is ignored
// until the next Update starts it again for the new bundle, which normally
// knows those items already.
//
// Thread safety: Update and Current may be called concurrently; snapshots
// are immutable.
#ifndef SHOPML_SERVER_NEW_ITEM_VECTORS_H_
#define SHOPML_SERVER_NEW_ITEM_VECTORS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "core/bundle/bundle.h"
#include "core/index/types.h"
#include "storage/store.h"

namespace shopml::server {

class NewItemVectors {
 public:
  struct Snapshot {
    std::string bundle_version;
    // Ascending item ids, all at or beyond the bundle's ALS item count, and
    // their vectors (row i is items[i]'s).
    std::vector<uint32_t> items;
    core::RowMatrixXf vectors;
  };

  // Newest events of an item read to fold it in.
  static constexpr size_t kItemEvents = 500;
  // Items folded in per Update at most; the rest wait for their next event.
  // Bounds the work RecordEvents does inline: each item costs one item-index
  // read and one d x d solve.
  static constexpr size_t kMaxItemsPerUpdate = 32;
  // Items a snapshot holds at most (each Update copies it); beyond this new
  // items wait for the next training.
  static constexpr size_t kMaxItems = 10000;

  // Folds in the `items` (dense ids; those the bundle's ALS model knows are
  // skipped) from the store's events and publishes the result with the
  // vectors kept from earlier updates for the same bundle version. The
  // bundle is `current_bundle()`, read under the update lock, so an update
  // racing a reload cannot publish vectors of the old bundle over the new
  // one's. An item none of whose users the bundle knows gets no vector.
  // No-op without a bundle with ALS. Errors are the store's; the published
  // snapshot is then unchanged.
  absl::Status Update(
      absl::FunctionRef<std::shared_ptr<const core::ModelBundle>()>
          current_bundle,
      const storage::Store& store, absl::Span<const uint32_t> items);

  // The newest snapshot; null before the first vector.
  std::shared_ptr<const Snapshot> Current() const;

 private:
  // Serialises updates, which read-modify-write the snapshot.
  absl::Mutex update_mu_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Snapshot> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace shopml::server

#endif  // SHOPML_SERVER_NEW_ITEM_VECTORS_H_
