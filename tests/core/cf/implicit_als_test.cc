#include "core/cf/implicit_als.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "Eigen/Dense"
#include "core/cf/implicit_als_options.h"
#include "core/cf/implicit_als_trainer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Interaction Event(uint32_t user, uint32_t item, EventType type,
                  float rating = 0) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.type = type;
  e.rating = rating;
  return e;
}

constexpr EventType kView = EventType::kView;
constexpr EventType kCart = EventType::kAddToCart;
constexpr EventType kBuy = EventType::kPurchase;
constexpr EventType kRate = EventType::kRating;

// 6 users x 5 items. kTinyWeights is w_ui under the default weights (view 1,
// cart 3, purchase 8, rating >= 4 as a purchase, a lower one 0), written out
// by hand from the events.
Interactions TinyData() {
  Interactions data;
  data.num_users = 6;
  data.num_items = 5;
  data.events = {
      Event(0, 0, kView),    Event(0, 0, kView),    Event(0, 2, kBuy),
      Event(0, 4, kRate, 5), Event(1, 1, kView),    Event(1, 1, kCart),
      Event(1, 1, kBuy),     Event(1, 3, kRate, 2), Event(2, 0, kCart),
      Event(2, 3, kView),    Event(2, 4, kView),    Event(3, 2, kBuy),
      Event(3, 2, kBuy),     Event(3, 4, kCart),    Event(4, 1, kView),
      Event(4, 0, kRate, 4), Event(5, 3, kCart),    Event(5, 3, kView),
      Event(5, 2, kView),    Event(2, 0, kView),
  };
  return data;
}
constexpr double kTinyWeights[6][5] = {
    {2, 0, 8, 0, 8},   // Two views; a purchase; a rating of 5.
    {0, 12, 0, 0, 0},  // View + cart + purchase; a rating of 2 counts 0.
    {4, 0, 0, 1, 1},   // Cart + view (the view comes last in the log).
    {0, 0, 16, 0, 3},  // Two purchases; a cart.
    {8, 1, 0, 0, 0},   // A rating of 4 (the threshold) counts as a purchase.
    {0, 0, 1, 4, 0},
};

ImplicitAlsOptions ExactOptions(int factors) {
  ImplicitAlsOptions options;
  options.factors = factors;
  options.solver = AlsSolver::kCholesky;
  options.alpha = 0.5;
  options.regularization = 0.3;
  options.threads = 1;
  options.seed = 7;
  return options;
}

double ExpectedConfidence(const ImplicitAlsOptions& options, double w) {
  return options.scaling == AlsConfidenceScaling::kLog
             ? 1 + options.alpha * std::log(1 + w / options.log_epsilon)
             : 1 + options.alpha * w;
}

// The dense closed form of one row: (F^T C F + lambda I)^{-1} F^T C p over
// all columns, with c and p from row `weights` (n entries, 0 = unobserved).
Eigen::VectorXd DenseSolve(const Eigen::MatrixXd& f, const double* weights,
                           const ImplicitAlsOptions& options) {
  const Eigen::Index n = f.rows();
  Eigen::VectorXd c(n), p(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    p(j) = weights[j] > 0 ? 1 : 0;
    c(j) = weights[j] > 0 ? ExpectedConfidence(options, weights[j]) : 1;
  }
  const Eigen::MatrixXd a =
      f.transpose() * c.asDiagonal() * f +
      options.regularization * Eigen::MatrixXd::Identity(f.cols(), f.cols());
  return a.llt().solve(f.transpose() * c.cwiseProduct(p));
}

// Random events: each user touches `per_user` random items, each pair with
// 1-3 random events.
Interactions RandomData(uint32_t num_users, uint32_t num_items, int per_user,
                        uint64_t seed) {
  std::mt19937_64 rng(seed);
  Interactions data;
  data.num_users = num_users;
  data.num_items = num_items;
  const EventType types[] = {kView, kView, kView, kCart, kBuy, kRate};
  for (uint32_t u = 0; u < num_users; ++u) {
    for (int k = 0; k < per_user; ++k) {
      const uint32_t item = static_cast<uint32_t>(rng() % num_items);
      const int events = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < events; ++e) {
        data.events.push_back(Event(u, item, types[rng() % 6],
                                    static_cast<float>(rng() % 5 + 1)));
      }
    }
  }
  return data;
}

