#include "server/trainer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/eval/recommendation_eval.h"
#include "core/eval/time_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::testing::StatusIs;
using ::shopml::testing::TempDir;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr int64_t kDay = int64_t{86400} * 1000000;
constexpr int64_t kStart = int64_t{1767225600} * 1000000;  // 2026-01-01.
constexpr int kUsers = 200;
constexpr int kItems = 40;

std::string ItemId(int i) { return absl::StrFormat("sku-%02d", i); }
std::string UserId(int u) { return absl::StrFormat("u-%03d", u); }

storage::EventInput Event(int user, int item, storage::EventKind kind,
                          int64_t time, double rating = 0) {
  storage::EventInput e;
  e.user_id = UserId(user);
  e.item_id = ItemId(item);
  e.kind = kind;
  e.time_micros = time;
  e.rating = rating;
  return e;
}

std::unique_ptr<storage::Store> OpenStore(const std::string& path) {
  storage::StoreOptions options;
  options.path = path;
  options.sync = storage::SyncMode::kNoSync;
  options.block_cache_bytes = 1 << 20;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::Store::Open(options);
  EXPECT_THAT(store, shopml::testing::IsOk());
  return store.ok() ? *std::move(store) : nullptr;
}

// A shop with planted structure: item i is chosen with probability
// proportional to 1/(i+1) (popularity), items with even ids convert a view
// into a purchase 60% of the time and odd ones 10% (conversion), and ratings
// are 3 + user bias + item bias + noise (bias baseline). Categories are
// "cat-a" .. "cat-d" by i % 4, so they separate even and odd items. sku-39 is
// out of stock; sku-38 has no item record.
void FillShop(storage::Store& store) {
  storage::WriteBatchInput catalog;
  for (int i = 0; i < kItems - 2; ++i) {
    store::v1::ItemRecord item;
    item.set_item_id(ItemId(i));
    item.set_category(std::string("cat-") + static_cast<char>('a' + i % 4));
    item.set_stock_status(1);
    catalog.items.push_back(item);
  }
  store::v1::ItemRecord sold_out;
  sold_out.set_item_id(ItemId(kItems - 1));
  sold_out.set_category("cat-d");
  sold_out.set_stock_status(2);
  catalog.items.push_back(sold_out);
  ASSERT_OK(store.Write(catalog).status());

  std::mt19937 rng(42);
  std::vector<double> weights;
  for (int i = 0; i < kItems; ++i) weights.push_back(1.0 / (i + 1));
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::uniform_real_distribution<double> unit(0, 1);
  std::normal_distribution<double> noise(0, 0.2);
  std::vector<double> item_bias(kItems);
  for (double& b : item_bias) b = unit(rng) * 2 - 1;
  storage::WriteBatchInput batch;
  for (int u = 0; u < kUsers; ++u) {
    const double user_bias = unit(rng) - 0.5;
    for (int k = 0; k < 6; ++k) {
      const int item = pick(rng);
      const int64_t t = kStart + static_cast<int64_t>(unit(rng) * 60 * kDay);
      batch.events.push_back(Event(u, item, storage::EventKind::kView, t));
      if (unit(rng) >= (item % 2 == 0 ? 0.6 : 0.1)) continue;
      batch.events.push_back(
          Event(u, item, storage::EventKind::kPurchase, t + 1000000));
      const double r =
          std::clamp(3 + user_bias + item_bias[item] + noise(rng), 1.0, 5.0);
      batch.events.push_back(
          Event(u, item, storage::EventKind::kRating, t + 2000000, r));
    }
    if (batch.events.size() > 500) {
      ASSERT_OK(store.Write(batch).status());
      batch.events.clear();
    }
  }
  ASSERT_OK(store.Write(batch).status());
}

class TrainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    store_ = OpenStore(dir_->Sub("store")).release();
    ASSERT_NE(store_, nullptr);
    FillShop(*store_);
  }
  static void TearDownTestSuite() {
    delete store_;
    delete dir_;
  }

  TrainerOptions Options(const std::string& version) const {
    TrainerOptions options;
    options.models_dir = models_.path();
    options.version = version;
    return options;
  }
  static const storage::Store& store() { return *store_; }

  TempDir models_;
  static TempDir* dir_;
  static storage::Store* store_;
};

TempDir* TrainerTest::dir_ = nullptr;
storage::Store* TrainerTest::store_ = nullptr;

double Metric(const core::ModelBundle& bundle, const std::string& model,
              const std::string& metric) {
  for (const model::v1::ModelInfo& info : bundle.manifest.models()) {
    if (info.name() != model) continue;
    auto it = info.metrics().find(metric);
    if (it != info.metrics().end()) return it->second;
    ADD_FAILURE() << model << " has no metric " << metric;
    return NAN;
  }
  ADD_FAILURE() << "no model " << model;
  return NAN;
}

TEST_F(TrainerTest, ReadTrainingDataMapsCatalogueAndEvents) {
  ASSERT_OK_AND_ASSIGN(core::Interactions data, ReadTrainingData(store()));
  EXPECT_EQ(data.num_users, static_cast<uint32_t>(kUsers));
  EXPECT_EQ(data.num_items, static_cast<uint32_t>(kItems));
  EXPECT_THAT(data.catalog.category_names,
              ElementsAre("cat-a", "cat-b", "cat-c", "cat-d"));
  ASSERT_OK_AND_ASSIGN(uint32_t sku01, store().FindItem(ItemId(1)));
  EXPECT_EQ(data.catalog.item_category[sku01], 1);
  ASSERT_OK_AND_ASSIGN(uint32_t sold_out, store().FindItem(ItemId(39)));
  EXPECT_FALSE(data.catalog.item_in_stock[sold_out]);
  EXPECT_EQ(data.catalog.item_category[sold_out], 3);
  ASSERT_OK_AND_ASSIGN(uint32_t no_record, store().FindItem(ItemId(38)));
  EXPECT_TRUE(data.catalog.item_in_stock[no_record]);
  EXPECT_EQ(data.catalog.item_category[no_record], core::Catalog::kNoCategory);
  int64_t newest = 0;
  for (const core::Interaction& e : data.events) {
    newest = std::max(newest, e.time_micros);
  }
  EXPECT_EQ(data.now_micros, newest);
}

