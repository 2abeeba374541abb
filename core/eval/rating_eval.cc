#include "core/eval/rating_eval.h"

#include <cmath>

namespace shopml::core {

RatingError EvaluateBiasedMf(const BiasedMf& model, const Interactions& data) {
  RatingError error;
  double squared = 0;
  double absolute = 0;
  for (const Interaction& e : data.events) {
    if (e.type != EventType::kRating) continue;
    const double diff = model.Predict(e.user, e.item) - e.rating;
    squared += diff * diff;
    absolute += std::abs(diff);
    ++error.count;
  }
  if (error.count > 0) {
    error.rmse = std::sqrt(squared / static_cast<double>(error.count));
    error.mae = absolute / static_cast<double>(error.count);
  }
  return error;
}

}  // namespace shopml::core
