#include "core/cf/biased_mf.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <numbers>
#include <numeric>
#include <random>
#include <tuple>
#include <utility>

#include "Eigen/Cholesky"
#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/cf/cf_matrix_proto.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

// Independent random streams under one seed, so changing how one part draws
// does not shift the others.
enum RandomStream : uint64_t {
  kSplitStream = 1,
  kInitStream = 2,
  kOrderStream = 3,
};

// mt19937_64 (whose output the standard fixes) with our own integer and
// normal draws, since the standard library's distributions differ between
// implementations.
class Random {
 public:
  Random(uint64_t seed, RandomStream stream)
      : engine_(seed * 0x9E3779B97F4A7C15ULL + stream) {}

  // Uniform in [0, n) (the modulo bias is below 2^-40 for n < 2^24, far below
  // anything SGD notices). REQUIRES: n >= 1.
  uint64_t Below(uint64_t n) { return engine_() % n; }

  // Standard normal by Box-Muller.
  double Normal() {
    const double u1 = (static_cast<double>(engine_() >> 11) + 1) * 0x1.0p-53;
    const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }

  template <typename T>
  void Shuffle(T begin, T end) {
    for (auto n = end - begin; n > 1; --n) {
      std::swap(begin[n - 1], begin[Below(static_cast<uint64_t>(n))]);
    }
  }

 private:
  std::mt19937_64 engine_;
};

absl::Status CheckOptions(const BiasedMfOptions& options) {
  SHOPML_RETURN_IF_ERROR(
      CheckOption("num_factors", options.num_factors, 1, 1024));
  SHOPML_RETURN_IF_ERROR(CheckPositive("learning_rate", options.learning_rate));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("learning_rate", options.learning_rate, 0, 1));
  SHOPML_RETURN_IF_ERROR(
      CheckPositive("learning_rate_decay", options.learning_rate_decay));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("learning_rate_decay", options.learning_rate_decay, 0, 1));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("lambda_bias", options.lambda_bias, 0, 100));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("lambda_factor", options.lambda_factor, 0, 100));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("lambda_implicit", options.lambda_implicit, 0, 100));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("max_epochs", options.max_epochs, 1, 1000));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("validation_fraction", options.validation_fraction, 0, 0.5));
  SHOPML_RETURN_IF_ERROR(CheckOption("patience", options.patience, 1, 1000));
  return CheckOption("init_stddev", options.init_stddev, 0, 1);
}

bool ByUserItem(const UserItemRating& a, const UserItemRating& b) {
  return std::tie(a.user, a.item) < std::tie(b.user, b.item);
}

// The latest rating of each (user, item), ordered by user then item; among
// ratings with the same time, the last one recorded.
std::vector<UserItemRating> LatestRatings(const Interactions& data) {
  struct Timed {
    UserItemRating rating;
    int64_t time_micros;
  };
  std::vector<Timed> all;
  for (const Interaction& e : data.events) {
    if (e.type == EventType::kRating) {
      all.push_back({{e.user, e.item, e.rating}, e.time_micros});
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const Timed& a, const Timed& b) {
    return std::tie(a.rating.user, a.rating.item, a.time_micros) <
           std::tie(b.rating.user, b.rating.item, b.time_micros);
  });
  std::vector<UserItemRating> latest;
  for (size_t k = 0; k < all.size(); ++k) {
    const bool last_of_pair = k + 1 == all.size() ||
                              all[k + 1].rating.user != all[k].rating.user ||
                              all[k + 1].rating.item != all[k].rating.item;
    if (last_of_pair) latest.push_back(all[k].rating);
  }
  return latest;
}

// Items of each user's events, deduplicated and ascending, in CSR form:
// user u's are items[offsets[u] .. offsets[u + 1]).
struct ItemLists {
  std::vector<size_t> offsets;
  std::vector<uint32_t> items;
};

ItemLists InteractedItems(const Interactions& data) {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  pairs.reserve(data.events.size());
  for (const Interaction& e : data.events) pairs.emplace_back(e.user, e.item);
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  ItemLists lists;
  lists.offsets.assign(data.num_users + 1, 0);
  lists.items.reserve(pairs.size());
  for (const auto& [user, item] : pairs) {
    ++lists.offsets[user + 1];
    lists.items.push_back(item);
  }
  std::partial_sum(lists.offsets.begin(), lists.offsets.end(),
                   lists.offsets.begin());
  return lists;
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("biased mf: ", what));
}