TEST_F(TrainerTest, PublishedBundleLoadsWithManifest) {
  ASSERT_OK_AND_ASSIGN(std::string version,
                       TrainAndPublish(store(), Options("20260301T000000Z")));
  EXPECT_EQ(version, "20260301T000000Z");
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const core::ModelBundle> bundle,
                       core::ModelBundle::Load(models_.path(), version));
  const model::v1::Manifest& manifest = bundle->manifest;
  EXPECT_EQ(manifest.snapshot().num_users(), static_cast<uint32_t>(kUsers));
  EXPECT_EQ(manifest.snapshot().num_items(), static_cast<uint32_t>(kItems));
  EXPECT_GT(manifest.snapshot().num_ratings(), 0u);
  EXPECT_GT(manifest.snapshot().num_events(),
            manifest.snapshot().num_ratings());
  EXPECT_GT(manifest.trained_at(), kStart);
  std::vector<std::string> names;
  for (const model::v1::ModelInfo& info : manifest.models()) {
    names.push_back(info.name());
    EXPECT_FALSE(info.metrics().empty()) << info.name();
    // The purchase scorers validate on their own split of the views.
    const bool scorer =
        info.task() == "score_purchase" && info.name() != "conversion_rate";
    EXPECT_EQ(info.parameters().at(scorer ? "validation_fraction"
                                          : "holdout_fraction"),
              scorer ? "0.2" : "0.1");
  }
  EXPECT_THAT(names, ElementsAre("popularity", "cooccurrence", "bias_baseline",
                                 "conversion_rate", "implicit_als", "ease",
                                 "biased_mf", "user_knn", "gbdt",
                                 "random_forest", "mlp", "stacked"));
  EXPECT_TRUE(bundle->gbdt.has_value());
  EXPECT_TRUE(bundle->forest.has_value());
  EXPECT_TRUE(bundle->mlp.has_value());
  EXPECT_TRUE(bundle->stacked.has_value());
  ASSERT_TRUE(bundle->item_snapshot.has_value());
  EXPECT_EQ(bundle->item_snapshot->num_items(), static_cast<uint32_t>(kItems));
  EXPECT_THAT(manifest.default_purchase_model(),
              AnyOf("gbdt", "random_forest", "mlp", "stacked"));
  EXPECT_THAT(bundle->category_names,
              ElementsAre("cat-a", "cat-b", "cat-c", "cat-d"));
  EXPECT_TRUE(bundle->bias_baseline.has_value());
  EXPECT_EQ(bundle->popularity.num_items(), static_cast<uint32_t>(kItems));
  ASSERT_TRUE(bundle->implicit_als.has_value());
  ASSERT_TRUE(bundle->ease.has_value());
  ASSERT_TRUE(bundle->biased_mf.has_value());
  EXPECT_EQ(bundle->implicit_als->num_items(), static_cast<uint32_t>(kItems));
  EXPECT_EQ(bundle->ease->num_items(), static_cast<uint32_t>(kItems));
  EXPECT_FALSE(manifest.default_recommender().empty());
  EXPECT_FALSE(manifest.default_rating_model().empty());
}

// Expected HR@10 of ten items drawn at random from those a user has not
// bought: 1 - C(n - r, 10) / C(n, 10) for r relevant of n candidates.
double RandomHitRate(const core::Interactions& data) {
  const core::TimeSplit split = core::SplitByTime(data, 0.1).value();
  double sum = 0;
  int users = 0;
  for (const core::HeldOutUser& user :
       core::HeldOutPurchases(split.train, split.test)) {
    const double n = data.num_items - user.purchased_before.size();
    const double r = user.relevant.size();
    double miss = 1;
    for (int k = 0; k < 10; ++k) miss *= std::max(0.0, (n - r - k) / (n - k));
    sum += 1 - miss;
    ++users;
  }
  return sum / users;
}

TEST_F(TrainerTest, PopularityBeatsRandomRecommendations) {
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle,
                       TrainBundle(store(), Options("v1")));
  ASSERT_OK_AND_ASSIGN(core::Interactions data, ReadTrainingData(store()));
  const double random = RandomHitRate(data);
  const double popularity = Metric(bundle, "popularity", "hr_at_10");
  EXPECT_GT(popularity, 1.5 * random) << "random " << random;
  EXPECT_GT(Metric(bundle, "popularity", "ndcg_at_10"), 0);
  EXPECT_GT(Metric(bundle, "popularity", "eval_users"), 10);
}

TEST_F(TrainerTest, BiasBaselineBeatsGlobalMean) {
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle,
                       TrainBundle(store(), Options("v1")));
  EXPECT_LT(Metric(bundle, "bias_baseline", "rmse"),
            Metric(bundle, "bias_baseline", "global_mean_rmse"));
  EXPECT_LT(Metric(bundle, "bias_baseline", "mae"),
            Metric(bundle, "bias_baseline", "global_mean_mae"));
}

TEST_F(TrainerTest, ConversionRateBeatsShopRate) {
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle,
                       TrainBundle(store(), Options("v1")));
  EXPECT_LT(Metric(bundle, "conversion_rate", "log_loss"),
            Metric(bundle, "conversion_rate", "shop_rate_log_loss"));
}

