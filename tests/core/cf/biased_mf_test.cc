#include "core/cf/biased_mf.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/baseline/bias_baseline.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

Interaction Rating(uint32_t user, uint32_t item, float value,
                   int64_t time_micros = 0) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.type = EventType::kRating;
  e.rating = value;
  e.time_micros = time_micros;
  return e;
}

Interaction View(uint32_t user, uint32_t item) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.type = EventType::kView;
  return e;
}

Interactions Events(uint32_t num_users, uint32_t num_items,
                    std::vector<Interaction> events) {
  Interactions data;
  data.num_users = num_users;
  data.num_items = num_items;
  data.events = std::move(events);
  return data;
}

// R = mu + b_u + b_i + U V^T (rank `rank`) + N(0, noise^2), each entry
// observed with probability `observed`; observed entries go to `test` with
// probability `test_share`, else to `train`. U, V ~ N(0, 0.5^2), so the
// low-rank part has variance rank / 16; biases ~ N(0, bias_sd^2); mu = 3.
struct Planted {
  Interactions train;
  Interactions test;
  Eigen::MatrixXd truth;     // num_users x num_items, without noise.
  Eigen::MatrixXd low_rank;  // U V^T.
};

Planted PlantLowRank(uint32_t num_users, uint32_t num_items, int rank,
                     double noise, double observed, double test_share,
                     uint64_t seed, double bias_sd = 0.5) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  Eigen::MatrixXd u(num_users, rank), v(num_items, rank);
  Eigen::VectorXd bu(num_users), bi(num_items);
  for (Eigen::Index r = 0; r < u.size(); ++r) u.data()[r] = 0.5 * normal(rng);
  for (Eigen::Index r = 0; r < v.size(); ++r) v.data()[r] = 0.5 * normal(rng);
  for (uint32_t r = 0; r < num_users; ++r) bu(r) = bias_sd * normal(rng);
  for (uint32_t r = 0; r < num_items; ++r) bi(r) = bias_sd * normal(rng);
  Planted planted;
  planted.low_rank = u * v.transpose();
  planted.truth = planted.low_rank;
  planted.truth.colwise() += bu;
  planted.truth.rowwise() += bi.transpose();
  planted.truth.array() += 3.0;
  planted.train = Events(num_users, num_items, {});
  planted.test = Events(num_users, num_items, {});
  for (uint32_t user = 0; user < num_users; ++user) {
    for (uint32_t item = 0; item < num_items; ++item) {
      if (uniform(rng) >= observed) continue;
      const double value = planted.truth(user, item) + noise * normal(rng);
      Interactions& part =
          uniform(rng) < test_share ? planted.test : planted.train;
      part.events.push_back(Rating(user, item, static_cast<float>(value)));
    }
  }
  return planted;
}

double Rmse(const BiasedMf& model, const Interactions& data) {
  double squared = 0;
  int64_t n = 0;
  for (const Interaction& e : data.events) {
    if (e.type != EventType::kRating) continue;
    const double d = model.Predict(e.user, e.item) - e.rating;
    squared += d * d;
    ++n;
  }
  return std::sqrt(squared / static_cast<double>(n));
}

TEST(BiasedMfTest, RecoversPlantedLowRankMatrix) {
  constexpr double kNoise = 0.1;
  const Planted planted = PlantLowRank(300, 200, 3, kNoise, 0.3, 0.2, 7);
  // A few factors more than the rank; the defaults (32 factors, lambda 0.05)
  // shrink this small-scale signal and stop at about 0.4, still above 3x the
  // noise, as do 50 epochs at the default learning rate.
  BiasedMfOptions options;
  options.num_factors = 5;
  options.lambda_bias = 0.01;
  options.lambda_factor = 0.01;
  options.learning_rate = 0.03;
  options.learning_rate_decay = 0.98;
  options.max_epochs = 200;
  ASSERT_OK_AND_ASSIGN(BiasedMf model, BiasedMf::Train(planted.train, options));
  ASSERT_OK_AND_ASSIGN(
      BiasBaseline baseline,
      BiasBaseline::Train(planted.train, BiasBaselineOptions{}));
  const double mf_rmse = Rmse(model, planted.test);
  const double baseline_rmse = EvaluateRatings(baseline, planted.test).rmse;
  // The low-rank part has sd 0.43, which the baseline cannot explain; MF
  // should get down to about the noise.
  EXPECT_GT(baseline_rmse, 0.4);
  EXPECT_LT(mf_rmse, 1.3 * kNoise);
  EXPECT_LT(mf_rmse, 0.3 * baseline_rmse);
}

