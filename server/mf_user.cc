#include "server/mf_user.h"

#include <algorithm>
#include <vector>

#include "core/util/status_macros.h"
#include "server/history.h"

namespace shopml::server {

absl::StatusOr<std::optional<core::MfUserParams>> FoldInMfUser(
    const storage::Store& store, const core::BiasedMf& model,
    std::optional<uint32_t> user) {
  if (!user.has_value()) return std::nullopt;
  SHOPML_ASSIGN_OR_RETURN(const std::vector<storage::StoredEvent> stored,
                          store.UserEvents(*user, kMfHistoryEvents));
  // A trained user with more events than the window would lose the ratings
  // beyond it: keep the trained parameters then.
  if (*user < model.num_users() && stored.size() >= kMfHistoryEvents) {
    return std::nullopt;
  }
  SHOPML_ASSIGN_OR_RETURN(const std::vector<core::Interaction> events,
                          ToInteractions(stored));
  std::vector<core::ItemRating> ratings;
  std::vector<uint32_t> touched;
  // Newest first: FoldInUser keeps the last rating of an item it is given,
  // so pass them oldest first.
  for (auto e = events.rbegin(); e != events.rend(); ++e) {
    if (e->item >= model.num_items()) continue;
    touched.push_back(e->item);
    if (e->type == core::EventType::kRating) {
      ratings.push_back({e->item, e->rating});
    }
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  if (ratings.empty() && (touched.empty() || !model.has_implicit_feedback())) {
    return std::nullopt;
  }
  SHOPML_ASSIGN_OR_RETURN(core::MfUserParams params,
                          model.FoldInUser(ratings, touched));
  return params;
}

}  // namespace shopml::server
