#include "server/scorer.h"

#include <cstdint>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/features/user_state.h"
#include "core/util/status_macros.h"
#include "server/mf_user.h"
#include "server/purchase_scorer.h"
#include "server/validation.h"

namespace shopml::server {

namespace {

// Whether a rating comes from matrix factorisation: when asked for, or by
// default when the bundle's offline evaluation chose it and it is loaded.
bool UsesMatrixFactorization(const core::ModelBundle& bundle,
                             v1::ScoreModel model) {
  if (model == v1::SCORE_MODEL_MATRIX_FACTORIZATION) return true;
  return model == v1::SCORE_MODEL_UNSPECIFIED &&
         bundle.manifest.default_rating_model() == kBiasedMfModelName &&
         bundle.biased_mf.has_value();
}

}  // namespace

Scorer::Scorer(const storage::Store& store) : store_(&store) {}

absl::StatusOr<v1::ScoreResponse> Scorer::Score(const core::ModelBundle& bundle,
                                                const ScoreQuery& query) const {
  const bool rating = query.target == v1::SCORE_TARGET_RATING;
  if (rating && !bundle.bias_baseline.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "target: model bundle ", bundle.version(),
        " has no rating model (its training data held no ratings)"));
  }
  const bool use_mf = rating && UsesMatrixFactorization(bundle, query.model);
  if (use_mf && !bundle.biased_mf.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("model: model bundle ", bundle.version(),
                     " has no matrix factorisation model"));
  }

  std::vector<uint32_t> items;
  items.reserve(query.item_ids.size());
  for (size_t i = 0; i < query.item_ids.size(); ++i) {
    absl::StatusOr<uint32_t> item = store_->FindItem(query.item_ids[i]);
    if (absl::IsNotFound(item.status())) {
      return absl::NotFoundError(absl::StrCat(
          FieldPath("item_ids", static_cast<int>(i)), ": unknown item '",
          query.item_ids[i], "' (ITEM_NOT_FOUND)"));
    }
    if (!item.ok()) return item.status();
    items.push_back(*item);
  }

  if (!rating) {
    SHOPML_ASSIGN_OR_RETURN(const char* scorer,
                            ChoosePurchaseScorer(bundle, query.model));
    if (scorer != nullptr) return ScorePurchases(bundle, query, scorer, items);
  }

  std::optional<uint32_t> user;
  if (rating) {
    absl::StatusOr<uint32_t> found = store_->FindUser(query.user_id);
    if (found.ok()) {
      user = *found;
    } else if (!absl::IsNotFound(found.status())) {
      return found.status();
    }
  }

  // Matrix factorisation folds in the user's current ratings.
  std::optional<core::MfUserParams> folded;
  if (use_mf) {
    SHOPML_ASSIGN_OR_RETURN(folded,
                            FoldInMfUser(*store_, *bundle.biased_mf, user));
  }
  v1::ScoreResponse response;
  for (size_t i = 0; i < items.size(); ++i) {
    v1::ItemScore* score = response.add_scores();
    score->set_item_id(query.item_ids[i]);
    double prediction = 0;
    if (folded.has_value()) {
      prediction = bundle.biased_mf->Predict(*folded, items[i]);
    } else if (use_mf) {
      prediction = bundle.biased_mf->Predict(user, items[i]);
    } else if (rating) {
      prediction = bundle.bias_baseline->Predict(user, items[i]);
    } else {
      prediction = bundle.conversion_rate.Predict(items[i]);
    }
    score->set_prediction(prediction);
  }
  response.mutable_model()->set_name(use_mf   ? kBiasedMfModelName
                                     : rating ? kBiasBaselineModelName
                                              : kConversionRateModelName);
  response.mutable_model()->set_version(bundle.version());
  response.set_target(rating ? v1::SCORE_TARGET_RATING
                             : v1::SCORE_TARGET_PURCHASE_PROBABILITY);
  return response;
}

absl::StatusOr<v1::ScoreResponse> Scorer::ScorePurchases(
    const core::ModelBundle& bundle, const ScoreQuery& query,
    const char* scorer, const std::vector<uint32_t>& items) const {
  const int64_t now = query.time_micros != 0 ? query.time_micros
                                             : absl::ToUnixMicros(absl::Now());
  SHOPML_ASSIGN_OR_RETURN(
      const core::UserState state,
      ReadUserState(*store_, query.user_id, *bundle.item_snapshot, now));
  const PurchasePredictions p = PredictPurchases(
      bundle, scorer, state, items, now, query.top_contributions > 0);
  v1::ScoreResponse response;
  for (size_t i = 0; i < items.size(); ++i) {
    v1::ItemScore* score = response.add_scores();
    score->set_item_id(query.item_ids[i]);
    score->set_prediction(p.probability[i]);
    AddTopContributions(p, static_cast<Eigen::Index>(i),
                        query.top_contributions, *score);
  }
  if (p.contributions_model != nullptr) {
    response.set_contributions_model(p.contributions_model);
  }
  response.mutable_model()->set_name(scorer);
  response.mutable_model()->set_version(bundle.version());
  response.set_target(v1::SCORE_TARGET_PURCHASE_PROBABILITY);
  return response;
}

}  // namespace shopml::server