TEST(BiasedMfTest, EarlyStoppingKeepsTheBestEpoch) {
  // Few ratings, many factors and no regularisation: SGD overfits, so the
  // validation error turns up and training stops well before max_epochs.
  const Planted planted = PlantLowRank(30, 20, 2, 0.3, 0.5, 0, 3);
  BiasedMfOptions options;
  options.num_factors = 16;
  options.lambda_bias = 0;
  options.lambda_factor = 0;
  options.learning_rate = 0.05;
  options.learning_rate_decay = 1;
  options.init_stddev = 0.5;
  options.validation_fraction = 0.3;
  options.patience = 4;
  options.max_epochs = 500;
  ASSERT_OK_AND_ASSIGN(BiasedMf model, BiasedMf::Train(planted.train, options));
  const BiasedMfReport& report = model.report();
  EXPECT_LT(report.epochs_run, options.max_epochs);
  EXPECT_EQ(report.epochs_run, report.best_epoch + options.patience);
  ASSERT_EQ(report.validation_rmse.size(),
            static_cast<size_t>(report.epochs_run));
  EXPECT_EQ(report.best_validation_rmse,
            report.validation_rmse[report.best_epoch - 1]);
  for (double rmse : report.validation_rmse) {
    EXPECT_GE(rmse, report.best_validation_rmse);
  }
  EXPECT_GT(report.validation_rmse.back(), report.best_validation_rmse);

  // The returned model is the best epoch's, not the last one's.
  const MfRatingSplit split =
      SplitMfRatings(planted.train, options.validation_fraction, options.seed);
  EXPECT_EQ(report.num_validation_ratings,
            static_cast<int64_t>(split.validation.size()));
  EXPECT_EQ(report.num_train_ratings, static_cast<int64_t>(split.train.size()));
  double squared = 0;
  for (const UserItemRating& r : split.validation) {
    const double d = model.Predict(r.user, r.item) - r.rating;
    squared += d * d;
  }
  const double validation_rmse =
      std::sqrt(squared / static_cast<double>(split.validation.size()));
  EXPECT_NEAR(validation_rmse, report.best_validation_rmse, 1e-9);
}

TEST(BiasedMfTest, WithoutValidationRunsAllEpochs) {
  const Planted planted = PlantLowRank(30, 20, 2, 0.3, 0.5, 0, 3);
  BiasedMfOptions options;
  options.validation_fraction = 0;
  options.max_epochs = 7;
  ASSERT_OK_AND_ASSIGN(BiasedMf model, BiasedMf::Train(planted.train, options));
  EXPECT_EQ(model.report().epochs_run, 7);
  EXPECT_EQ(model.report().best_epoch, 7);
  EXPECT_TRUE(model.report().validation_rmse.empty());
  EXPECT_TRUE(std::isnan(model.report().best_validation_rmse));
  EXPECT_EQ(model.report().train_rmse.size(), 7u);
  // The training error falls epoch after epoch.
  EXPECT_LT(model.report().train_rmse.back(), model.report().train_rmse[0]);
}

TEST(BiasedMfTest, SameSeedSameModel) {
  const Planted planted = PlantLowRank(30, 20, 2, 0.3, 0.5, 0, 3);
  BiasedMfOptions options;
  options.max_epochs = 5;
  ASSERT_OK_AND_ASSIGN(BiasedMf a, BiasedMf::Train(planted.train, options));
  ASSERT_OK_AND_ASSIGN(BiasedMf b, BiasedMf::Train(planted.train, options));
  EXPECT_EQ(a.ToProto().SerializeAsString(), b.ToProto().SerializeAsString());
  options.seed = 43;
  ASSERT_OK_AND_ASSIGN(BiasedMf c, BiasedMf::Train(planted.train, options));
  EXPECT_NE(a.ToProto().SerializeAsString(), c.ToProto().SerializeAsString());
}