double MaxAbsDiff(const RowMatrixXf& a, const RowMatrixXf& b) {
  return (a - b).cwiseAbs().maxCoeff();
}

std::vector<Interaction> EventsOfUser(const Interactions& data, uint32_t u) {
  std::vector<Interaction> out;
  for (const Interaction& e : data.events) {
    if (e.user == u) out.push_back(e);
  }
  return out;
}

TEST(ImplicitAlsWeightsTest, SumsEventWeightsPerItem) {
  const Interactions data = TinyData();
  const ImplicitAlsOptions options;
  for (uint32_t u = 0; u < data.num_users; ++u) {
    const std::vector<ItemWeight> pairs =
        AlsItemWeights(EventsOfUser(data, u), options);
    std::vector<double> row(data.num_items, 0);
    for (const ItemWeight& p : pairs) row[p.item] = p.weight;
    for (uint32_t i = 0; i < data.num_items; ++i) {
      EXPECT_EQ(row[i], kTinyWeights[u][i]) << "user " << u << " item " << i;
    }
  }
}

TEST(ImplicitAlsWeightsTest, LogScalingCompressesLargeWeights) {
  ImplicitAlsOptions options;
  options.scaling = AlsConfidenceScaling::kLog;
  options.alpha = 2;
  options.log_epsilon = 0.5;
  EXPECT_FLOAT_EQ(AlsConfidence(options, 0), 1);
  EXPECT_FLOAT_EQ(AlsConfidence(options, 8), 1 + 2 * std::log(17.0));
  options.scaling = AlsConfidenceScaling::kLinear;
  EXPECT_FLOAT_EQ(AlsConfidence(options, 8), 17);
}

// Known answer 1: one half-step with exact solves is the dense closed form of
// every row, for the user step and the item step, linear and log confidence.
TEST(ImplicitAlsTest, OneExactStepEqualsDenseClosedForm) {
  for (AlsConfidenceScaling scaling :
       {AlsConfidenceScaling::kLinear, AlsConfidenceScaling::kLog}) {
    SCOPED_TRACE(scaling == AlsConfidenceScaling::kLog ? "log" : "linear");
    ImplicitAlsOptions options = ExactOptions(2);
    options.scaling = scaling;
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<ImplicitAlsTrainer> trainer,
                         ImplicitAlsTrainer::Create(TinyData(), options));
    const Eigen::MatrixXd y0 = trainer->item_factors().cast<double>();
    ASSERT_OK(trainer->SolveUsers());
    for (int u = 0; u < 6; ++u) {
      const Eigen::VectorXd expected = DenseSolve(y0, kTinyWeights[u], options);
      for (int k = 0; k < 2; ++k) {
        EXPECT_NEAR(trainer->user_factors()(u, k), expected(k),
                    1e-5 * (1 + std::abs(expected(k))))
            << "user " << u;
      }
    }

    const Eigen::MatrixXd x1 = trainer->user_factors().cast<double>();
    ASSERT_OK(trainer->SolveItems());
    for (int i = 0; i < 5; ++i) {
      double column[6];
      for (int u = 0; u < 6; ++u) column[u] = kTinyWeights[u][i];
      const Eigen::VectorXd expected = DenseSolve(x1, column, options);
      for (int k = 0; k < 2; ++k) {
        EXPECT_NEAR(trainer->item_factors()(i, k), expected(k),
                    1e-5 * (1 + std::abs(expected(k))))
            << "item " << i;
      }
    }
  }
}

