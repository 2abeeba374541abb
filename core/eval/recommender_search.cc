#include "core/eval/recommender_search.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/cf/implicit_als.h"
#include "core/eval/recommendation_eval.h"
#include "core/eval/time_split.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr int kAlsFactors[] = {16, 32, 64};
constexpr double kAlsRegularization[] = {0.1, 1, 10, 100};
constexpr double kAlsAlpha[] = {0.25, 1, 4};
constexpr double kEaseLambda[] = {50, 200, 500, 2000};

bool SameAlsPoint(const ImplicitAlsOptions& a, const ImplicitAlsOptions& b) {
  return a.factors == b.factors && a.regularization == b.regularization &&
         a.alpha == b.alpha;
}

// The given options first, then each grid point not equal to an earlier one.
std::vector<ImplicitAlsOptions> AlsCandidates(const ImplicitAlsOptions& given) {
  std::vector<ImplicitAlsOptions> candidates = {given};
  for (int factors : kAlsFactors) {
    for (double regularization : kAlsRegularization) {
      for (double alpha : kAlsAlpha) {
        ImplicitAlsOptions o = given;
        o.factors = factors;
        o.regularization = regularization;
        o.alpha = alpha;
        if (std::none_of(candidates.begin(), candidates.end(),
                         [&o](const ImplicitAlsOptions& c) {
                           return SameAlsPoint(c, o);
                         })) {
          candidates.push_back(o);
        }
      }
    }
  }
  return candidates;
}

std::vector<EaseOptions> EaseCandidates(const EaseOptions& given) {
  std::vector<EaseOptions> candidates = {given};
  for (double lambda : kEaseLambda) {
    if (lambda == given.lambda) continue;
    EaseOptions o = given;
    o.lambda = lambda;
    candidates.push_back(o);
  }
  return candidates;
}

}  // namespace

absl::Status CheckRecommenderSearchOptions(
    const RecommenderSearchOptions& options) {
  if (!(std::isfinite(options.budget_seconds) && options.budget_seconds >= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("budget_seconds: must be finite and >= 0, got ",
                     options.budget_seconds));
  }
  if (!(options.validation_fraction > 0 && options.validation_fraction < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("validation_fraction: must be in (0, 1), got ",
                     options.validation_fraction));
  }
  if (options.als_iterations < 1 || options.als_iterations > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "als_iterations: must be in [1, 1000], got ", options.als_iterations));
  }
  if (options.k < 1 || options.k > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("k: must be in [1, 1000], got ", options.k));
  }
  return absl::OkStatus();
}

namespace {

// InvalidArgument of a model names a field of its own options; say which.
absl::Status ForModel(absl::string_view prefix, const absl::Status& status) {
  if (!absl::IsInvalidArgument(status)) return status;
  return absl::InvalidArgumentError(absl::StrCat(prefix, status.message()));
}

}  // namespace

absl::StatusOr<RecommenderSearchResult> SearchRecommenders(
    const Interactions& data, const ImplicitAlsOptions& als,
    const EaseOptions* ease, const RecommenderSearchOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckRecommenderSearchOptions(options));
  const absl::Time start = absl::Now();
  const absl::Duration budget = absl::Seconds(options.budget_seconds);
  RecommenderSearchResult result;
  result.als = als;
  if (ease != nullptr) result.ease = *ease;
  SHOPML_ASSIGN_OR_RETURN(const TimeSplit split,
                          SplitByTime(data, options.validation_fraction));
  result.validation_users =
      static_cast<int64_t>(HeldOutPurchases(split.train, split.test).size());
  if (result.validation_users == 0) {
    result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
    return result;
  }

  double best_als = -1;
  auto try_als = [&](const ImplicitAlsOptions& candidate) -> absl::Status {
    ImplicitAlsOptions trial = candidate;
    trial.iterations = std::min(candidate.iterations, options.als_iterations);
    absl::StatusOr<ImplicitAls> model = ImplicitAls::Train(split.train, trial);
    if (!model.ok()) return ForModel("als.", model.status());
    const double ndcg =
        EvaluateImplicitAls(*model, split.train, split.test, options.k)
            .ranking.ndcg;
    ++result.als_choice.configs_tried;
    if (ndcg > best_als) {
      best_als = ndcg;
      result.als = candidate;
      result.als_choice.validation_ndcg = ndcg;
    }
    return absl::OkStatus();
  };
  double best_ease = -1;
  auto try_ease = [&](const EaseOptions& candidate) -> absl::Status {
    absl::StatusOr<EaseModel> model = EaseModel::Train(split.train, candidate);
    if (absl::IsFailedPrecondition(model.status())) {
      // Nothing for EASE to learn from; the other lambdas cannot fix that.
      result.ease.reset();
      result.ease_choice = {};
      return absl::OkStatus();
    }
    if (!model.ok()) return ForModel("ease.", model.status());
    const double ndcg =
        EvaluateEase(*model, split.train, split.test, options.k).ranking.ndcg;
    ++result.ease_choice.configs_tried;
    if (ndcg > best_ease) {
      best_ease = ndcg;
      result.ease = candidate;
      result.ease_choice.validation_ndcg = ndcg;
    }
    return absl::OkStatus();
  };

  const std::vector<ImplicitAlsOptions> als_candidates = AlsCandidates(als);
  const std::vector<EaseOptions> ease_candidates =
      ease != nullptr ? EaseCandidates(*ease) : std::vector<EaseOptions>();
  const size_t rounds = std::max(als_candidates.size(), ease_candidates.size());
  for (size_t i = 0; i < rounds; ++i) {
    // The given options (round 0) are measured whatever the budget.
    if (i < als_candidates.size()) {
      if (i > 0 && absl::Now() - start >= budget) break;
      SHOPML_RETURN_IF_ERROR(try_als(als_candidates[i]));
    }
    if (i < ease_candidates.size() && result.ease.has_value()) {
      if (i > 0 && absl::Now() - start >= budget) break;
      SHOPML_RETURN_IF_ERROR(try_ease(ease_candidates[i]));
    }
  }
  result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return result;
}

}  // namespace shopml::core
