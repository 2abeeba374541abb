// Recommendation ids and the attribution of later events to the model that
// made a recommendation.
//
// A recommendation id is "<model>-<32 lowercase hex digits>", e.g.
// "cooccurrence-5095e1a38ab7864343718fedc0767f9d": 128 random bits make it
// unique, and the model name in front lets RecordEvents count the clicks and
// purchases each model earned without a lookup table. Clients treat the id as
// opaque and quote it in Event.recommendation_id.
//
// Thread safety: free functions without shared state.
#ifndef SHOPML_SERVER_ATTRIBUTION_H_
#define SHOPML_SERVER_ATTRIBUTION_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "shopml/v1/common.pb.h"

namespace shopml::server {

// Names of the models that issue recommendation ids, the label values of the
// attribution metrics.
absl::Span<const char* const> RecommendingModelNames();

// Label value for events whose recommendation id names no known model.
inline constexpr char kUnknownModel[] = "unknown";

// A fresh id for a recommendation made by `model`.
std::string NewRecommendationId(absl::string_view model);

// The model that issued `recommendation_id`: one of RecommendingModelNames(),
// or kUnknownModel when the id is not one of ours (or the model is no longer
// known).
absl::string_view AttributedModel(absl::string_view recommendation_id);

// The event_type label of attribution metrics: "view", "add_to_cart",
// "purchase", "rating" ("unspecified" for anything else).
const char* EventTypeLabel(v1::EventType type);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_ATTRIBUTION_H_