TEST_F(TrainerTest, CooccurrenceRecordsRankingMetrics) {
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle,
                       TrainBundle(store(), Options("v1")));
  const double coverage = Metric(bundle, "cooccurrence", "coverage");
  EXPECT_GT(coverage, 0);
  EXPECT_LE(coverage, 1);
  EXPECT_GE(Metric(bundle, "cooccurrence", "hr_at_10"), 0);
}

const model::v1::ModelInfo* Info(const core::ModelBundle& bundle,
                                 const std::string& model) {
  for (const model::v1::ModelInfo& info : bundle.manifest.models()) {
    if (info.name() == model) return &info;
  }
  return nullptr;
}

std::string Parameter(const core::ModelBundle& bundle, const std::string& model,
                      const std::string& key) {
  const model::v1::ModelInfo* info = Info(bundle, model);
  if (info == nullptr) {
    ADD_FAILURE() << "no model " << model;
    return "";
  }
  auto it = info->parameters().find(key);
  if (it == info->parameters().end()) {
    ADD_FAILURE() << model << " has no parameter " << key;
    return "";
  }
  return it->second;
}

TEST_F(TrainerTest, FactorModelsRecordRankingMetrics) {
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle,
                       TrainBundle(store(), Options("v1")));
  ASSERT_TRUE(bundle.implicit_als.has_value());
  ASSERT_TRUE(bundle.ease.has_value());
  const double popularity_users = Metric(bundle, "popularity", "eval_users");
  for (const char* model : {"implicit_als", "ease", "user_knn"}) {
    const model::v1::ModelInfo* info = Info(bundle, model);
    ASSERT_NE(info, nullptr) << model;
    EXPECT_EQ(info->task(), "recommend");
    // The same evaluated users as the baselines: one protocol for all.
    EXPECT_EQ(Metric(bundle, model, "eval_users"), popularity_users) << model;
    EXPECT_GT(Metric(bundle, model, "ndcg_at_10"), 0) << model;
    EXPECT_GE(Metric(bundle, model, "hr_at_10"),
              Metric(bundle, model, "ndcg_at_10"))
        << model;
    for (const char* share : {"coverage", "catalog_coverage"}) {
      EXPECT_GT(Metric(bundle, model, share), 0) << model << " " << share;
      EXPECT_LE(Metric(bundle, model, share), 1) << model << " " << share;
    }
  }
  EXPECT_EQ(Info(bundle, "implicit_als")->file(), "implicit_als.pb");
  EXPECT_EQ(Info(bundle, "ease")->file(), "ease.pb");
  EXPECT_EQ(Info(bundle, "user_knn")->file(), "user_knn.pb");
  // With 40 items a user's history reaches most of the catalogue, so ALS
  // ranks every item and EASE finds positive scores for at least 10.
  EXPECT_EQ(Metric(bundle, "implicit_als", "coverage"), 1);
}

TEST_F(TrainerTest, RecommendersAreMeasuredOnThreeSplits) {
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle,
                       TrainBundle(store(), Options("v1")));
  for (const char* model :
       {"popularity", "cooccurrence", "implicit_als", "ease", "user_knn"}) {
    for (const char* prefix : {"", "loo_", "random_"}) {
      const std::string p(prefix);
      const double hr = Metric(bundle, model, p + "hr_at_10");
      const double recall = Metric(bundle, model, p + "recall_at_10");
      const double map = Metric(bundle, model, p + "map_at_10");
      EXPECT_GT(recall, 0) << model << " " << p;
      // Recall and AP never exceed the hit rate; NDCG and AP are in [0, 1].
      EXPECT_LE(recall, hr) << model << " " << p;
      EXPECT_LE(map, hr) << model << " " << p;
      EXPECT_GT(Metric(bundle, model, p + "eval_users"), 0)
          << model << " " << p;
    }
  }
  // Leave-last-out holds out one purchase per user, so every evaluated user
  // has exactly one relevant item and recall equals the hit rate.
  EXPECT_DOUBLE_EQ(Metric(bundle, "ease", "loo_recall_at_10"),
                   Metric(bundle, "ease", "loo_hr_at_10"));
  // The random split measures the rating models too, leave-last-out not.
  EXPECT_GT(Metric(bundle, "biased_mf", "random_rmse"), 0);
  EXPECT_GT(Metric(bundle, "bias_baseline", "random_mae"), 0);
  EXPECT_EQ(Info(bundle, "biased_mf")->metrics().count("loo_rmse"), 0u);
  EXPECT_NE(Parameter(bundle, "ease", "random_eval_holdout_events"), "0");
}

