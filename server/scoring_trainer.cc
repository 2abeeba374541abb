#include "server/scoring_trainer.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/baseline/data_checks.h"
#include "core/ensemble/stacking.h"
#include "core/eval/classification_metrics.h"
#include "core/features/propensity_data.h"
#include "core/nn/mlp.h"
#include "core/trees/gbdt.h"
#include "core/trees/random_forest.h"
#include "core/util/status_macros.h"
#include "server/model_infos.h"
#include "server/model_names.h"

namespace shopml::server {

namespace {

struct Rows {
  core::FeatureMatrix x;
  std::vector<float> y;
};

Rows Slice(const core::PropensityTable& t, int64_t begin, int64_t end) {
  return {t.x.middleRows(begin, end - begin),
          std::vector<float>(t.y.begin() + begin, t.y.begin() + end)};
}

Rows All(const core::PropensityTable& t) { return Slice(t, 0, t.rows()); }

// The (depth, learning rate) pairs tried after the given options.
constexpr std::pair<int, double> kGbdtGrid[] = {
    {4, 0.1}, {8, 0.1}, {6, 0.05}, {3, 0.2}};

model::v1::ModelInfo Describe(const char* name) {
  model::v1::ModelInfo info;
  info.set_name(name);
  info.set_task("score_purchase");
  return info;
}

// Records the validation figures; returns the log loss.
double SetValidationMetrics(absl::Span<const float> p, const Rows& validation,
                            double train_rate, model::v1::ModelInfo& info) {
  auto& m = *info.mutable_metrics();
  const double loss = core::LogLoss(p, validation.y).value_or(NAN);
  m["log_loss"] = loss;
  if (absl::StatusOr<double> auc = core::Auc(p, validation.y); auc.ok()) {
    m["auc"] = *auc;
  }
  const std::vector<float> constant(validation.y.size(),
                                    static_cast<float>(train_rate));
  m["base_rate_log_loss"] = core::LogLoss(constant, validation.y).value_or(NAN);
  m["eval_rows"] = static_cast<double>(validation.y.size());
  return loss;
}

// The best of a list of settings by validation log loss.
template <typename Options, typename Model>
struct Choice {
  Options options;
  std::optional<Model> model;
  std::vector<float> validation;  // The model's predictions of the rows.
  double loss = std::numeric_limits<double>::infinity();
  int tried = 0;
};

// Trains `configs` in order with `train` (Options -> StatusOr<Model>) while
// the budget lasts (the first always), keeping the lowest validation log
// loss. A setting after the first that fails is skipped; the first, the
// caller's own, must train (its error gets `prefix`). The first is kept even
// with a NaN loss, so a choice always exists.
template <typename Options, typename Model, typename Train>
absl::StatusOr<Choice<Options, Model>> SearchSettings(
    const std::vector<Options>& configs, const Rows& val, double budget_seconds,
    absl::string_view prefix, Train train) {
  const absl::Time start = absl::Now();
  Choice<Options, Model> best;
  for (const Options& o : configs) {
    if (best.tried > 0 &&
        absl::ToDoubleSeconds(absl::Now() - start) > budget_seconds) {
      break;
    }
    absl::StatusOr<Model> model = train(o);
    if (!model.ok() && best.tried == 0) {
      return ForOption(prefix, model.status());
    }
    if (!model.ok()) continue;
    ++best.tried;
    std::vector<float> p = model->Predict(val.x);
    const double loss = core::LogLoss(p, val.y).value_or(NAN);
    if (best.tried == 1 || loss < best.loss) {
      best.loss = loss;
      best.validation = std::move(p);
      best.options = o;
      best.model = *std::move(model);
    }
  }
  return best;
}

using GbdtChoice = Choice<core::GbdtOptions, core::GbdtModel>;
using MlpChoice = Choice<core::MlpOptions, core::MlpModel>;

// The given options, then kGbdtGrid's depths and learning rates, each
// early-stopped on the validation rows.
absl::StatusOr<GbdtChoice> SearchGbdt(const Rows& train, const Rows& val,
                                      const core::GbdtOptions& given,
                                      double budget_seconds) {
  std::vector<core::GbdtOptions> configs = {given};
  if (budget_seconds > 0) {
    for (const auto& [depth, rate] : kGbdtGrid) {
      core::GbdtOptions o = given;
      o.max_depth = depth;
      o.learning_rate = rate;
      configs.push_back(o);
    }
  }
  const core::GbdtData train_data{&train.x, train.y};
  const core::GbdtData val_data{&val.x, val.y};
  return SearchSettings<core::GbdtOptions, core::GbdtModel>(
      configs, val, budget_seconds, "scoring.gbdt.",
      [&](const core::GbdtOptions& o) {
        return core::GbdtModel::Train(train_data, &val_data, o);
      });
}

// The chosen options with the tree count early stopping kept, without
// early stopping: how the stacker's folds and the served model are trained.
core::GbdtOptions FixedTrees(const GbdtChoice& c) {
  core::GbdtOptions o = c.options;
  o.num_trees = c.model->num_trees();
  o.early_stopping_rounds = 0;
  return o;
}

void DescribeGbdt(const GbdtChoice& c, model::v1::ModelInfo& info) {
  SetParameter(info, "max_depth", c.options.max_depth);
  SetParameter(info, "learning_rate", c.options.learning_rate);
  SetParameter(info, "num_trees", c.model->num_trees());
  SetParameter(info, "lambda", c.options.lambda);
  SetParameter(info, "min_child_weight", c.options.min_child_weight);
  SetParameter(info, "search_configs_tried", c.tried);
}

void DescribeForest(const core::RandomForestOptions& o,
                    model::v1::ModelInfo& info) {
  SetParameter(info, "num_trees", o.num_trees);
  SetParameter(info, "max_depth", o.max_depth);
  SetParameter(info, "min_samples_leaf", o.min_samples_leaf);
}

// The given options, then a faster learning rate and wider layers, each
// early-stopped on the validation rows, while the budget lasts.
absl::StatusOr<MlpChoice> SearchMlp(const Rows& train, const Rows& val,
                                    const core::MlpOptions& given,
                                    double budget_seconds) {
  std::vector<core::MlpOptions> configs = {given};
  if (budget_seconds > 0) {
    core::MlpOptions faster = given;
    faster.learning_rate = std::min(given.learning_rate * 3, 1.0);
    core::MlpOptions wider = given;
    for (int& width : wider.hidden) width *= 2;
    configs.push_back(faster);
    configs.push_back(wider);
  }
  const core::MlpData val_data{&val.x, val.y};
  return SearchSettings<core::MlpOptions, core::MlpModel>(
      configs, val, budget_seconds, "scoring.mlp.",
      [&](const core::MlpOptions& o) {
        return core::MlpModel::Train({&train.x, train.y}, &val_data, o);
      });
}

// The chosen options for the epochs validation chose, without a hold-out:
// how the stacker's folds and the served net are trained.
core::MlpOptions FixedEpochs(const MlpChoice& c) {
  core::MlpOptions o = c.options;
  o.max_epochs = std::max(1, c.model->best_epoch());
  o.early_stopping_patience = 0;
  return o;
}

void DescribeMlp(const MlpChoice& c, model::v1::ModelInfo& info) {
  const core::MlpOptions& o = c.options;
  const core::MlpModel& m = *c.model;
  std::string hidden;
  for (int width : o.hidden) {
    absl::StrAppend(&hidden, hidden.empty() ? "" : ",", width);
  }
  SetParameter(info, "hidden", hidden);
  SetParameter(info, "learning_rate", o.learning_rate);
  SetParameter(info, "batch_size", o.batch_size);
  SetParameter(info, "l2", o.l2);
  SetParameter(info, "epochs_run", m.epochs_run());
  SetParameter(info, "best_epoch", m.best_epoch());
  SetParameter(info, "search_configs_tried", c.tried);
}

// The base scorers as stacking learners, with fixed options.
std::vector<core::BaseLearner> Learners(const core::GbdtOptions& gbdt,
                                        const core::RandomForestOptions& rf,
                                        const core::MlpOptions& mlp) {
  return {
      {core::kGbdtScorerName,
       [gbdt](const core::FeatureMatrix& x, absl::Span<const float> y,
              const core::FeatureMatrix& predict)
           -> absl::StatusOr<std::vector<float>> {
         SHOPML_ASSIGN_OR_RETURN(
             const core::GbdtModel m,
             core::GbdtModel::Train({&x, y}, nullptr, gbdt));
         return m.Predict(predict);
       }},
      {core::kForestScorerName,
       [rf](const core::FeatureMatrix& x, absl::Span<const float> y,
            const core::FeatureMatrix& predict)
           -> absl::StatusOr<std::vector<float>> {
         SHOPML_ASSIGN_OR_RETURN(const core::RandomForest m,
                                 core::RandomForest::Train({&x, y}, rf));
         return m.Predict(predict);
       }},
      {core::kMlpScorerName,
       [mlp](const core::FeatureMatrix& x, absl::Span<const float> y,
             const core::FeatureMatrix& predict)
           -> absl::StatusOr<std::vector<float>> {
         SHOPML_ASSIGN_OR_RETURN(const core::MlpModel m,
                                 core::MlpModel::Train({&x, y}, nullptr, mlp));
         return m.Predict(predict);
       }},
  };
}

// Fits the blend on out-of-fold predictions of the training rows and
// checks it on the validation rows' predictions (rows x scorers).
// The fitted blend's own validation figures, blend_auc and blend_log_loss,
// go to `info` whether or not it is kept.
absl::StatusOr<core::ValidationChoice> Stack(
    const Rows& train, const std::vector<core::BaseLearner>& learners,
    const Eigen::MatrixXf& validation, const Rows& val,
    const ScoringOptions& options, model::v1::ModelInfo& info) {
  SHOPML_ASSIGN_OR_RETURN(
      const Eigen::MatrixXf oof,
      core::OutOfFoldPredictions(train.x, train.y, learners,
                                 options.stacking_folds, options.gbdt.seed,
                                 core::FoldAssignment::kContiguous));
  std::vector<std::string> names;
  for (const core::BaseLearner& l : learners) names.push_back(l.name);
  core::StackingOptions stacking;
  stacking.folds = options.stacking_folds;
  stacking.l2 = options.stacking_l2;
  SHOPML_ASSIGN_OR_RETURN(
      core::StackedBlend blend,
      core::StackedBlend::Fit(oof, train.y, std::move(names), stacking));
  const std::vector<float> p = blend.Combine(validation);
  auto& m = *info.mutable_metrics();
  m["blend_log_loss"] = core::LogLoss(p, val.y).value_or(NAN);
  if (absl::StatusOr<double> auc = core::Auc(p, val.y); auc.ok()) {
    m["blend_auc"] = *auc;
  }
  return core::ChooseOnValidation(std::move(blend), validation, val.y);
}

void DescribeStack(const core::ValidationChoice& c,
                   model::v1::ModelInfo& info) {
  const core::StackedBlend& b = c.blend;
  for (int k = 0; k < b.num_models(); ++k) {
    SetParameter(info, absl::StrCat("weight_", b.names()[k]), b.weights()[k]);
  }
  SetParameter(info, "intercept", b.intercept());
  SetParameter(info, "kept_blend", c.kept_blend ? "true" : "false");
}

double Rate(absl::Span<const float> y) {
  double s = 0;
  for (float v : y) s += v;
  return y.empty() ? 0 : s / static_cast<double>(y.size());
}

// Both classes among the training and the validation rows.
bool BothClasses(absl::Span<const float> y) {
  const double rate = Rate(y);
  return rate > 0 && rate < 1;
}

}  // namespace

absl::StatusOr<ScoringResult> TrainScorers(
    const core::Interactions& data,
    const core::CooccurrenceOptions& cooccurrence,
    const ScoringOptions& options, double search_budget_seconds,
    bool fit_for_serving, core::ModelBundle& bundle) {
  ScoringResult result;
  if (!options.enabled) {
    result.skipped = "disabled";
    return result;
  }
  SHOPML_RETURN_IF_ERROR(ForOption(
      "scoring.", core::CheckOption("validation_fraction",
                                    options.validation_fraction, 0.05, 0.5)));
  absl::StatusOr<core::PropensityData> built =
      core::BuildPropensityData(data, cooccurrence, options.table);
  if (absl::IsFailedPrecondition(built.status())) {
    result.skipped = std::string(built.status().message());
    return result;
  }
  if (!built.ok()) return ForOption("scoring.table.", built.status());
  const core::PropensityTable& table = built->table;
  const core::TableSplit split =
      core::SplitByTime(table, 1 - options.validation_fraction);
  const Rows train = Slice(table, 0, split.train_rows);
  const Rows val = Slice(table, split.train_rows, table.rows());
  if (!BothClasses(train.y) || !BothClasses(val.y) ||
      train.y.size() < static_cast<size_t>(options.stacking_folds)) {
    result.skipped = absl::StrCat(
        "the propensity table's ", table.rows(),
        " rows do not hold both outcomes in training and validation");
    return result;
  }
  const double rate = Rate(train.y);

  SHOPML_ASSIGN_OR_RETURN(
      const GbdtChoice gbdt,
      SearchGbdt(train, val, options.gbdt, search_budget_seconds));
  model::v1::ModelInfo gbdt_info = Describe(core::kGbdtScorerName);
  DescribeGbdt(gbdt, gbdt_info);
  const double gbdt_loss =
      SetValidationMetrics(gbdt.validation, val, rate, gbdt_info);

  SHOPML_ASSIGN_OR_RETURN(
      const MlpChoice mlp,
      SearchMlp(train, val, options.mlp, search_budget_seconds));
  const std::vector<core::BaseLearner> learners =
      Learners(FixedTrees(gbdt), options.forest, FixedEpochs(mlp));
  SHOPML_ASSIGN_OR_RETURN(std::vector<float> forest_val,
                          learners[1].fit_predict(train.x, train.y, val.x));
  model::v1::ModelInfo forest_info = Describe(core::kForestScorerName);
  DescribeForest(options.forest, forest_info);
  const double forest_loss =
      SetValidationMetrics(forest_val, val, rate, forest_info);

  const std::vector<float>& mlp_val_p = mlp.validation;
  model::v1::ModelInfo mlp_info = Describe(core::kMlpScorerName);
  DescribeMlp(mlp, mlp_info);
  const double mlp_loss = SetValidationMetrics(mlp_val_p, val, rate, mlp_info);

  Eigen::MatrixXf val_base(val.x.rows(), 3);
  for (Eigen::Index r = 0; r < val.x.rows(); ++r) {
    val_base(r, 0) = gbdt.validation[r];
    val_base(r, 1) = forest_val[r];
    val_base(r, 2) = mlp_val_p[r];
  }
  model::v1::ModelInfo stack_info = Describe(core::kStackedScorerName);
  absl::StatusOr<core::ValidationChoice> stacked =
      Stack(train, learners, val_base, val, options, stack_info);
  if (!stacked.ok()) {
    // E.g. a fold with one class only: serve the best single scorer.
    SetParameter(stack_info, "stacking_error",
                 std::string(stacked.status().message()));
    stacked = core::ChooseOnValidation(
        core::StackedBlend::Single(
            {core::kGbdtScorerName, core::kForestScorerName,
             core::kMlpScorerName},
            0, core::StackingLoss::kLogistic),
        val_base, val.y);
  }
  core::ValidationChoice& stack = *stacked;
  DescribeStack(stack, stack_info);
  const double stack_loss = SetValidationMetrics(stack.blend.Combine(val_base),
                                                 val, rate, stack_info);

  const std::pair<double, const char*> losses[] = {
      {gbdt_loss, core::kGbdtScorerName},
      {forest_loss, core::kForestScorerName},
      {mlp_loss, core::kMlpScorerName},
      {stack_loss, core::kStackedScorerName}};
  // The first of the lowest: a tie (a blend that fell back to one scorer)
  // goes to the single scorer, which costs less to serve.
  result.default_model = std::min_element(std::begin(losses), std::end(losses),
                                          [](const auto& a, const auto& b) {
                                            return a.first < b.first;
                                          })
                             ->second;
  for (model::v1::ModelInfo* info :
       {&gbdt_info, &forest_info, &mlp_info, &stack_info}) {
    SetParameter(*info, "train_rows", static_cast<double>(train.y.size()));
    SetParameter(*info, "validation_fraction", options.validation_fraction);
    SetParameter(*info, "label_horizon_seconds",
                 static_cast<double>(options.table.label_horizon_seconds));
  }
  result.infos = {std::move(gbdt_info), std::move(forest_info),
                  std::move(mlp_info), std::move(stack_info)};
  if (!fit_for_serving) return result;

  // Serving: every row, and a snapshot of every event.
  const Rows all = All(table);
  SHOPML_ASSIGN_OR_RETURN(
      bundle.gbdt,
      core::GbdtModel::Train({&all.x, all.y}, nullptr, FixedTrees(gbdt)));
  SHOPML_ASSIGN_OR_RETURN(bundle.forest, core::RandomForest::Train(
                                             {&all.x, all.y}, options.forest));
  // The epochs validation chose, now without a hold-out.
  SHOPML_ASSIGN_OR_RETURN(
      bundle.mlp,
      core::MlpModel::Train({&all.x, all.y}, nullptr, FixedEpochs(mlp)));
  SHOPML_ASSIGN_OR_RETURN(bundle.item_snapshot,
                          core::ItemSnapshot::Build(data, data.now_micros + 1));
  bundle.stacked = std::move(stack.blend);
  return result;
}

}  // namespace shopml::server
