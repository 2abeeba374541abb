// The popularity stages that complete a Recommend or SimilarItems list when
// the primary model runs short: popular items in chosen categories, popular
// items shop-wide, and finally every item of the store in dense id order, so
// that a list holds `k` items whenever `k` eligible items exist.
//
// Thread safety: stateless functions; the selector they fill is per request.
#ifndef SHOPML_SERVER_POPULARITY_FILL_H_
#define SHOPML_SERVER_POPULARITY_FILL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "core/bundle/bundle.h"
#include "server/candidate_selector.h"
#include "storage/store.h"

namespace shopml::server {

// A category and how strongly it is preferred (> 0).
struct PreferredCategory {
  std::string name;
  double weight = 0;
};

// The bundle's id of category `name`, or core::Catalog::kNoCategory when the
// bundle does not know it (a category added after training, or "").
int32_t BundleCategoryId(const core::ModelBundle& bundle,
                         const std::string& name);

// Offers the popular items of `categories` as one stage with reason
// REASON_POPULAR_IN_CATEGORY, ranked by popularity times the category's
// weight (a merge of the per-category rankings). Categories unknown to the
// bundle contribute nothing.
absl::Status OfferPopularInCategories(
    const core::ModelBundle& bundle,
    absl::Span<const PreferredCategory> categories,
    CandidateSelector* selector);

// Offers the shop's popular items, best first, as one stage with reason
// REASON_POPULAR.
absl::Status OfferPopular(const core::ModelBundle& bundle,
                          CandidateSelector* selector);

// Offers every item of the store in dense id order at score 0 with reason
// REASON_POPULAR: the last resort when popularity knows too few eligible
// items (new items, narrow filters). Its cost grows with the catalogue, but
// it runs only when every earlier stage ran short.
absl::Status OfferCatalog(const storage::Store& store,
                          CandidateSelector* selector);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_POPULARITY_FILL_H_