TEST_F(TrainerTest, ExtraSplitsCanBeTurnedOff) {
  TrainerOptions options = Options("v1");
  options.extra_splits = false;
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle, TrainBundle(store(), options));
  for (const model::v1::ModelInfo& info : bundle.manifest.models()) {
    for (const auto& [key, value] : info.metrics()) {
      EXPECT_FALSE(absl::StartsWith(key, "loo_") ||
                   absl::StartsWith(key, "random_"))
          << info.name() << " " << key;
    }
  }
}

TEST_F(TrainerTest, EvaluateStoreReportsTheTrainersFiguresWithoutTraining) {
  TrainerOptions options = Options("v1");
  ASSERT_OK_AND_ASSIGN(model::v1::Manifest manifest,
                       EvaluateStore(store(), options));
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle, TrainBundle(store(), options));
  ASSERT_EQ(manifest.models_size(), bundle.manifest.models_size());
  for (int i = 0; i < manifest.models_size(); ++i) {
    const model::v1::ModelInfo& evaluated = manifest.models(i);
    EXPECT_EQ(evaluated.name(), bundle.manifest.models(i).name());
    // Deterministic: the same figures as the bundle's.
    for (const auto& [key, value] : evaluated.metrics()) {
      EXPECT_EQ(value, Metric(bundle, evaluated.name(), key))
          << evaluated.name() << " " << key;
    }
  }
  EXPECT_EQ(manifest.default_recommender(),
            bundle.manifest.default_recommender());
  EXPECT_EQ(manifest.snapshot().num_events(),
            bundle.manifest.snapshot().num_events());
  std::error_code error;
  EXPECT_TRUE(!std::filesystem::exists(models_.path(), error) ||
              std::filesystem::is_empty(models_.path(), error));
}

TEST_F(TrainerTest, HnswIsBuiltAboveTheCatalogueThreshold) {
  TrainerOptions options = Options("v1");
  ASSERT_OK_AND_ASSIGN(core::ModelBundle small, TrainBundle(store(), options));
  EXPECT_EQ(small.implicit_als_hnsw, nullptr);
  EXPECT_EQ(Parameter(small, "implicit_als", "hnsw"), "false");

  options.hnsw_min_items = kItems;
  ASSERT_OK_AND_ASSIGN(std::string version, TrainAndPublish(store(), options));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const core::ModelBundle> bundle,
                       core::ModelBundle::Load(models_.path(), version));
  ASSERT_NE(bundle->implicit_als_hnsw, nullptr);
  EXPECT_EQ(bundle->implicit_als_hnsw->num_items(), kItems);
  EXPECT_EQ(Parameter(*bundle, "implicit_als", "hnsw"), "true");
  // The stored ef is the tuned one, and reaches the target recall.
  EXPECT_EQ(Parameter(*bundle, "implicit_als", "hnsw_ef_search"),
            absl::StrCat(bundle->implicit_als_hnsw->options().ef_search));
  EXPECT_GE(Metric(*bundle, "implicit_als", "hnsw_recall_at_10"), 0.98);
  // 40 items: the graph search finds the exact top 10.
  const core::RowMatrixXf& users = bundle->implicit_als->user_factors();
  for (int u = 0; u < 20; ++u) {
    const Eigen::VectorXf query = users.row(u).transpose();
    absl::Span<const float> q(query.data(), query.size());
    ASSERT_OK_AND_ASSIGN(std::vector<core::ScoredItem> approximate,
                         bundle->implicit_als_hnsw->Search(q, 10));
    ASSERT_OK_AND_ASSIGN(std::vector<core::ScoredItem> exact,
                         bundle->implicit_als_index->TopK(q, 10));
    ASSERT_EQ(approximate.size(), exact.size());
    for (size_t r = 0; r < exact.size(); ++r) {
      EXPECT_EQ(approximate[r].item, exact[r].item) << u << " " << r;
    }
  }
}