TEST(BiasedMfTest, FoldInUserReproducesTrainedPredictions) {
  // No validation split, so each user's training ratings are all of theirs;
  // after SGD has converged the user's parameters are close to the exact
  // minimiser FoldInUser computes.
  const Planted planted = PlantLowRank(100, 80, 3, 0.1, 0.4, 0, 11);
  BiasedMfOptions options;
  options.num_factors = 8;
  options.validation_fraction = 0;
  options.max_epochs = 200;
  options.learning_rate = 0.02;
  options.learning_rate_decay = 0.98;
  ASSERT_OK_AND_ASSIGN(BiasedMf model, BiasedMf::Train(planted.train, options));
  for (uint32_t user : {0u, 17u, 42u, 99u}) {
    std::vector<ItemRating> ratings;
    for (const Interaction& e : planted.train.events) {
      if (e.user == user) ratings.push_back({e.item, e.rating});
    }
    ASSERT_OK_AND_ASSIGN(MfUserParams folded, model.FoldInUser(ratings));
    EXPECT_NEAR(folded.bias, model.user_bias(user), 0.05) << "user " << user;
    double max_diff = 0;
    for (uint32_t item = 0; item < 80; ++item) {
      max_diff = std::max(max_diff, std::abs(model.Predict(folded, item) -
                                             model.Predict(user, item)));
    }
    EXPECT_LT(max_diff, 0.05) << "user " << user;
  }
}

// k = 1, mu = 3, item biases 0, q = (1, 2), lambdas 0.5. Ratings (item 0: 4),
// (item 1: 5): targets 1 and 2, features [1, 1] and [1, 2], penalties
// n * lambda = 1, so
//   [[3, 3], [3, 6]] theta = [3, 5]  =>  theta = (1/3, 2/3).
model::v1::BiasedMfModel TwoItemModel() {
  model::v1::BiasedMfModel proto;
  proto.set_format_version(BiasedMf::kFormatVersion);
  proto.set_global_mean(3);
  proto.set_min_rating(1);
  proto.set_max_rating(5);
  proto.add_user_bias(0);
  proto.add_item_bias(0);
  proto.add_item_bias(0);
  proto.mutable_user_factors()->set_rows(1);
  proto.mutable_user_factors()->set_cols(1);
  proto.mutable_user_factors()->add_values(0);
  proto.mutable_item_factors()->set_rows(2);
  proto.mutable_item_factors()->set_cols(1);
  proto.mutable_item_factors()->add_values(1);
  proto.mutable_item_factors()->add_values(2);
  proto.set_lambda_bias(0.5);
  proto.set_lambda_factor(0.5);
  return proto;
}

TEST(BiasedMfTest, FoldInUserSolvesTheRidgeProblemExactly) {
  ASSERT_OK_AND_ASSIGN(BiasedMf model, BiasedMf::FromProto(TwoItemModel()));
  // The first rating of item 0 is replaced by the later one; item 7 is
  // unknown and ignored.
  const std::vector<ItemRating> ratings = {{0, 1}, {1, 5}, {7, 2}, {0, 4}};
  ASSERT_OK_AND_ASSIGN(MfUserParams folded, model.FoldInUser(ratings));
  EXPECT_NEAR(folded.bias, 1.0 / 3, 1e-6);
  ASSERT_EQ(folded.factors.size(), 1);
  EXPECT_NEAR(folded.factors(0), 2.0 / 3, 1e-6);
  EXPECT_NEAR(model.Predict(folded, 1), 3 + 1.0 / 3 + 4.0 / 3, 1e-6);
}

TEST(BiasedMfTest, FoldInUserRejectsNonFiniteRating) {
  ASSERT_OK_AND_ASSIGN(BiasedMf model, BiasedMf::FromProto(TwoItemModel()));
  const std::vector<ItemRating> ratings = {
      {0, 4}, {1, std::numeric_limits<float>::quiet_NaN()}};
  EXPECT_THAT(model.FoldInUser(ratings),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("ratings[1].rating")));
}

