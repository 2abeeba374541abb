#include "server/purchase_scorer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "core/bundle/scorer_names.h"
#include "core/features/feature_rows.h"
#include "core/features/feature_schema.h"
#include "core/util/status_macros.h"
#include "server/history.h"

namespace shopml::server {

namespace {

const char* RequestedScorer(v1::ScoreModel model) {
  switch (model) {
    case v1::SCORE_MODEL_GBDT:
      return core::kGbdtScorerName;
    case v1::SCORE_MODEL_RANDOM_FOREST:
      return core::kForestScorerName;
    case v1::SCORE_MODEL_MLP:
      return core::kMlpScorerName;
    case v1::SCORE_MODEL_STACKED:
      return core::kStackedScorerName;
    default:
      return nullptr;
  }
}

bool Holds(const core::ModelBundle& bundle, const char* name) {
  if (std::strcmp(name, core::kStackedScorerName) == 0) {
    return bundle.stacked.has_value();
  }
  return bundle.HasScorer(name);
}

// The base scorer's probabilities of `rows`.
std::vector<float> BasePredict(const core::ModelBundle& bundle,
                               absl::string_view name,
                               const core::FeatureMatrix& rows) {
  if (name == core::kGbdtScorerName) return bundle.gbdt->Predict(rows);
  if (name == core::kMlpScorerName) return bundle.mlp->Predict(rows);
  return bundle.forest->Predict(rows);
}

std::vector<float> Predict(const core::ModelBundle& bundle, const char* scorer,
                           const core::FeatureMatrix& rows) {
  if (std::strcmp(scorer, core::kStackedScorerName) != 0) {
    return BasePredict(bundle, scorer, rows);
  }
  const core::StackedBlend& blend = *bundle.stacked;
  Eigen::MatrixXf base =
      Eigen::MatrixXf::Constant(rows.rows(), blend.num_models(), 0.5f);
  for (int k = 0; k < blend.num_models(); ++k) {
    if (blend.weights()[k] == 0) continue;  // Combine skips it.
    const std::vector<float> p = BasePredict(bundle, blend.names()[k], rows);
    base.col(k) = Eigen::Map<const Eigen::VectorXf>(p.data(), rows.rows());
  }
  return blend.Combine(base);
}

}  // namespace

absl::StatusOr<const char*> ChoosePurchaseScorer(
    const core::ModelBundle& bundle, v1::ScoreModel model) {
  if (model == v1::SCORE_MODEL_BASELINE) return nullptr;
  if (model == v1::SCORE_MODEL_UNSPECIFIED) {
    const std::string& name = bundle.manifest.default_purchase_model();
    for (const char* known : {core::kGbdtScorerName, core::kForestScorerName,
                              core::kMlpScorerName, core::kStackedScorerName}) {
      if (name == known && Holds(bundle, known)) return known;
    }
    return nullptr;
  }
  const char* requested = RequestedScorer(model);
  if (requested == nullptr || !Holds(bundle, requested)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "model: model bundle ", bundle.version(), " has no ",
        requested == nullptr ? "such" : requested, " purchase scorer"));
  }
  return requested;
}

absl::StatusOr<core::UserState> StoredUserState(
    absl::Span<const storage::StoredEvent> history,
    const core::ItemSnapshot& items, int64_t time_micros) {
  SHOPML_ASSIGN_OR_RETURN(const std::vector<core::Interaction> events,
                          ToInteractions(history));
  return core::UserStateFromHistory(events, time_micros, items);
}

absl::StatusOr<core::UserState> ReadUserState(const storage::Store& store,
                                              const std::string& user_id,
                                              const core::ItemSnapshot& items,
                                              int64_t time_micros) {
  absl::StatusOr<uint32_t> user = store.FindUser(user_id);
  if (absl::IsNotFound(user.status())) {
    return core::UserStateFromHistory({}, time_micros, items);
  }
  if (!user.ok()) return user.status();
  SHOPML_ASSIGN_OR_RETURN(const std::vector<storage::StoredEvent> stored,
                          store.UserEvents(*user, 0));
  return StoredUserState(stored, items, time_micros);
}

const char* RerankScorer(const core::ModelBundle& bundle) {
  if (bundle.stacked.has_value()) return core::kStackedScorerName;
  absl::StatusOr<const char*> scorer =
      ChoosePurchaseScorer(bundle, v1::SCORE_MODEL_UNSPECIFIED);
  return scorer.ok() ? *scorer : nullptr;
}

PurchasePredictions PredictPurchases(const core::ModelBundle& bundle,
                                     const char* scorer,
                                     const core::UserState& user,
                                     absl::Span<const uint32_t> items,
                                     int64_t time_micros,
                                     bool with_contributions) {
  PurchasePredictions out;
  const core::FeatureSources sources{&*bundle.item_snapshot,
                                     &bundle.cooccurrence};
  out.rows = core::BuildRows(user, items, time_micros, sources);
  out.probability = Predict(bundle, scorer, out.rows);
  if (!with_contributions) return out;
  const bool forest = std::strcmp(scorer, core::kForestScorerName) == 0 ||
                      !bundle.gbdt.has_value();
  if (forest && bundle.forest.has_value()) {
    out.contributions = bundle.forest->Contributions(out.rows);
    out.contributions_model = core::kForestScorerName;
  } else if (bundle.gbdt.has_value()) {
    out.contributions = bundle.gbdt->Contributions(out.rows);
    out.contributions_model = core::kGbdtScorerName;
  }
  return out;
}

void AddTopContributions(const PurchasePredictions& p, Eigen::Index r, int top,
                         v1::ItemScore& out) {
  if (p.contributions_model == nullptr || top <= 0) return;
  const float* c = p.contributions.data() + r * (core::kNumFeatures + 1);
  out.set_contributions_base(c[core::kNumFeatures]);
  std::vector<int> order(core::kNumFeatures);
  std::iota(order.begin(), order.end(), 0);
  const int n = std::min<int>(top, core::kNumFeatures);
  std::partial_sort(order.begin(), order.begin() + n, order.end(),
                    [c](int a, int b) {
                      const float x = std::abs(c[a]), y = std::abs(c[b]);
                      return x != y ? x > y : a < b;
                    });
  for (int i = 0; i < n; ++i) {
    const int f = order[i];
    v1::FeatureContribution* fc = out.add_contributions();
    fc->set_feature(std::string(core::FeatureNames()[f]));
    fc->set_contribution(c[f]);
    fc->set_value(p.rows(r, f));
  }
}

}  // namespace shopml::server