bool AllFinite(const google::protobuf::RepeatedField<float>& values) {
  return std::all_of(values.begin(), values.end(),
                     [](float v) { return std::isfinite(v); });
}

}  // namespace

MfRatingSplit SplitMfRatings(const Interactions& data,
                             double validation_fraction, uint64_t seed) {
  std::vector<UserItemRating> ratings = LatestRatings(data);
  const size_t n = ratings.size();
  size_t num_validation =
      static_cast<size_t>(std::floor(validation_fraction * n));
  if (n > 0) num_validation = std::min(num_validation, n - 1);
  Random random(seed, kSplitStream);
  random.Shuffle(ratings.begin(), ratings.end());
  MfRatingSplit split;
  split.validation.assign(ratings.begin(), ratings.begin() + num_validation);
  split.train.assign(ratings.begin() + num_validation, ratings.end());
  std::sort(split.validation.begin(), split.validation.end(), ByUserItem);
  std::sort(split.train.begin(), split.train.end(), ByUserItem);
  return split;
}

// Runs SGD for BiasedMf::Train on one split; a friend of BiasedMf.
class BiasedMfTrainer {
 public:
  BiasedMfTrainer(const Interactions& data, const BiasedMfOptions& options,
                  MfRatingSplit split)
      : data_(data), options_(options), split_(std::move(split)) {}

  absl::StatusOr<BiasedMf> Run();

 private:
  // Everything SGD updates.
  struct Params {
    std::vector<float> user_bias;
    std::vector<float> item_bias;
    RowMatrixXf p;  // num_users x k.
    RowMatrixXf q;  // num_items x k.
    RowMatrixXf y;  // num_items x k with SVD++, else 0 x 0.
  };

  void Init();
  // One pass over the training ratings; returns the sum of squared errors.
  double PlainEpoch(float lr);
  double ImplicitEpoch(float lr);
  // p_u plus the implicit term (just p without SVD++).
  RowMatrixXf EffectiveUserFactors(const Params& params) const;
  double ValidationRmse() const;
  double Clamp(double prediction) const {
    return std::clamp(prediction, min_rating_, max_rating_);
  }

  const Interactions& data_;
  const BiasedMfOptions& options_;
  const MfRatingSplit split_;
  int k_ = 0;
  float mu_ = 0;
  double min_rating_ = 0;
  double max_rating_ = 0;
  Params params_;
  // SVD++ only: N(u), 1 / sqrt(|N(u)|), and the training ratings of user u
  // as split_.train[train_offsets_[u] .. train_offsets_[u + 1]).
  ItemLists interacted_;
  std::vector<float> norm_;
  std::vector<size_t> train_offsets_;
  // Visiting order, reshuffled every epoch.
  std::vector<size_t> order_;
  std::vector<uint32_t> user_order_;
  Random order_random_{0, kOrderStream};
};

void BiasedMfTrainer::Init() {
  k_ = options_.num_factors;
  double sum = 0;
  for (const UserItemRating& r : split_.train) sum += r.rating;
  mu_ = static_cast<float>(sum / static_cast<double>(split_.train.size()));
  min_rating_ = max_rating_ = split_.train[0].rating;
  for (const auto* part : {&split_.train, &split_.validation}) {
    for (const UserItemRating& r : *part) {
      min_rating_ = std::min<double>(min_rating_, r.rating);
      max_rating_ = std::max<double>(max_rating_, r.rating);
    }
  }

  params_.user_bias.assign(data_.num_users, 0.0f);
  params_.item_bias.assign(data_.num_items, 0.0f);
  params_.p = RowMatrixXf::Zero(data_.num_users, k_);
  params_.q = RowMatrixXf::Zero(data_.num_items, k_);
  // Users and items without training ratings keep zero factors: SGD never
  // touches them, and random ones would only add noise to their predictions.
  std::vector<bool> user_rated(data_.num_users, false);
  std::vector<bool> item_rated(data_.num_items, false);
  for (const UserItemRating& r : split_.train) {
    user_rated[r.user] = true;
    item_rated[r.item] = true;
  }
  Random init(options_.seed, kInitStream);
  const double sd = options_.init_stddev;
  for (uint32_t u = 0; u < data_.num_users; ++u) {
    if (!user_rated[u]) continue;
    for (int f = 0; f < k_; ++f) {
      params_.p(u, f) = static_cast<float>(sd * init.Normal());
    }
  }
  for (uint32_t i = 0; i < data_.num_items; ++i) {
    if (!item_rated[i]) continue;
    for (int f = 0; f < k_; ++f) {
      params_.q(i, f) = static_cast<float>(sd * init.Normal());
    }
  }

  order_random_ = Random(options_.seed, kOrderStream);
  if (!options_.implicit_feedback) {
    order_.resize(split_.train.size());
    std::iota(order_.begin(), order_.end(), size_t{0});
    return;
  }
  // y starts at 0, so every user starts from p_u alone.
  params_.y = RowMatrixXf::Zero(data_.num_items, k_);
  interacted_ = InteractedItems(data_);
  norm_.assign(data_.num_users, 0.0f);
  for (uint32_t u = 0; u < data_.num_users; ++u) {
    const size_t count = interacted_.offsets[u + 1] - interacted_.offsets[u];
    if (count > 0) norm_[u] = static_cast<float>(1 / std::sqrt(count));
  }
  train_offsets_.assign(data_.num_users + 1, 0);
  for (const UserItemRating& r : split_.train) ++train_offsets_[r.user + 1];
  std::partial_sum(train_offsets_.begin(), train_offsets_.end(),
                   train_offsets_.begin());
  for (uint32_t u = 0; u < data_.num_users; ++u) {
    if (user_rated[u]) user_order_.push_back(u);
  }
  order_.resize(split_.train.size());
  std::iota(order_.begin(), order_.end(), size_t{0});
}

