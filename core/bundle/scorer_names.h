// The names of a bundle's purchase scorers, as the manifest, the stacked
// blend's base_models and server responses spell them.
#ifndef SHOPML_CORE_BUNDLE_SCORER_NAMES_H_
#define SHOPML_CORE_BUNDLE_SCORER_NAMES_H_

namespace shopml::core {

inline constexpr char kGbdtScorerName[] = "gbdt";
inline constexpr char kForestScorerName[] = "random_forest";
inline constexpr char kMlpScorerName[] = "mlp";
inline constexpr char kStackedScorerName[] = "stacked";

}  // namespace shopml::core

#endif  // SHOPML_CORE_BUNDLE_SCORER_NAMES_H_
