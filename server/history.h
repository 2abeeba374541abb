// Conversions of the store's events into the core models' training and
// serving input, shared by the trainer and the serving paths so both see the
// same data.
//
// Thread safety: stateless functions.
#ifndef SHOPML_SERVER_HISTORY_H_
#define SHOPML_SERVER_HISTORY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/data/interactions.h"
#include "storage/store.h"

namespace shopml::server {

// The core event type of a stored event kind. DataLoss for a kind the store
// should never hold.
absl::StatusOr<core::EventType> ToEventType(storage::EventKind kind);

// `stored` as a core Interaction (same user, item, time, type, rating and
// quantity). DataLoss as ToEventType.
absl::StatusOr<core::Interaction> ToInteraction(
    const storage::StoredEvent& stored);

// Every event of `history` as Interactions, in the same order.
absl::StatusOr<std::vector<core::Interaction>> ToInteractions(
    absl::Span<const storage::StoredEvent> history);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_HISTORY_H_