double BiasedMfTrainer::PlainEpoch(float lr) {
  const float lb = static_cast<float>(options_.lambda_bias);
  const float lf = static_cast<float>(options_.lambda_factor);
  order_random_.Shuffle(order_.begin(), order_.end());
  Eigen::RowVectorXf p_old(k_);
  double squared = 0;
  for (size_t index : order_) {
    const UserItemRating& r = split_.train[index];
    auto p = params_.p.row(r.user);
    auto q = params_.q.row(r.item);
    float& bu = params_.user_bias[r.user];
    float& bi = params_.item_bias[r.item];
    const float e = r.rating - (mu_ + bu + bi + p.dot(q));
    squared += static_cast<double>(e) * e;
    bu += lr * (e - lb * bu);
    bi += lr * (e - lb * bi);
    p_old = p;
    p += lr * (e * q - lf * p);
    q += lr * (e * p_old - lf * q);
  }
  return squared;
}

double BiasedMfTrainer::ImplicitEpoch(float lr) {
  const float lb = static_cast<float>(options_.lambda_bias);
  const float lf = static_cast<float>(options_.lambda_factor);
  const double ly = options_.lambda_implicit;
  order_random_.Shuffle(user_order_.begin(), user_order_.end());
  Eigen::RowVectorXf z(k_), p_eff(k_), q_old(k_), grad(k_);
  double squared = 0;
  for (uint32_t u : user_order_) {
    const size_t begin = interacted_.offsets[u];
    const size_t end = interacted_.offsets[u + 1];
    z.setZero();
    for (size_t j = begin; j < end; ++j)
      z += params_.y.row(interacted_.items[j]);
    z *= norm_[u];
    grad.setZero();
    auto p = params_.p.row(u);
    float& bu = params_.user_bias[u];
    const size_t r_begin = train_offsets_[u];
    const size_t r_end = train_offsets_[u + 1];
    order_random_.Shuffle(order_.begin() + r_begin, order_.begin() + r_end);
    for (size_t k = r_begin; k < r_end; ++k) {
      const UserItemRating& r = split_.train[order_[k]];
      auto q = params_.q.row(r.item);
      float& bi = params_.item_bias[r.item];
      p_eff = p + z;
      const float e = r.rating - (mu_ + bu + bi + p_eff.dot(q));
      squared += static_cast<double>(e) * e;
      bu += lr * (e - lb * bu);
      bi += lr * (e - lb * bi);
      q_old = q;
      grad += e * q_old;
      q += lr * (e * p_eff - lf * q);
      p += lr * (e * q_old - lf * p);
    }
    // The per-rating y_j steps of this visit, applied at once: the gradient
    // terms sum, and n decays by (1 - lr * lambda) compound (stable even when
    // n * lr * lambda > 1, where one big step would overshoot).
    const double n = static_cast<double>(r_end - r_begin);
    const float shrink = static_cast<float>(
        std::pow(std::max(0.0, 1.0 - static_cast<double>(lr) * ly), n));
    grad *= lr * norm_[u];
    for (size_t j = begin; j < end; ++j) {
      auto y = params_.y.row(interacted_.items[j]);
      y = shrink * y + grad;
    }
  }
  return squared;
}