TEST(BiasedMfTest, UnknownUserOrItemFallsBackToKnownBiases) {
  const Planted planted = PlantLowRank(30, 20, 2, 0.1, 0.5, 0, 5);
  BiasedMfOptions options;
  options.max_epochs = 5;
  ASSERT_OK_AND_ASSIGN(BiasedMf model, BiasedMf::Train(planted.train, options));
  const auto clamp = [&](double v) {
    return std::clamp(v, model.min_rating(), model.max_rating());
  };
  EXPECT_DOUBLE_EQ(model.Predict(std::nullopt, 3),
                   clamp(model.global_mean() + model.item_bias(3)));
  EXPECT_DOUBLE_EQ(model.Predict(30, 3), model.Predict(std::nullopt, 3));
  EXPECT_DOUBLE_EQ(model.Predict(4, std::nullopt),
                   clamp(model.global_mean() + model.user_bias(4)));
  EXPECT_DOUBLE_EQ(model.Predict(4, 20), model.Predict(4, std::nullopt));
  EXPECT_DOUBLE_EQ(model.Predict(std::nullopt, std::nullopt),
                   model.global_mean());
}

TEST(BiasedMfTest, PredictionsAreClampedToTheObservedRange) {
  // Every user rates item 0 with 5 and item 1 with 1: a model fitting this
  // well predicts near the bounds, and clamping keeps it inside them.
  std::vector<Interaction> events;
  for (uint32_t u = 0; u < 20; ++u) {
    events.push_back(Rating(u, 0, 5));
    events.push_back(Rating(u, 1, 1));
  }
  BiasedMfOptions options;
  options.validation_fraction = 0;
  options.lambda_bias = 0;
  options.learning_rate = 0.2;
  ASSERT_OK_AND_ASSIGN(BiasedMf model,
                       BiasedMf::Train(Events(20, 2, events), options));
  EXPECT_EQ(model.min_rating(), 1);
  EXPECT_EQ(model.max_rating(), 5);
  for (uint32_t u = 0; u < 20; ++u) {
    EXPECT_LE(model.Predict(u, 0), 5);
    EXPECT_GT(model.Predict(u, 0), 4.5);
    EXPECT_GE(model.Predict(u, 1), 1);
    EXPECT_LT(model.Predict(u, 1), 1.5);
  }
}

TEST(BiasedMfTest, LatestRatingReplacesEarlierOnes) {
  const Interactions data =
      Events(2, 2,
             {Rating(0, 0, 5, 200), Rating(0, 0, 1, 100), Rating(1, 1, 2, 0),
              Rating(1, 1, 4, 0), View(1, 0)});
  const MfRatingSplit split = SplitMfRatings(data, 0, 1);
  ASSERT_EQ(split.train.size(), 2u);
  EXPECT_TRUE(split.validation.empty());
  EXPECT_EQ(split.train[0].rating, 5);  // The newest.
  EXPECT_EQ(split.train[1].rating, 4);  // Same time: the last recorded.
}

TEST(BiasedMfTest, ValidationSplitKeepsOneTrainingRating) {
  const Interactions data = Events(1, 2, {Rating(0, 0, 5), Rating(0, 1, 3)});
  const MfRatingSplit split = SplitMfRatings(data, 0.5, 1);
  EXPECT_EQ(split.train.size(), 1u);
  EXPECT_EQ(split.validation.size(), 1u);
  const MfRatingSplit tiny =
      SplitMfRatings(Events(1, 1, {Rating(0, 0, 5)}), 0.5, 1);
  EXPECT_EQ(tiny.train.size(), 1u);
  EXPECT_TRUE(tiny.validation.empty());
}