TEST_F(TrainerTest, BiasedMfIsMeasuredBesideTheBiasBaseline) {
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle,
                       TrainBundle(store(), Options("v1")));
  ASSERT_TRUE(bundle.biased_mf.has_value());
  EXPECT_EQ(Info(bundle, "biased_mf")->task(), "score_rating");
  EXPECT_EQ(Metric(bundle, "biased_mf", "bias_baseline_rmse"),
            Metric(bundle, "bias_baseline", "rmse"));
  EXPECT_EQ(Metric(bundle, "biased_mf", "bias_baseline_mae"),
            Metric(bundle, "bias_baseline", "mae"));
  EXPECT_EQ(Metric(bundle, "biased_mf", "eval_ratings"),
            Metric(bundle, "bias_baseline", "eval_ratings"));
  EXPECT_GT(Metric(bundle, "biased_mf", "rmse"), 0);
  EXPECT_GT(Metric(bundle, "biased_mf", "mae"), 0);
  EXPECT_EQ(Parameter(bundle, "biased_mf", "num_factors"), "32");
  const bool mf_wins = Metric(bundle, "biased_mf", "rmse") <
                       Metric(bundle, "bias_baseline", "rmse");
  EXPECT_EQ(bundle.manifest.default_rating_model(),
            mf_wins ? "biased_mf" : "bias_baseline");
}

TEST_F(TrainerTest, DefaultRecommenderHasTheBestNdcgUpToTheCostMargin) {
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle,
                       TrainBundle(store(), Options("v1")));
  const std::string chosen = bundle.manifest.default_recommender();
  // Cheapest to serve first.
  const std::vector<std::string> candidates = {
      "popularity", "cooccurrence", "ease", "implicit_als", "user_knn"};
  EXPECT_THAT(candidates, ::testing::Contains(chosen));
  const double best = Metric(bundle, chosen, "ndcg_at_10");
  bool cheaper = true;  // Whether `name` comes before `chosen`.
  for (const std::string& name : candidates) {
    if (name == chosen) {
      cheaper = false;
      continue;
    }
    const double ndcg = Metric(bundle, name, "ndcg_at_10");
    if (cheaper) {
      EXPECT_LT(ndcg, best) << name;
    } else {
      // A costlier model must win by 2 % to be chosen.
      EXPECT_LE(ndcg, best * 1.02) << name;
    }
  }
}