// The YtY-trick objective against the definition summed over every pair.
TEST(ImplicitAlsTest, ObjectiveMatchesDenseSum) {
  const ImplicitAlsOptions options = ExactOptions(2);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ImplicitAlsTrainer> trainer,
                       ImplicitAlsTrainer::Create(TinyData(), options));
  ASSERT_OK(trainer->Iterate());
  const Eigen::MatrixXd x = trainer->user_factors().cast<double>();
  const Eigen::MatrixXd y = trainer->item_factors().cast<double>();
  double expected =
      options.regularization * (x.squaredNorm() + y.squaredNorm());
  for (int u = 0; u < 6; ++u) {
    for (int i = 0; i < 5; ++i) {
      const double w = kTinyWeights[u][i];
      const double p = w > 0 ? 1 : 0;
      const double c = w > 0 ? ExpectedConfidence(options, w) : 1;
      const double e = p - x.row(u).dot(y.row(i));
      expected += c * e * e;
    }
  }
  ASSERT_OK_AND_ASSIGN(const double objective, trainer->Objective());
  EXPECT_NEAR(objective, expected, 1e-7 * expected);
  ASSERT_OK_AND_ASSIGN(ImplicitAls model, std::move(*trainer).TakeModel());
  ASSERT_OK_AND_ASSIGN(const double from_model, model.Objective(TinyData()));
  EXPECT_EQ(from_model, objective);
}

// Known answer 2: exact half-steps are minimisations, so the objective never
// rises (up to float rounding of the solves).
TEST(ImplicitAlsTest, ObjectiveNeverIncreasesWithExactSolves) {
  const Interactions data = RandomData(80, 60, 8, 1);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ImplicitAlsTrainer> trainer,
                       ImplicitAlsTrainer::Create(data, ExactOptions(6)));
  ASSERT_OK_AND_ASSIGN(const double initial, trainer->Objective());
  double previous = initial;
  for (int half_step = 0; half_step < 30; ++half_step) {
    ASSERT_OK(half_step % 2 == 0 ? trainer->SolveUsers()
                                 : trainer->SolveItems());
    ASSERT_OK_AND_ASSIGN(const double objective, trainer->Objective());
    EXPECT_LE(objective, previous * (1 + 1e-6)) << "half-step " << half_step;
    previous = objective;
  }
  EXPECT_LT(previous, 0.5 * initial);
}

// A half-step of d CG steps solves the d x d system exactly (in exact
// arithmetic), so it matches the Cholesky half-step from the same start (two
// exact iterations in, where the factors have their trained scale), up to
// float rounding (measured: 5e-5 of the largest entry). The item
// rows (about 330 users each) are longer than one gathered block of the
// solvers (RowScratch::kGatherRows), the user rows shorter.
TEST(ImplicitAlsTest, CgWithDStepsEqualsCholeskyStep) {
  const Interactions data = RandomData(600, 30, 25, 2);
  ImplicitAlsOptions exact = ExactOptions(6);
  ImplicitAlsOptions cg = exact;
  cg.solver = AlsSolver::kConjugateGradient;
  cg.cg_steps = 6;
  ASSERT_OK_AND_ASSIGN(auto exact_trainer,
                       ImplicitAlsTrainer::Create(data, exact));
  ASSERT_OK_AND_ASSIGN(auto cg_trainer, ImplicitAlsTrainer::Create(data, cg));
  for (int it = 0; it < 2; ++it) ASSERT_OK(exact_trainer->Iterate());
  cg_trainer->mutable_user_factors() = exact_trainer->user_factors();
  cg_trainer->mutable_item_factors() = exact_trainer->item_factors();
  ASSERT_OK(exact_trainer->SolveUsers());
  ASSERT_OK(cg_trainer->SolveUsers());
  const RowMatrixXf& x = exact_trainer->user_factors();
  EXPECT_LT(MaxAbsDiff(cg_trainer->user_factors(), x),
            1e-3 * x.cwiseAbs().maxCoeff());
  ASSERT_OK(exact_trainer->SolveItems());
  ASSERT_OK(cg_trainer->SolveItems());
  const RowMatrixXf& y = exact_trainer->item_factors();
  EXPECT_LT(MaxAbsDiff(cg_trainer->item_factors(), y),
            1e-3 * y.cwiseAbs().maxCoeff());
}