TEST(BiasedMfTest, FailsWithoutRatings) {
  EXPECT_THAT(
      BiasedMf::Train(Events(2, 2, {View(0, 1)}), BiasedMfOptions{}),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no rating")));
}

TEST(BiasedMfTest, RejectsOutOfRangeIds) {
  EXPECT_THAT(
      BiasedMf::Train(Events(2, 2, {Rating(0, 5, 3)}), BiasedMfOptions{}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("events[0].item")));
}

TEST(BiasedMfTest, RejectsBadOptions) {
  struct Case {
    const char* field;
    void (*set)(BiasedMfOptions&);
  };
  const Case cases[] = {
      {"num_factors", [](BiasedMfOptions& o) { o.num_factors = 0; }},
      {"num_factors", [](BiasedMfOptions& o) { o.num_factors = 2000; }},
      {"learning_rate", [](BiasedMfOptions& o) { o.learning_rate = 0; }},
      {"learning_rate", [](BiasedMfOptions& o) { o.learning_rate = 2; }},
      {"learning_rate_decay",
       [](BiasedMfOptions& o) { o.learning_rate_decay = 0; }},
      {"learning_rate_decay",
       [](BiasedMfOptions& o) { o.learning_rate_decay = 1.5; }},
      {"lambda_bias", [](BiasedMfOptions& o) { o.lambda_bias = -1; }},
      {"lambda_factor",
       [](BiasedMfOptions& o) {
         o.lambda_factor = std::numeric_limits<double>::quiet_NaN();
       }},
      {"lambda_implicit", [](BiasedMfOptions& o) { o.lambda_implicit = 101; }},
      {"max_epochs", [](BiasedMfOptions& o) { o.max_epochs = 0; }},
      {"validation_fraction",
       [](BiasedMfOptions& o) { o.validation_fraction = 0.6; }},
      {"patience", [](BiasedMfOptions& o) { o.patience = 0; }},
      {"init_stddev", [](BiasedMfOptions& o) { o.init_stddev = -0.1; }},
  };
  const Interactions data = Events(1, 1, {Rating(0, 0, 3)});
  for (const Case& c : cases) {
    BiasedMfOptions options;
    c.set(options);
    EXPECT_THAT(BiasedMf::Train(data, options),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(std::string(c.field) + ":")))
        << c.field;
  }
}

TEST(BiasedMfTest, DivergenceIsReportedAgainstLearningRate) {
  const Planted planted = PlantLowRank(30, 20, 2, 0.1, 0.5, 0, 5);
  BiasedMfOptions options;
  options.learning_rate = 1;
  options.learning_rate_decay = 1;
  options.init_stddev = 1;
  options.lambda_factor = 0;
  options.lambda_bias = 0;
  options.max_epochs = 100;
  EXPECT_THAT(BiasedMf::Train(planted.train, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("learning_rate: SGD diverged")));
}

// Users 0-199 rate ~40% of items and view their 20 favourites; users 200-249
// have views of their 20 favourites only. Without biases their ratings are
// their taste, which SVD++'s implicit term reads from what they viewed while
// plain MF, with no rating of theirs, falls back to mu + b_i.
TEST(BiasedMfTest, ImplicitFeedbackPredictsUsersWithoutRatings) {
  constexpr uint32_t kUsers = 250, kWarm = 200, kItems = 100;
  const Planted planted =
      PlantLowRank(kUsers, kItems, 2, 0.1, 0.4, 0, 13, /*bias_sd=*/0);
  Interactions train = Events(kUsers, kItems, {});
  Interactions cold_test = Events(kUsers, kItems, {});
  for (const Interaction& e : planted.train.events) {
    (e.user < kWarm ? train : cold_test).events.push_back(e);
  }
  for (uint32_t user = 0; user < kUsers; ++user) {
    std::vector<uint32_t> items(kItems);
    std::iota(items.begin(), items.end(), 0u);
    std::partial_sort(items.begin(), items.begin() + 20, items.end(),
                      [&](uint32_t a, uint32_t b) {
                        return planted.low_rank(user, a) >
                               planted.low_rank(user, b);
                      });
    for (int j = 0; j < 20; ++j) train.events.push_back(View(user, items[j]));
  }
  BiasedMfOptions options;
  options.num_factors = 8;
  options.lambda_bias = 0.01;
  options.lambda_factor = 0.01;
  options.lambda_implicit = 0.003;
  options.learning_rate = 0.03;
  options.learning_rate_decay = 0.98;
  options.max_epochs = 200;
  ASSERT_OK_AND_ASSIGN(BiasedMf plain, BiasedMf::Train(train, options));
  options.implicit_feedback = true;
  ASSERT_OK_AND_ASSIGN(BiasedMf svdpp, BiasedMf::Train(train, options));
  EXPECT_FALSE(plain.has_implicit_feedback());
  ASSERT_TRUE(svdpp.has_implicit_feedback());
  const double plain_rmse = Rmse(plain, cold_test);
  const double svdpp_rmse = Rmse(svdpp, cold_test);
  EXPECT_LT(svdpp_rmse, 0.8 * plain_rmse)
      << "plain " << plain_rmse << ", svd++ " << svdpp_rmse;

  // Folding in a cold user from their views alone gives the trained user
  // vector: no rating, so bias 0 and the implicit term.
  std::vector<uint32_t> viewed;
  for (const Interaction& e : train.events) {
    if (e.user == kWarm) viewed.push_back(e.item);
  }
  ASSERT_OK_AND_ASSIGN(MfUserParams folded, svdpp.FoldInUser({}, viewed));
  EXPECT_EQ(folded.bias, 0);
  EXPECT_LT((folded.factors.transpose() - svdpp.user_factors().row(kWarm))
                .cwiseAbs()
                .maxCoeff(),
            1e-5);
}

