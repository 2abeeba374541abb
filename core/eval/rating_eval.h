// Offline evaluation of the rating models that are not baselines, on the same
// footing as EvaluateRatings (core/baseline/bias_baseline.h): RMSE and MAE
// over every rating event of the held-out data, so the figures of different
// models on one split compare directly.
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_EVAL_RATING_EVAL_H_
#define SHOPML_CORE_EVAL_RATING_EVAL_H_

#include <cstdint>

#include "core/baseline/bias_baseline.h"
#include "core/cf/biased_mf.h"
#include "core/data/interactions.h"

namespace shopml::core {

// RMSE and MAE of model.Predict(user, item) against every kRating event of
// `data`; count 0 (and both errors 0) when it has none.
RatingError EvaluateBiasedMf(const BiasedMf& model, const Interactions& data);

}  // namespace shopml::core

#endif  // SHOPML_CORE_EVAL_RATING_EVAL_H_