// Known answer 2b: warm-started CG with 3 steps a row ends within 0.2 % of
// the exact-solve objective (measured: 0.015 %).
TEST(ImplicitAlsTest, ThreeStepCgGetsCloseToExactObjective) {
  const Interactions data = RandomData(300, 200, 12, 3);
  ImplicitAlsOptions exact = ExactOptions(8);
  exact.iterations = 15;
  ImplicitAlsOptions cg = exact;
  cg.solver = AlsSolver::kConjugateGradient;
  cg.cg_steps = 3;
  ASSERT_OK_AND_ASSIGN(ImplicitAls exact_model,
                       ImplicitAls::Train(data, exact));
  ASSERT_OK_AND_ASSIGN(ImplicitAls cg_model, ImplicitAls::Train(data, cg));
  ASSERT_OK_AND_ASSIGN(const double exact_objective,
                       exact_model.Objective(data));
  ASSERT_OK_AND_ASSIGN(const double cg_objective, cg_model.Objective(data));
  EXPECT_NEAR(cg_objective, exact_objective, 2e-3 * exact_objective);
}

// Known answer 3: Train ends with a user solve against the final items, so
// folding in a user's training events reproduces the stored vector; likewise
// for items after an item solve.
TEST(ImplicitAlsTest, FoldInMatchesFullSolve) {
  const Interactions data = RandomData(50, 40, 6, 4);
  ImplicitAlsOptions options = ExactOptions(5);
  options.iterations = 4;
  ASSERT_OK_AND_ASSIGN(ImplicitAls model, ImplicitAls::Train(data, options));
  for (uint32_t u = 0; u < data.num_users; ++u) {
    ASSERT_OK_AND_ASSIGN(
        Eigen::VectorXf x,
        model.FoldInUser(AlsItemWeights(EventsOfUser(data, u), options)));
    EXPECT_LT((x.transpose() - model.user_factors().row(u)).norm(), 1e-6)
        << "user " << u;
  }

  ASSERT_OK_AND_ASSIGN(auto trainer, ImplicitAlsTrainer::Create(data, options));
  for (int it = 0; it < 4; ++it) ASSERT_OK(trainer->Iterate());
  ASSERT_OK_AND_ASSIGN(ImplicitAls items_last, std::move(*trainer).TakeModel());
  for (uint32_t i = 0; i < data.num_items; ++i) {
    std::vector<Interaction> events;
    for (const Interaction& e : data.events) {
      if (e.item == i) events.push_back(e);
    }
    ASSERT_OK_AND_ASSIGN(
        Eigen::VectorXf y,
        items_last.FoldInItem(AlsUserWeights(events, options)));
    EXPECT_LT((y.transpose() - items_last.item_factors().row(i)).norm(), 1e-6)
        << "item " << i;
  }
}

TEST(ImplicitAlsTest, FoldInSumsRepeatedItemsAndSkipsZeroWeights) {
  ASSERT_OK_AND_ASSIGN(ImplicitAls model,
                       ImplicitAls::Train(TinyData(), ExactOptions(2)));
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXf merged,
                       model.FoldInUser({{3, 1}, {1, 2}, {3, 4}, {0, 0}}));
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXf direct,
                       model.FoldInUser({{1, 2}, {3, 5}}));
  EXPECT_LT((merged - direct).norm(), 1e-6);
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXf empty, model.FoldInUser({}));
  EXPECT_EQ(empty, Eigen::VectorXf::Zero(2));
}