TEST(BiasedMfTest, ProtoRoundTripIsBitExact) {
  const Planted planted = PlantLowRank(30, 20, 2, 0.1, 0.5, 0, 5);
  for (bool implicit : {false, true}) {
    BiasedMfOptions options;
    options.max_epochs = 5;
    options.implicit_feedback = implicit;
    Interactions data = planted.train;
    data.events.push_back(View(3, 7));
    ASSERT_OK_AND_ASSIGN(BiasedMf model, BiasedMf::Train(data, options));
    const model::v1::BiasedMfModel proto = model.ToProto();
    ASSERT_OK_AND_ASSIGN(BiasedMf loaded, BiasedMf::FromProto(proto));
    EXPECT_EQ(loaded.ToProto().SerializeAsString(), proto.SerializeAsString());
    EXPECT_EQ(loaded.user_factors(), model.user_factors());
    EXPECT_EQ(loaded.item_factors(), model.item_factors());
    EXPECT_EQ(loaded.implicit_factors(), model.implicit_factors());
    EXPECT_EQ(loaded.has_implicit_feedback(), implicit);
    EXPECT_EQ(loaded.report().epochs_run, model.report().epochs_run);
    EXPECT_EQ(loaded.report().validation_rmse, model.report().validation_rmse);
    for (uint32_t u = 0; u < 30; ++u) {
      for (uint32_t i = 0; i < 20; ++i) {
        EXPECT_EQ(loaded.Predict(u, i), model.Predict(u, i));
      }
    }
  }
}

TEST(BiasedMfTest, CorruptProtoIsDataLoss) {
  struct Case {
    const char* what;
    void (*corrupt)(model::v1::BiasedMfModel&);
  };
  const Case cases[] = {
      {"format_version",
       [](model::v1::BiasedMfModel& p) { p.set_format_version(2); }},
      {"rating range",
       [](model::v1::BiasedMfModel& p) { p.set_min_rating(9); }},
      {"lambda", [](model::v1::BiasedMfModel& p) { p.set_lambda_bias(-1); }},
      {"bias",
       [](model::v1::BiasedMfModel& p) {
         p.set_item_bias(1, std::numeric_limits<float>::infinity());
       }},
      {"item_factors",
       [](model::v1::BiasedMfModel& p) {
         p.mutable_item_factors()->mutable_values()->RemoveLast();
       }},
      {"item_factors",
       [](model::v1::BiasedMfModel& p) {
         p.mutable_item_factors()->set_values(
             0, std::numeric_limits<float>::quiet_NaN());
       }},
      {"bias sizes", [](model::v1::BiasedMfModel& p) { p.add_user_bias(0); }},
      {"columns",
       [](model::v1::BiasedMfModel& p) {
         p.mutable_user_factors()->set_cols(0);
         p.mutable_user_factors()->clear_values();
       }},
      {"implicit_factors",
       [](model::v1::BiasedMfModel& p) {
         p.mutable_implicit_factors()->set_rows(1);
         p.mutable_implicit_factors()->set_cols(1);
         p.mutable_implicit_factors()->add_values(0);
       }},
  };
  for (const Case& c : cases) {
    model::v1::BiasedMfModel proto = TwoItemModel();
    ASSERT_OK(BiasedMf::FromProto(proto).status());
    c.corrupt(proto);
    EXPECT_THAT(BiasedMf::FromProto(proto),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("biased mf")))
        << c.what;
  }
}

}  // namespace
}  // namespace shopml::core
