// Validation of RecommendationService requests and their conversion to the
// plain queries of Recommender and Scorer, defaults resolved. Every error is
// InvalidArgument naming the field, e.g. "k: must be in [1, 1000], got -1" or
// "context_item_ids[2]: must be 1-128 bytes, got 0".
//
// Thread safety: stateless functions; safe from any thread.
#ifndef SHOPML_SERVER_SERVICES_RECOMMENDATION_REQUESTS_H_
#define SHOPML_SERVER_SERVICES_RECOMMENDATION_REQUESTS_H_

#include "absl/status/statusor.h"
#include "server/config.h"
#include "server/recommender.h"
#include "server/scorer.h"
#include "shopml/v1/recommendation_service.pb.h"

namespace shopml::server {

// k of Recommend and SimilarItems when the request leaves it 0.
inline constexpr int kDefaultK = 10;

absl::StatusOr<RecommendQuery> ParseRecommendRequest(
    const v1::RecommendRequest& request, const ServerConfig& config);
absl::StatusOr<SimilarItemsQuery> ParseSimilarItemsRequest(
    const v1::SimilarItemsRequest& request, const ServerConfig& config);
absl::StatusOr<ScoreQuery> ParseScoreRequest(const v1::ScoreRequest& request,
                                             const ServerConfig& config);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_SERVICES_RECOMMENDATION_REQUESTS_H_