TEST_F(TrainerTest, SearchRecordsWhatItTriedAndChose) {
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle,
                       TrainBundle(store(), Options("v1")));
  // The planted shop is small enough for the whole grid within the budget.
  EXPECT_EQ(Parameter(bundle, "implicit_als", "search_configs_tried"), "36");
  EXPECT_EQ(Parameter(bundle, "ease", "search_configs_tried"), "4");
  EXPECT_EQ(Parameter(bundle, "implicit_als", "search_budget_seconds"), "60");
  EXPECT_FALSE(Parameter(bundle, "implicit_als", "search_validation_ndcg_at_10")
                   .empty());
  const double validation_users =
      std::stod(Parameter(bundle, "ease", "search_validation_users"));
  EXPECT_GT(validation_users, 0);
  // The bundle's models carry the recorded values.
  const core::ImplicitAlsOptions& als = bundle.implicit_als->options();
  EXPECT_EQ(Parameter(bundle, "implicit_als", "factors"),
            absl::StrCat(als.factors));
  EXPECT_EQ(Parameter(bundle, "implicit_als", "regularization"),
            absl::StrCat(als.regularization));
  EXPECT_EQ(Parameter(bundle, "implicit_als", "alpha"),
            absl::StrCat(als.alpha));
  EXPECT_EQ(Parameter(bundle, "implicit_als", "iterations"), "15");
  EXPECT_EQ(Parameter(bundle, "ease", "lambda"),
            absl::StrCat(bundle.ease->lambda()));
  // The neighbour models' grids, and the chosen values recorded.
  EXPECT_EQ(Parameter(bundle, "cooccurrence", "search_configs_tried"), "6");
  EXPECT_EQ(Parameter(bundle, "user_knn", "search_configs_tried"), "6");
  EXPECT_THAT(Parameter(bundle, "cooccurrence", "similarity"),
              ::testing::AnyOf("cosine", "jaccard"));
  EXPECT_EQ(Parameter(bundle, "user_knn", "neighbors"),
            absl::StrCat(bundle.user_knn->options().neighbors));
}

TEST_F(TrainerTest, ZeroSearchBudgetUsesTheGivenOptions) {
  TrainerOptions options = Options("v1");
  options.search_budget_seconds = 0;
  options.als.factors = 5;
  options.als.regularization = 0.7;
  options.als.alpha = 2.5;
  options.als.iterations = 4;
  options.ease.lambda = 123;
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle, TrainBundle(store(), options));
  ASSERT_TRUE(bundle.implicit_als.has_value());
  EXPECT_EQ(bundle.implicit_als->options().factors, 5);
  EXPECT_EQ(bundle.implicit_als->options().regularization, 0.7);
  EXPECT_EQ(bundle.implicit_als->options().alpha, 2.5);
  EXPECT_EQ(bundle.implicit_als->options().iterations, 4);
  ASSERT_TRUE(bundle.ease.has_value());
  EXPECT_EQ(bundle.ease->lambda(), 123);
  EXPECT_EQ(Parameter(bundle, "implicit_als", "factors"), "5");
  EXPECT_EQ(Parameter(bundle, "implicit_als", "regularization"), "0.7");
  EXPECT_EQ(Parameter(bundle, "ease", "lambda"), "123");
  EXPECT_EQ(Parameter(bundle, "implicit_als", "search_configs_tried"), "0");
  EXPECT_EQ(Parameter(bundle, "ease", "search_configs_tried"), "0");
  EXPECT_GT(Metric(bundle, "implicit_als", "ndcg_at_10"), 0);
}

TEST_F(TrainerTest, CatalogueAboveEaseMaxItemsHasNoEase) {
  TrainerOptions options = Options("v1");
  options.ease.max_items = kItems - 1;
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle, TrainBundle(store(), options));
  EXPECT_FALSE(bundle.ease.has_value());
  EXPECT_EQ(Info(bundle, "ease"), nullptr);
  EXPECT_NE(bundle.manifest.default_recommender(), "ease");
  EXPECT_TRUE(bundle.implicit_als.has_value());
}

