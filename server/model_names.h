// The names of the models of a bundle, as they appear in the manifest's
// ModelInfo.name, in ModelRef.name of responses and in metric labels.
#ifndef SHOPML_SERVER_MODEL_NAMES_H_
#define SHOPML_SERVER_MODEL_NAMES_H_

#include "core/bundle/scorer_names.h"

namespace shopml::server {

inline constexpr char kPopularityModelName[] = "popularity";
inline constexpr char kCooccurrenceModelName[] = "cooccurrence";
inline constexpr char kImplicitAlsModelName[] = "implicit_als";
inline constexpr char kEaseModelName[] = "ease";
inline constexpr char kUserKnnModelName[] = "user_knn";
inline constexpr char kBiasBaselineModelName[] = "bias_baseline";
inline constexpr char kConversionRateModelName[] = "conversion_rate";
inline constexpr char kBiasedMfModelName[] = "biased_mf";
// Purchase-propensity scorers over the feature pipeline (core/features).
inline constexpr auto& kGbdtModelName = core::kGbdtScorerName;
inline constexpr auto& kForestModelName = core::kForestScorerName;
inline constexpr auto& kMlpModelName = core::kMlpScorerName;
inline constexpr auto& kStackedModelName = core::kStackedScorerName;

}  // namespace shopml::server

#endif  // SHOPML_SERVER_MODEL_NAMES_H_
