#include "core/baseline/bias_baseline.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

struct Rating {
  uint32_t user = 0;
  uint32_t item = 0;
  int64_t time_micros = 0;
  double value = 0;
};

absl::Status CheckOptions(const BiasBaselineOptions& options) {
  SHOPML_RETURN_IF_ERROR(
      CheckOption("lambda_user", options.lambda_user, 0, 1e12));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("lambda_item", options.lambda_item, 0, 1e12));
  return CheckOption("iterations", options.iterations, 1, 100);
}

// The latest rating of each (user, item), ordered by user then item; among
// ratings with the same time, the last one recorded.
std::vector<Rating> LatestRatings(const Interactions& data) {
  std::vector<Rating> ratings;
  for (const Interaction& e : data.events) {
    if (e.type == EventType::kRating) {
      ratings.push_back({e.user, e.item, e.time_micros, e.rating});
    }
  }
  std::stable_sort(ratings.begin(), ratings.end(),
                   [](const Rating& a, const Rating& b) {
                     return std::tie(a.user, a.item, a.time_micros) <
                            std::tie(b.user, b.item, b.time_micros);
                   });
  std::vector<Rating> latest;
  for (size_t k = 0; k < ratings.size(); ++k) {
    const bool last_of_pair = k + 1 == ratings.size() ||
                              ratings[k + 1].user != ratings[k].user ||
                              ratings[k + 1].item != ratings[k].item;
    if (last_of_pair) latest.push_back(ratings[k]);
  }
  return latest;
}

// One half-sweep: bias[key(r)] = sum (r - mu - other[other_key(r)]) /
// (lambda + n_key).
void UpdateBiases(const std::vector<Rating>& ratings, double mu, double lambda,
                  const std::vector<double>& other, uint32_t Rating::*key,
                  uint32_t Rating::*other_key, std::vector<double>& bias) {
  std::vector<double> sum(bias.size(), 0.0);
  std::vector<double> count(bias.size(), 0.0);
  for (const Rating& r : ratings) {
    sum[r.*key] += r.value - mu - other[r.*other_key];
    count[r.*key] += 1;
  }
  for (size_t k = 0; k < bias.size(); ++k) {
    bias[k] = count[k] > 0 ? sum[k] / (lambda + count[k]) : 0.0;
  }
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("bias baseline: ", what));
}

bool AllFinite(const google::protobuf::RepeatedField<float>& values) {
  return std::all_of(values.begin(), values.end(),
                     [](float v) { return std::isfinite(v); });
}

}  // namespace

absl::StatusOr<BiasBaseline> BiasBaseline::Train(
    const Interactions& data, const BiasBaselineOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  SHOPML_RETURN_IF_ERROR(CheckInteractions(data));
  const std::vector<Rating> ratings = LatestRatings(data);
  if (ratings.empty()) {
    return absl::FailedPreconditionError(
        "bias baseline: the training data holds no rating");
  }
  BiasBaseline model;
  double sum = 0;
  model.min_rating_ = ratings[0].value;
  model.max_rating_ = ratings[0].value;
  for (const Rating& r : ratings) {
    sum += r.value;
    model.min_rating_ = std::min(model.min_rating_, r.value);
    model.max_rating_ = std::max(model.max_rating_, r.value);
  }
  model.global_mean_ = sum / static_cast<double>(ratings.size());

  std::vector<double> user_bias(data.num_users, 0.0);
  std::vector<double> item_bias(data.num_items, 0.0);
  for (int sweep = 0; sweep < options.iterations; ++sweep) {
    UpdateBiases(ratings, model.global_mean_, options.lambda_item, user_bias,
                 &Rating::item, &Rating::user, item_bias);
    UpdateBiases(ratings, model.global_mean_, options.lambda_user, item_bias,
                 &Rating::user, &Rating::item, user_bias);
  }
  model.user_bias_.assign(user_bias.begin(), user_bias.end());
  model.item_bias_.assign(item_bias.begin(), item_bias.end());
  return model;
}

absl::StatusOr<BiasBaseline> BiasBaseline::FromProto(
    const model::v1::BiasBaseline& proto) {
  if (proto.format_version() != kFormatVersion) {
    return Corrupt(
        absl::StrCat("unknown format_version ", proto.format_version()));
  }
  if (!std::isfinite(proto.global_mean()) ||
      !std::isfinite(proto.min_rating()) ||
      !std::isfinite(proto.max_rating()) ||
      proto.min_rating() > proto.max_rating()) {
    return Corrupt("global_mean or rating range not finite or inverted");
  }
  if (!AllFinite(proto.user_bias()) || !AllFinite(proto.item_bias())) {
    return Corrupt("a bias is not finite");
  }
  BiasBaseline model;
  model.global_mean_ = proto.global_mean();
  model.min_rating_ = proto.min_rating();
  model.max_rating_ = proto.max_rating();
  model.user_bias_.assign(proto.user_bias().begin(), proto.user_bias().end());
  model.item_bias_.assign(proto.item_bias().begin(), proto.item_bias().end());
  return model;
}

model::v1::BiasBaseline BiasBaseline::ToProto() const {
  model::v1::BiasBaseline proto;
  proto.set_format_version(kFormatVersion);
  proto.set_global_mean(global_mean_);
  proto.set_min_rating(min_rating_);
  proto.set_max_rating(max_rating_);
  proto.mutable_user_bias()->Add(user_bias_.begin(), user_bias_.end());
  proto.mutable_item_bias()->Add(item_bias_.begin(), item_bias_.end());
  return proto;
}

double BiasBaseline::Predict(std::optional<uint32_t> user,
                             std::optional<uint32_t> item) const {
  double prediction = global_mean_;
  if (user.has_value()) prediction += user_bias(*user);
  if (item.has_value()) prediction += item_bias(*item);
  return std::clamp(prediction, min_rating_, max_rating_);
}

double BiasBaseline::global_mean() const { return global_mean_; }

uint32_t BiasBaseline::num_users() const {
  return static_cast<uint32_t>(user_bias_.size());
}

uint32_t BiasBaseline::num_items() const {
  return static_cast<uint32_t>(item_bias_.size());
}

double BiasBaseline::user_bias(uint32_t user) const {
  return user < user_bias_.size() ? user_bias_[user] : 0.0;
}

double BiasBaseline::item_bias(uint32_t item) const {
  return item < item_bias_.size() ? item_bias_[item] : 0.0;
}

namespace {

RatingError Evaluate(const Interactions& data,
                     const std::function<double(const Interaction&)>& predict) {
  RatingError error;
  double squared = 0;
  double absolute = 0;
  for (const Interaction& e : data.events) {
    if (e.type != EventType::kRating) continue;
    const double diff = predict(e) - e.rating;
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

}  // namespace

RatingError EvaluateRatings(const BiasBaseline& model,
                            const Interactions& data) {
  return Evaluate(data, [&model](const Interaction& e) {
    return model.Predict(e.user, e.item);
  });
}

RatingError EvaluateConstant(double prediction, const Interactions& data) {
  return Evaluate(data,
                  [prediction](const Interaction&) { return prediction; });
}

}  // namespace shopml::core