TEST_F(TrainerTest, RejectsBadModelOptionsNamingThem) {
  TrainerOptions options = Options("v1");
  options.als.factors = 0;
  EXPECT_THAT(
      TrainBundle(store(), options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("als.factors")));
  options = Options("v1");
  options.ease.lambda = -1;
  EXPECT_THAT(
      TrainBundle(store(), options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ease.lambda")));
  options = Options("v1");
  options.mf.num_factors = 0;
  EXPECT_THAT(TrainBundle(store(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("mf.num_factors")));
  options = Options("v1");
  options.search_budget_seconds = -1;
  EXPECT_THAT(TrainBundle(store(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("search_budget_seconds")));
  options = Options("v1");
  options.user_knn.neighbors = 0;
  EXPECT_THAT(TrainBundle(store(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("user_knn.neighbors")));
  for (double bad : {0.0, 1.5}) {
    options = Options("v1");
    options.hnsw_target_recall = bad;
    EXPECT_THAT(TrainBundle(store(), options),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("hnsw_target_recall")));
  }
  options = Options("v1");
  options.random_test_fraction = 1;
  EXPECT_THAT(TrainBundle(store(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("random_test_fraction")));
}

TEST_F(TrainerTest, ZeroHoldoutRecordsNoMetrics) {
  TrainerOptions options = Options("v1");
  options.holdout_fraction = 0;
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle, TrainBundle(store(), options));
  for (const model::v1::ModelInfo& info : bundle.manifest.models()) {
    // The purchase scorers always validate: early stopping and the choice
    // among them need it.
    if (info.task() == "score_purchase" && info.name() != "conversion_rate") {
      continue;
    }
    EXPECT_TRUE(info.metrics().empty()) << info.name();
  }
  EXPECT_EQ(bundle.manifest.default_recommender(), "cooccurrence");
  EXPECT_EQ(bundle.manifest.default_rating_model(), "bias_baseline");
  // The search still ran, on a validation split of all the data.
  EXPECT_EQ(Parameter(bundle, "implicit_als", "search_configs_tried"), "36");
}

TEST_F(TrainerTest, DefaultVersionIsUtcTimestamp) {
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle,
                       TrainBundle(store(), Options("")));
  EXPECT_THAT(bundle.version(), MatchesRegex("[0-9]{8}T[0-9]{6}Z"));
}

TEST_F(TrainerTest, RejectsHoldoutFractionOfOne) {
  TrainerOptions options = Options("v1");
  options.holdout_fraction = 1;
  EXPECT_THAT(TrainBundle(store(), options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("holdout_fraction")));
}

TEST_F(TrainerTest, RejectsMalformedVersion) {
  EXPECT_THAT(
      TrainBundle(store(), Options("../v1")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("version")));
}

TEST_F(TrainerTest, TrainAndPublishRequiresModelsDir) {
  TrainerOptions options = Options("v1");
  options.models_dir.clear();
  EXPECT_THAT(
      TrainAndPublish(store(), options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("models_dir")));
}

TEST_F(TrainerTest, PublishingAnExistingVersionIsAlreadyExists) {
  ASSERT_OK(TrainAndPublish(store(), Options("v1")).status());
  EXPECT_THAT(TrainAndPublish(store(), Options("v1")),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("v1")));
}

TEST(TrainerEmptyStoreTest, EmptyStoreIsFailedPrecondition) {
  TempDir dir;
  std::unique_ptr<storage::Store> store = OpenStore(dir.Sub("store"));
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(
      TrainBundle(*store, TrainerOptions{}),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no events")));
}

TEST(TrainerNoRatingsTest, BundleWithoutRatingsHasNoBiasBaseline) {
  TempDir dir;
  std::unique_ptr<storage::Store> store = OpenStore(dir.Sub("store"));
  ASSERT_NE(store, nullptr);
  storage::WriteBatchInput batch;
  for (int u = 0; u < 5; ++u) {
    batch.events.push_back(
        Event(u, u % 3, storage::EventKind::kPurchase, kStart + u * kDay));
  }
  ASSERT_OK(store->Write(batch).status());
  ASSERT_OK_AND_ASSIGN(core::ModelBundle bundle,
                       TrainBundle(*store, TrainerOptions{}));
  EXPECT_FALSE(bundle.bias_baseline.has_value());
  EXPECT_FALSE(bundle.biased_mf.has_value());
  for (const model::v1::ModelInfo& info : bundle.manifest.models()) {
    EXPECT_NE(info.name(), "bias_baseline");
    EXPECT_NE(info.name(), "biased_mf");
  }
  EXPECT_TRUE(bundle.implicit_als.has_value());
  EXPECT_EQ(bundle.manifest.default_rating_model(), "");
}

}  // namespace
}  // namespace shopml::server
