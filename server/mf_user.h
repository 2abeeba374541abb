// The matrix-factorisation parameters of a user at request time: the user's
// current ratings (and, with SVD++, every item they touched) folded into a
// bias and factor vector with the bundle's item parameters fixed
// (BiasedMf::FoldInUser). A rating recorded a moment ago, or a user the
// bundle has never seen, therefore counts at once, without retraining.
//
// Thread safety: stateless; the store and bundle are safe to share.
#ifndef SHOPML_SERVER_MF_USER_H_
#define SHOPML_SERVER_MF_USER_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "core/cf/biased_mf.h"
#include "storage/store.h"

namespace shopml::server {

// Newest events of a user read for the fold-in.
inline constexpr size_t kMfHistoryEvents = 500;

// The fold-in of all of `user`'s events when they are fewer than
// kMfHistoryEvents, or of the newest kMfHistoryEvents for a user the model
// was not trained with. nullopt, and the model's own parameters should be
// used, when the user is unknown (nullopt), has no event on an item the
// model knows, or is a trained user with more events than the window (whose
// older ratings the window would drop). Errors are the store's.
absl::StatusOr<std::optional<core::MfUserParams>> FoldInMfUser(
    const storage::Store& store, const core::BiasedMf& model,
    std::optional<uint32_t> user);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_MF_USER_H_
