#include "server/services/recommendation_requests.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/features/feature_schema.h"
#include "core/util/status_macros.h"
#include "server/item_filter.h"
#include "server/validation.h"

namespace shopml::server {
namespace {

// k: 0 means the default; otherwise 1..max_k.
absl::StatusOr<int> ResolveK(int k, const ServerConfig& config) {
  if (k == 0) return std::min(kDefaultK, config.max_k);
  SHOPML_RETURN_IF_ERROR(ValidateRange("k", k, 1, config.max_k));
  return k;
}

absl::Status UnknownEnum(const char* field, int value) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": unknown value ", value));
}

}  // namespace

absl::StatusOr<RecommendQuery> ParseRecommendRequest(
    const v1::RecommendRequest& request, const ServerConfig& config) {
  SHOPML_RETURN_IF_ERROR(ValidateId("user_id", request.user_id()));
  RecommendQuery query;
  SHOPML_ASSIGN_OR_RETURN(query.k, ResolveK(request.k(), config));
  SHOPML_RETURN_IF_ERROR(ValidateItemFilter("filter", request.filter()));
  SHOPML_RETURN_IF_ERROR(ValidateIdList("context_item_ids",
                                        request.context_item_ids(),
                                        config.max_context_items));
  if (!v1::RecommendModel_IsValid(request.model())) {
    return UnknownEnum("model", request.model());
  }
  query.user_id = request.user_id();
  query.filter = request.filter();
  query.context_item_ids.assign(request.context_item_ids().begin(),
                                request.context_item_ids().end());
  query.model = request.model();
  query.rerank_candidates = request.rerank() ? config.rerank_candidates : 0;
  return query;
}

absl::StatusOr<SimilarItemsQuery> ParseSimilarItemsRequest(
    const v1::SimilarItemsRequest& request, const ServerConfig& config) {
  SHOPML_RETURN_IF_ERROR(ValidateId("item_id", request.item_id()));
  SimilarItemsQuery query;
  SHOPML_ASSIGN_OR_RETURN(query.k, ResolveK(request.k(), config));
  SHOPML_RETURN_IF_ERROR(ValidateItemFilter("filter", request.filter()));
  SHOPML_RETURN_IF_ERROR(ValidateOptionalId("user_id", request.user_id()));
  if (!v1::SimilarityModel_IsValid(request.model())) {
    return UnknownEnum("model", request.model());
  }
  query.item_id = request.item_id();
  query.filter = request.filter();
  query.user_id = request.user_id();
  return query;
}

absl::StatusOr<ScoreQuery> ParseScoreRequest(const v1::ScoreRequest& request,
                                             const ServerConfig& config) {
  SHOPML_RETURN_IF_ERROR(ValidateId("user_id", request.user_id()));
  SHOPML_RETURN_IF_ERROR(ValidateCount("item_ids", request.item_ids_size(), 1,
                                       config.max_score_items));
  SHOPML_RETURN_IF_ERROR(
      ValidateIdList("item_ids", request.item_ids(), config.max_score_items));
  if (!v1::ScoreTarget_IsValid(request.target())) {
    return UnknownEnum("target", request.target());
  }
  if (!v1::ScoreModel_IsValid(request.model())) {
    return UnknownEnum("model", request.model());
  }
  ScoreQuery query;
  query.user_id = request.user_id();
  query.item_ids.assign(request.item_ids().begin(), request.item_ids().end());
  query.target = request.target() == v1::SCORE_TARGET_RATING
                     ? v1::SCORE_TARGET_RATING
                     : v1::SCORE_TARGET_PURCHASE_PROBABILITY;
  if (request.model() == v1::SCORE_MODEL_MATRIX_FACTORIZATION &&
      query.target != v1::SCORE_TARGET_RATING) {
    return absl::InvalidArgumentError(
        "model: SCORE_MODEL_MATRIX_FACTORIZATION predicts ratings only; set "
        "target to SCORE_TARGET_RATING");
  }
  const bool purchase_scorer =
      request.model() == v1::SCORE_MODEL_GBDT ||
      request.model() == v1::SCORE_MODEL_RANDOM_FOREST ||
      request.model() == v1::SCORE_MODEL_MLP ||
      request.model() == v1::SCORE_MODEL_STACKED;
  if (purchase_scorer && query.target == v1::SCORE_TARGET_RATING) {
    return absl::InvalidArgumentError(
        absl::StrCat("model: ", v1::ScoreModel_Name(request.model()),
                     " predicts purchase probabilities only; set target to "
                     "SCORE_TARGET_PURCHASE_PROBABILITY"));
  }
  if (request.top_contributions() < 0 ||
      request.top_contributions() > core::kNumFeatures) {
    return absl::InvalidArgumentError(
        absl::StrCat("top_contributions: must be in [0, ", core::kNumFeatures,
                     "], got ", request.top_contributions()));
  }
  query.model = request.model();
  query.top_contributions = request.top_contributions();
  return query;
}

}  // namespace shopml::server