TEST(ImplicitAlsTest, FoldInRejectsUnknownIdsAndBadWeights) {
  ASSERT_OK_AND_ASSIGN(ImplicitAls model,
                       ImplicitAls::Train(TinyData(), ExactOptions(2)));
  EXPECT_THAT(model.FoldInUser({{0, 1}, {5, 1}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("interactions[1].item: 5")));
  EXPECT_THAT(model.FoldInUser({{0, -1}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("interactions[0].weight")));
  EXPECT_THAT(model.FoldInUser({{0, std::numeric_limits<float>::quiet_NaN()}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("interactions[0].weight")));
  EXPECT_THAT(model.FoldInItem({{6, 1}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("interactions[0].user: 6")));
}

// Known answer 4: planted blocks. Users of segment s interact only with items
// of block s; the top 10 items of nearly every user must come from its block.
TEST(ImplicitAlsTest, RecoversPlantedSegments) {
  constexpr uint32_t kSegments = 4;
  constexpr uint32_t kUsersPerSegment = 60;
  constexpr uint32_t kItemsPerBlock = 50;
  std::mt19937_64 rng(5);
  Interactions data;
  data.num_users = kSegments * kUsersPerSegment;
  data.num_items = kSegments * kItemsPerBlock;
  const EventType types[] = {kView, kView, kView, kCart, kBuy};
  for (uint32_t u = 0; u < data.num_users; ++u) {
    const uint32_t block = u % kSegments;
    for (int k = 0; k < 12; ++k) {
      const uint32_t item = block * kItemsPerBlock +
                            static_cast<uint32_t>(rng() % kItemsPerBlock);
      data.events.push_back(Event(u, item, types[rng() % 5]));
    }
  }
  ImplicitAlsOptions options;
  options.factors = 8;
  options.threads = 2;
  ASSERT_OK_AND_ASSIGN(ImplicitAls model, ImplicitAls::Train(data, options));

  int users_in_block = 0;
  for (uint32_t u = 0; u < data.num_users; ++u) {
    std::vector<uint32_t> items(data.num_items);
    std::iota(items.begin(), items.end(), 0);
    std::partial_sort(items.begin(), items.begin() + 10, items.end(),
                      [&](uint32_t a, uint32_t b) {
                        return model.Score(u, a) > model.Score(u, b);
                      });
    const uint32_t block = u % kSegments;
    users_in_block +=
        std::all_of(items.begin(), items.begin() + 10,
                    [&](uint32_t i) { return i / kItemsPerBlock == block; });
  }
  EXPECT_GT(users_in_block, 0.9 * data.num_users);
}

TEST(ImplicitAlsTest, UsersAndItemsWithoutEventsGetZeroVectors) {
  Interactions data = TinyData();
  data.num_users = 8;
  data.num_items = 7;
  ASSERT_OK_AND_ASSIGN(ImplicitAls model,
                       ImplicitAls::Train(data, ImplicitAlsOptions{}));
  EXPECT_EQ(model.user_factors().rows(), 8);
  EXPECT_EQ(model.item_factors().rows(), 7);
  EXPECT_EQ(model.user_factors().cols(), 64);
  EXPECT_TRUE(model.user_factors().row(7).isZero());
  EXPECT_TRUE(model.item_factors().row(6).isZero());
  EXPECT_EQ(model.Score(0, 7), 0);
  EXPECT_EQ(model.Score(8, 0), 0);
  EXPECT_NE(model.Score(0, 2), 0);
}

// Known answer 6: rows are independent, so the thread count changes nothing,
// bit for bit, with either solver.
TEST(ImplicitAlsTest, ThreadCountDoesNotChangeResult) {
  const Interactions data = RandomData(1500, 400, 10, 6);
  for (AlsSolver solver :
       {AlsSolver::kConjugateGradient, AlsSolver::kCholesky}) {
    ImplicitAlsOptions options;
    options.factors = 16;
    options.iterations = 3;
    options.solver = solver;
    options.threads = 1;
    ASSERT_OK_AND_ASSIGN(ImplicitAls one, ImplicitAls::Train(data, options));
    options.threads = 4;
    ASSERT_OK_AND_ASSIGN(ImplicitAls four, ImplicitAls::Train(data, options));
    EXPECT_EQ(one.user_factors(), four.user_factors());
    EXPECT_EQ(one.item_factors(), four.item_factors());
  }
}

TEST(ImplicitAlsTest, SameSeedSameModelOtherSeedOtherModel) {
  const Interactions data = RandomData(100, 50, 5, 7);
  ImplicitAlsOptions options;
  options.factors = 4;
  options.iterations = 2;
  ASSERT_OK_AND_ASSIGN(ImplicitAls a, ImplicitAls::Train(data, options));
  ASSERT_OK_AND_ASSIGN(ImplicitAls b, ImplicitAls::Train(data, options));
  options.seed = 8;
  ASSERT_OK_AND_ASSIGN(ImplicitAls c, ImplicitAls::Train(data, options));
  EXPECT_EQ(a.item_factors(), b.item_factors());
  EXPECT_NE(a.item_factors(), c.item_factors());
}

// Known answer 5: serialisation.
TEST(ImplicitAlsProtoTest, RoundTripIsBitExact) {
  ImplicitAlsOptions options = ExactOptions(3);
  options.scaling = AlsConfidenceScaling::kLog;
  options.iterations = 3;
  options.seed = 1234567890123ull;
  ASSERT_OK_AND_ASSIGN(ImplicitAls model,
                       ImplicitAls::Train(TinyData(), options));
  std::string bytes;
  ASSERT_TRUE(model.ToProto().SerializeToString(&bytes));
  model::v1::ImplicitAlsModel parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  ASSERT_OK_AND_ASSIGN(ImplicitAls loaded, ImplicitAls::FromProto(parsed));

  ASSERT_EQ(loaded.user_factors().rows(), model.user_factors().rows());
  ASSERT_EQ(loaded.item_factors().rows(), model.item_factors().rows());
  EXPECT_EQ(
      std::memcmp(loaded.user_factors().data(), model.user_factors().data(),
                  sizeof(float) * model.user_factors().size()),
      0);
  EXPECT_EQ(
      std::memcmp(loaded.item_factors().data(), model.item_factors().data(),
                  sizeof(float) * model.item_factors().size()),
      0);
  EXPECT_EQ(loaded.options().scaling, AlsConfidenceScaling::kLog);
  EXPECT_EQ(loaded.options().solver, AlsSolver::kCholesky);
  EXPECT_EQ(loaded.options().seed, options.seed);
  EXPECT_EQ(loaded.options().alpha, options.alpha);
  EXPECT_EQ(loaded.options().regularization, options.regularization);
  EXPECT_EQ(loaded.dim(), 3);
  // The fold-in state (Gram matrices) is rebuilt identically.
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXf a, model.FoldInUser({{1, 3}, {4, 8}}));
  ASSERT_OK_AND_ASSIGN(Eigen::VectorXf b, loaded.FoldInUser({{1, 3}, {4, 8}}));
  EXPECT_EQ(a, b);
}

TEST(ImplicitAlsProtoTest, RejectsCorruptMessages) {
  ASSERT_OK_AND_ASSIGN(ImplicitAls model,
                       ImplicitAls::Train(TinyData(), ExactOptions(2)));
  const model::v1::ImplicitAlsModel good = model.ToProto();
  const float kNaN = std::numeric_limits<float>::quiet_NaN();
  const float kInf = std::numeric_limits<float>::infinity();
  struct Case {
    const char* name;
    std::function<void(model::v1::ImplicitAlsModel&)> corrupt;
    const char* message;
  };
  const Case cases[] = {
      {"version", [](auto& p) { p.set_format_version(2); }, "format_version"},
      {"no version", [](auto& p) { p.clear_format_version(); },
       "format_version"},
      {"rows", [](auto& p) { p.mutable_user_factors()->set_rows(7); },
       "user_factors.values: size 12, expected rows * cols = 14"},
      {"truncated",
       [](auto& p) {
         p.mutable_item_factors()->mutable_values()->RemoveLast();
       },
       "item_factors.values"},
      {"cols", [](auto& p) { p.mutable_item_factors()->set_cols(3); },
       "item_factors.cols"},
      {"huge rows",
       [](auto& p) { p.mutable_user_factors()->set_rows(0xFFFFFFFFu); },
       "user_factors.values"},
      {"NaN", [&](auto& p) { p.mutable_user_factors()->set_values(3, kNaN); },
       "user_factors.values[3]: not finite"},
      {"Inf", [&](auto& p) { p.mutable_item_factors()->set_values(0, kInf); },
       "item_factors.values[0]: not finite"},
      {"factors", [](auto& p) { p.mutable_options()->set_factors(0); },
       "options.factors"},
      {"lambda", [](auto& p) { p.mutable_options()->set_regularization(-1); },
       "options.regularization"},
      {"solver", [](auto& p) { p.mutable_options()->clear_solver(); },
       "options.solver"},
      {"scaling", [](auto& p) { p.mutable_options()->clear_scaling(); },
       "options.scaling"},
      {"no options", [](auto& p) { p.clear_options(); }, "options."},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    model::v1::ImplicitAlsModel proto = good;
    c.corrupt(proto);
    EXPECT_THAT(ImplicitAls::FromProto(proto),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr(c.message)));
  }
  EXPECT_OK(ImplicitAls::FromProto(good));
}

TEST(ImplicitAlsOptionsTest, RejectsBadOptionsNamingTheField) {
  struct Case {
    std::function<void(ImplicitAlsOptions&)> set;
    const char* field;
  };
  const double kNaN = std::numeric_limits<double>::quiet_NaN();
  const Case cases[] = {
      {[](auto& o) { o.factors = 0; }, "factors: "},
      {[](auto& o) { o.factors = 1025; }, "factors: "},
      {[](auto& o) { o.regularization = 0; }, "regularization: "},
      {[&](auto& o) { o.regularization = kNaN; }, "regularization: "},
      {[](auto& o) { o.iterations = -1; }, "iterations: "},
      {[](auto& o) { o.scaling = static_cast<AlsConfidenceScaling>(7); },
       "scaling: "},
      {[](auto& o) { o.alpha = -1; }, "alpha: "},
      {[](auto& o) { o.log_epsilon = 0; }, "log_epsilon: "},
      {[](auto& o) { o.view_weight = -1; }, "view_weight: "},
      {[&](auto& o) { o.cart_weight = kNaN; }, "cart_weight: "},
      {[](auto& o) { o.purchase_weight = 2e6; }, "purchase_weight: "},
      {[&](auto& o) { o.rating_threshold = kNaN; }, "rating_threshold: "},
      {[](auto& o) { o.low_rating_weight = -0.5; }, "low_rating_weight: "},
      {[](auto& o) { o.solver = static_cast<AlsSolver>(9); }, "solver: "},
      {[](auto& o) { o.cg_steps = 0; }, "cg_steps: "},
      {[](auto& o) { o.threads = -1; }, "threads: "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    ImplicitAlsOptions options;
    c.set(options);
    EXPECT_THAT(
        ImplicitAls::Train(TinyData(), options),
        StatusIs(absl::StatusCode::kInvalidArgument, StartsWith(c.field)));
  }
  EXPECT_OK(CheckImplicitAlsOptions(ImplicitAlsOptions{}));
}

TEST(ImplicitAlsTest, RejectsBadDataNamingTheField) {
  Interactions data = TinyData();
  data.events[3].item = 5;
  EXPECT_THAT(ImplicitAls::Train(data, ImplicitAlsOptions{}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("events[3].item")));
  ASSERT_OK_AND_ASSIGN(ImplicitAls model,
                       ImplicitAls::Train(TinyData(), ExactOptions(2)));
  data = TinyData();
  data.num_items = 6;
  EXPECT_THAT(
      model.Objective(data),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("data:")));
}

}  // namespace
}  // namespace shopml::core