RowMatrixXf BiasedMfTrainer::EffectiveUserFactors(const Params& params) const {
  RowMatrixXf factors = params.p;
  if (params.y.rows() == 0) return factors;
  for (uint32_t u = 0; u < data_.num_users; ++u) {
    const size_t begin = interacted_.offsets[u];
    const size_t end = interacted_.offsets[u + 1];
    if (begin == end) continue;
    Eigen::RowVectorXf z = Eigen::RowVectorXf::Zero(k_);
    for (size_t j = begin; j < end; ++j)
      z += params.y.row(interacted_.items[j]);
    factors.row(u) += norm_[u] * z;
  }
  return factors;
}

double BiasedMfTrainer::ValidationRmse() const {
  const RowMatrixXf users = EffectiveUserFactors(params_);
  double squared = 0;
  for (const UserItemRating& r : split_.validation) {
    const double prediction =
        Clamp(static_cast<double>(mu_) + params_.user_bias[r.user] +
              params_.item_bias[r.item] +
              users.row(r.user).dot(params_.q.row(r.item)));
    squared += (prediction - r.rating) * (prediction - r.rating);
  }
  return std::sqrt(squared / static_cast<double>(split_.validation.size()));
}

absl::StatusOr<BiasedMf> BiasedMfTrainer::Run() {
  Init();
  BiasedMfReport report;
  report.num_train_ratings = static_cast<int64_t>(split_.train.size());
  report.num_validation_ratings =
      static_cast<int64_t>(split_.validation.size());
  const bool validate = !split_.validation.empty();
  report.best_validation_rmse = validate
                                    ? std::numeric_limits<double>::infinity()
                                    : std::numeric_limits<double>::quiet_NaN();
  Params best;
  double lr = options_.learning_rate;
  for (int epoch = 1; epoch <= options_.max_epochs; ++epoch) {
    const float step = static_cast<float>(lr);
    const double squared =
        options_.implicit_feedback ? ImplicitEpoch(step) : PlainEpoch(step);
    const double train_rmse =
        std::sqrt(squared / static_cast<double>(split_.train.size()));
    const double validation_rmse = validate ? ValidationRmse() : 0;
    if (!std::isfinite(train_rmse) || !std::isfinite(validation_rmse)) {
      return absl::InvalidArgumentError(
          absl::StrCat("learning_rate: SGD diverged in epoch ", epoch,
                       " (error not finite); lower learning_rate, now ",
                       options_.learning_rate));
    }
    report.epochs_run = epoch;
    report.train_rmse.push_back(train_rmse);
    lr *= options_.learning_rate_decay;
    if (!validate) continue;
    report.validation_rmse.push_back(validation_rmse);
    if (validation_rmse < report.best_validation_rmse) {
      report.best_validation_rmse = validation_rmse;
      report.best_epoch = epoch;
      best = params_;
    } else if (epoch - report.best_epoch >= options_.patience) {
      break;
    }
  }
  if (!validate) {
    report.best_epoch = report.epochs_run;
    best = std::move(params_);
  }

  BiasedMf model;
  model.global_mean_ = mu_;
  model.min_rating_ = min_rating_;
  model.max_rating_ = max_rating_;
  model.lambda_bias_ = options_.lambda_bias;
  model.lambda_factor_ = options_.lambda_factor;
  model.user_factors_ = EffectiveUserFactors(best);
  model.user_bias_ = std::move(best.user_bias);
  model.item_bias_ = std::move(best.item_bias);
  model.item_factors_ = std::move(best.q);
  model.implicit_factors_ = std::move(best.y);
  model.report_ = std::move(report);
  return model;
}

absl::StatusOr<BiasedMf> BiasedMf::Train(const Interactions& data,
                                         const BiasedMfOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(options));
  SHOPML_RETURN_IF_ERROR(CheckInteractions(data));
  MfRatingSplit split =
      SplitMfRatings(data, options.validation_fraction, options.seed);
  if (split.train.empty()) {
    return absl::FailedPreconditionError(
        "biased mf: the training data holds no rating");
  }
  try {
    BiasedMfTrainer trainer(data, options, std::move(split));
    return trainer.Run();
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "biased mf: cannot allocate factors for ", data.num_users,
        " users and ", data.num_items, " items x ", options.num_factors));
  }
}

absl::StatusOr<BiasedMf> BiasedMf::FromProto(
    const model::v1::BiasedMfModel& proto) {
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
  if (!std::isfinite(proto.lambda_bias()) || proto.lambda_bias() < 0 ||
      !std::isfinite(proto.lambda_factor()) || proto.lambda_factor() < 0) {
    return Corrupt("lambda_bias or lambda_factor not finite and >= 0");
  }
  if (!AllFinite(proto.user_bias()) || !AllFinite(proto.item_bias())) {
    return Corrupt("a bias is not finite");
  }
  BiasedMf model;
  SHOPML_ASSIGN_OR_RETURN(
      model.user_factors_,
      MatrixFromProto(proto.user_factors(), "biased mf: user_factors"));
  SHOPML_ASSIGN_OR_RETURN(
      model.item_factors_,
      MatrixFromProto(proto.item_factors(), "biased mf: item_factors"));
  SHOPML_ASSIGN_OR_RETURN(
      model.implicit_factors_,
      MatrixFromProto(proto.implicit_factors(), "biased mf: implicit_factors"));
  const auto k = model.item_factors_.cols();
  if (k < 1 || model.user_factors_.cols() != k) {
    return Corrupt(absl::StrCat("user_factors has ", model.user_factors_.cols(),
                                " columns and item_factors ", k,
                                "; expected the same k >= 1"));
  }
  if (model.user_factors_.rows() != proto.user_bias_size() ||
      model.item_factors_.rows() != proto.item_bias_size()) {
    return Corrupt("factor rows do not match the bias sizes");
  }
  if (model.implicit_factors_.size() != 0 &&
      (model.implicit_factors_.rows() != model.item_factors_.rows() ||
       model.implicit_factors_.cols() != k)) {
    return Corrupt("implicit_factors is neither empty nor num_items x k");
  }
  model.global_mean_ = proto.global_mean();
  model.min_rating_ = proto.min_rating();
  model.max_rating_ = proto.max_rating();
  model.lambda_bias_ = proto.lambda_bias();
  model.lambda_factor_ = proto.lambda_factor();
  model.user_bias_.assign(proto.user_bias().begin(), proto.user_bias().end());
  model.item_bias_.assign(proto.item_bias().begin(), proto.item_bias().end());
  const model::v1::BiasedMfTrainingReport& r = proto.report();
  model.report_.epochs_run = static_cast<int>(r.epochs_run());
  model.report_.best_epoch = static_cast<int>(r.best_epoch());
  model.report_.validation_rmse.assign(r.validation_rmse().begin(),
                                       r.validation_rmse().end());
  model.report_.best_validation_rmse = r.best_validation_rmse();
  model.report_.train_rmse.assign(r.train_rmse().begin(), r.train_rmse().end());
  model.report_.num_train_ratings = static_cast<int64_t>(r.num_train_ratings());
  model.report_.num_validation_ratings =
      static_cast<int64_t>(r.num_validation_ratings());
  return model;
}

model::v1::BiasedMfModel BiasedMf::ToProto() const {
  model::v1::BiasedMfModel proto;
  proto.set_format_version(kFormatVersion);
  proto.set_global_mean(global_mean_);
  proto.set_min_rating(min_rating_);
  proto.set_max_rating(max_rating_);
  proto.mutable_user_bias()->Add(user_bias_.begin(), user_bias_.end());
  proto.mutable_item_bias()->Add(item_bias_.begin(), item_bias_.end());
  MatrixToProto(user_factors_, proto.mutable_user_factors());
  MatrixToProto(item_factors_, proto.mutable_item_factors());
  MatrixToProto(implicit_factors_, proto.mutable_implicit_factors());
  proto.set_lambda_bias(lambda_bias_);
  proto.set_lambda_factor(lambda_factor_);
  model::v1::BiasedMfTrainingReport* r = proto.mutable_report();
  r->set_epochs_run(static_cast<uint32_t>(report_.epochs_run));
  r->set_best_epoch(static_cast<uint32_t>(report_.best_epoch));
  r->mutable_validation_rmse()->Add(report_.validation_rmse.begin(),
                                    report_.validation_rmse.end());
  r->set_best_validation_rmse(report_.best_validation_rmse);
  r->mutable_train_rmse()->Add(report_.train_rmse.begin(),
                               report_.train_rmse.end());
  r->set_num_train_ratings(static_cast<uint64_t>(report_.num_train_ratings));
  r->set_num_validation_ratings(
      static_cast<uint64_t>(report_.num_validation_ratings));
  return proto;
}

double BiasedMf::Predict(std::optional<uint32_t> user,
                         std::optional<uint32_t> item) const {
  const bool known_user = user.has_value() && *user < user_bias_.size();
  const bool known_item = item.has_value() && *item < item_bias_.size();
  double prediction = global_mean_;
  if (known_user) prediction += user_bias_[*user];
  if (known_item) prediction += item_bias_[*item];
  if (known_user && known_item) {
    prediction += user_factors_.row(*user).dot(item_factors_.row(*item));
  }
  return std::clamp(prediction, min_rating_, max_rating_);
}

double BiasedMf::Predict(const MfUserParams& user,
                         std::optional<uint32_t> item) const {
  double prediction = global_mean_ + user.bias;
  if (item.has_value() && *item < item_bias_.size()) {
    prediction += item_bias_[*item] +
                  item_factors_.row(*item).dot(user.factors.transpose());
  }
  return std::clamp(prediction, min_rating_, max_rating_);
}

absl::StatusOr<MfUserParams> BiasedMf::FoldInUser(
    absl::Span<const ItemRating> ratings,
    absl::Span<const uint32_t> interacted_items) const {
  const int k = num_factors();
  // The implicit term is fixed by the item parameters, so it moves to the
  // target and the solve is over [b_u, p_u] alone.
  Eigen::VectorXd z = Eigen::VectorXd::Zero(k);
  if (has_implicit_feedback()) {
    std::vector<uint32_t> items;
    for (uint32_t item : interacted_items) {
      if (item < num_items()) items.push_back(item);
    }
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    for (uint32_t item : items) {
      z += implicit_factors_.row(item).transpose().cast<double>();
    }
    if (!items.empty()) z /= std::sqrt(static_cast<double>(items.size()));
  }

  // (item, index) of the last rating of each known item.
  std::vector<std::pair<uint32_t, size_t>> used;
  for (size_t index = 0; index < ratings.size(); ++index) {
    if (!std::isfinite(ratings[index].rating)) {
      return absl::InvalidArgumentError(
          absl::StrCat("ratings[", index, "].rating: must be finite"));
    }
    if (ratings[index].item < num_items()) {
      used.emplace_back(ratings[index].item, index);
    }
  }
  std::sort(used.begin(), used.end());
  std::vector<std::pair<uint32_t, size_t>> last;
  for (size_t j = 0; j < used.size(); ++j) {
    if (j + 1 == used.size() || used[j + 1].first != used[j].first) {
      last.push_back(used[j]);
    }
  }

  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(k + 1, k + 1);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(k + 1);
  Eigen::VectorXd x(k + 1);
  for (const auto& [item, index] : last) {
    x(0) = 1;
    x.tail(k) = item_factors_.row(item).transpose().cast<double>();
    const double target = ratings[index].rating - global_mean_ -
                          item_bias_[item] - x.tail(k).dot(z);
    a.selfadjointView<Eigen::Lower>().rankUpdate(x);
    b += target * x;
  }
  // The floor keeps the system positive definite when a lambda is 0 and the
  // user has fewer ratings than k + 1; it moves the answer by ~1e-9.
  constexpr double kMinPenalty = 1e-9;
  const double n = static_cast<double>(last.size());
  a(0, 0) += std::max(n * lambda_bias_, kMinPenalty);
  for (int f = 1; f <= k; ++f) {
    a(f, f) += std::max(n * lambda_factor_, kMinPenalty);
  }
  const Eigen::VectorXd theta =
      a.selfadjointView<Eigen::Lower>().ldlt().solve(b);
  MfUserParams params;
  params.bias = static_cast<float>(theta(0));
  params.factors = (theta.tail(k) + z).cast<float>();
  return params;
}

uint32_t BiasedMf::num_users() const {
  return static_cast<uint32_t>(user_bias_.size());
}

uint32_t BiasedMf::num_items() const {
  return static_cast<uint32_t>(item_bias_.size());
}

int BiasedMf::num_factors() const {
  return static_cast<int>(item_factors_.cols());
}

double BiasedMf::user_bias(uint32_t user) const {
  return user < user_bias_.size() ? user_bias_[user] : 0.0;
}

double BiasedMf::item_bias(uint32_t item) const {
  return item < item_bias_.size() ? item_bias_[item] : 0.0;
}

}  // namespace shopml::core
