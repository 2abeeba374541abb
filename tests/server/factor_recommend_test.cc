// Recommend with the personalised factor models (implicit ALS, EASE) and
// Score with matrix factorisation, end to end over gRPC on the planted shop.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/factor_candidates.h"
#include "server/status_util.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/planted_shop.h"
#include "tests/testing/status_matchers.h"

namespace shopml::server {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::SizeIs;

using testing::ItemName;
using testing::ServingServer;

const int kBags = testing::CategoryIndex("bags");
const int kHats = testing::CategoryIndex("hats");

// One server for the binary; tests that record events use users of their
// own, so they cannot disturb each other.
class FactorRecommendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (bool hnsw : {false, true}) {
      absl::StatusOr<std::unique_ptr<ServingServer>> shop =
          ServingServer::Start(testing::PlantedShop(), /*train=*/true,
                               /*late=*/{}, hnsw);
      ASSERT_TRUE(shop.ok()) << shop.status();
      (hnsw ? hnsw_shop_ : shop_) = shop->release();
    }
  }
  static void TearDownTestSuite() {
    delete shop_;
    delete hnsw_shop_;
    shop_ = hnsw_shop_ = nullptr;
  }

  // The server the test talks to: exact retrieval unless a test says so.
  virtual ServingServer* shop() const { return shop_; }

  void SetUp() override {
    ASSERT_NE(shop(), nullptr);
    recommend_ = v1::RecommendationService::NewStub(shop()->NewChannel());
    ingest_ = v1::IngestService::NewStub(shop()->NewChannel());
  }

  absl::StatusOr<v1::RecommendResponse> Recommend(const std::string& user,
                                                  int k,
                                                  v1::RecommendModel model) {
    v1::RecommendRequest request;
    request.set_user_id(user);
    request.set_k(k);
    request.set_model(model);
    return Recommend(request);
  }
  absl::StatusOr<v1::RecommendResponse> Recommend(
      const v1::RecommendRequest& request) {
    grpc::ClientContext context;
    v1::RecommendResponse response;
    absl::Status status =
        FromGrpcStatus(recommend_->Recommend(&context, request, &response));
    if (!status.ok()) return status;
    return response;
  }

  absl::Status Buy(const std::string& user,
                   const std::vector<std::string>& items, int64_t seconds) {
    v1::RecordEventsRequest request;
    for (const std::string& item : items) {
      v1::Event* event = request.add_events();
      event->set_user_id(user);
      event->set_item_id(item);
      event->set_type(v1::EVENT_TYPE_PURCHASE);
      event->mutable_timestamp()->set_seconds(seconds++);
    }
    grpc::ClientContext context;
    v1::RecordEventsResponse response;
    return FromGrpcStatus(ingest_->RecordEvents(&context, request, &response));
  }

  absl::StatusOr<v1::ScoreResponse> Score(const v1::ScoreRequest& request) {
    grpc::ClientContext context;
    v1::ScoreResponse response;
    absl::Status status =
        FromGrpcStatus(recommend_->Score(&context, request, &response));
    if (!status.ok()) return status;
    return response;
  }

  static ServingServer* shop_;
  // The same shop with implicit ALS served from an HNSW graph.
  static ServingServer* hnsw_shop_;
  std::unique_ptr<v1::RecommendationService::Stub> recommend_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
};

ServingServer* FactorRecommendTest::shop_ = nullptr;
ServingServer* FactorRecommendTest::hnsw_shop_ = nullptr;

int CountInCategory(const v1::RecommendResponse& response,
                    const std::string& category) {
  int count = 0;
  for (const v1::RecommendedItem& item : response.items()) {
    count += item.category() == category;
  }
  return count;
}

// A model, and for implicit ALS the retrieval.
struct Serving {
  v1::RecommendModel model;
  bool hnsw = false;
};

class PerModelTest : public FactorRecommendTest,
                     public ::testing::WithParamInterface<Serving> {
 protected:
  ServingServer* shop() const override {
    return GetParam().hnsw ? hnsw_shop_ : shop_;
  }
  v1::RecommendModel Model() const { return GetParam().model; }
  std::string ModelName() const {
    switch (Model()) {
      case v1::RECOMMEND_MODEL_IMPLICIT_ALS:
        return "implicit_als";
      case v1::RECOMMEND_MODEL_USER_KNN:
        return "user_knn";
      default:
        return "ease";
    }
  }
};

TEST_P(PerModelTest, GroupBuyerGetsTheGroupsItemsFirst) {
  // g02 bought shoes-0..2 (shoes is category 2 = 2 % 4).
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response,
                       Recommend("g02", 3, Model()));
  ASSERT_THAT(response.items(), SizeIs(3));
  EXPECT_EQ(CountInCategory(response, "shoes"), 3);
  EXPECT_EQ(response.items(0).reason(), v1::REASON_PERSONALIZED);
  EXPECT_FALSE(response.fallback_used());
  EXPECT_TRUE(
      absl::StartsWith(response.recommendation_id(), response.model().name()));
}

TEST_P(PerModelTest, JustBoughtCategoryRisesAtOnce) {
  // A new user with a hats history, then three bags purchases recorded over
  // gRPC: the very next answer must lead with bags, without retraining.
  const std::string user =
      absl::StrCat("late-buyer-", v1::RecommendModel_Name(Model()));
  std::vector<std::string> hats;
  for (int i = 0; i < 3; ++i) hats.push_back(ItemName(kHats, i));
  ASSERT_OK(Buy(user, hats, 1704067200 + 10 * 86400));
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse before,
                       Recommend(user, 3, Model()));
  EXPECT_EQ(CountInCategory(before, "bags"), 0);
  EXPECT_EQ(before.model().name(), ModelName());

  std::vector<std::string> bags;
  for (int i = 0; i < 3; ++i) bags.push_back(ItemName(kBags, i));
  ASSERT_OK(Buy(user, bags, 1704067200 + 11 * 86400));
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse after,
                       Recommend(user, 6, Model()));
  EXPECT_GE(CountInCategory(after, "bags"), 3);
}

TEST_P(PerModelTest, FiltersHoldAndTheListIsFilledToK) {
  v1::RecommendRequest request;
  request.set_user_id("g02");
  request.set_k(testing::kMaxK);
  request.set_model(Model());
  request.mutable_filter()->set_in_stock_only(true);
  request.mutable_filter()->set_exclude_purchased(true);
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response, Recommend(request));
  // Every in-stock item but the three g02 bought (this shop has no
  // kLateItem).
  EXPECT_THAT(response.items(),
              SizeIs(testing::kNumItems - 1 - testing::kNumOutOfStock - 3));
  for (const v1::RecommendedItem& item : response.items()) {
    EXPECT_FALSE(absl::EndsWith(item.item_id(),
                                absl::StrCat("-", testing::kOutOfStockIndex)))
        << item.item_id();
    for (int i = 0; i < 3; ++i) {
      EXPECT_NE(item.item_id(), ItemName(testing::CategoryIndex("shoes"), i));
    }
  }
  // ALS scores every item, EASE only those with evidence: either way the
  // answer leads with the model's own ranking.
  EXPECT_EQ(response.items(0).reason(), v1::REASON_PERSONALIZED);
}

TEST_P(PerModelTest, UnknownUserIsAColdStart) {
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response,
                       Recommend("never-seen", 4, Model()));
  EXPECT_TRUE(response.cold_start());
  EXPECT_THAT(response.items(), SizeIs(4));
  EXPECT_THAT(response.items(),
              Each(::testing::Property(
                  &v1::RecommendedItem::reason,
                  ::testing::AnyOf(v1::REASON_POPULAR,
                                   v1::REASON_POPULAR_IN_CATEGORY))));
}

INSTANTIATE_TEST_SUITE_P(
    Models, PerModelTest,
    ::testing::Values(Serving{v1::RECOMMEND_MODEL_IMPLICIT_ALS, false},
                      Serving{v1::RECOMMEND_MODEL_IMPLICIT_ALS, true},
                      Serving{v1::RECOMMEND_MODEL_EASE, false},
                      Serving{v1::RECOMMEND_MODEL_USER_KNN, false}),
    [](const auto& info) {
      return absl::StrCat(v1::RecommendModel_Name(info.param.model),
                          info.param.hnsw ? "_HNSW" : "");
    });

TEST_F(FactorRecommendTest, HnswShopServesFromItsGraph) {
  ASSERT_NE(hnsw_shop_->bundle()->implicit_als_hnsw, nullptr);
  EXPECT_EQ(shop_->bundle()->implicit_als_hnsw, nullptr);
  EXPECT_TRUE(UsesHnsw(*hnsw_shop_->bundle(), RetrievalOptions{0, 0}));
  EXPECT_FALSE(UsesHnsw(*hnsw_shop_->bundle(), RetrievalOptions{-1, 0}));
  EXPECT_FALSE(UsesHnsw(
      *hnsw_shop_->bundle(),
      RetrievalOptions{hnsw_shop_->bundle()->implicit_als_hnsw->num_items() + 1,
                       0}));
}

TEST_F(FactorRecommendTest, DefaultModelIsTheBundlesOfflineWinner) {
  const std::string& best = shop_->bundle()->manifest.default_recommender();
  ASSERT_FALSE(best.empty());
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response,
                       Recommend("g02", 3, v1::RECOMMEND_MODEL_UNSPECIFIED));
  EXPECT_EQ(response.model().name(),
            best == "popularity" ? "popularity" : best);
}

TEST_F(FactorRecommendTest, MatrixFactorisationScoresRatings) {
  v1::ScoreRequest request;
  request.set_user_id(testing::RaterName(3));
  request.set_target(v1::SCORE_TARGET_RATING);
  request.set_model(v1::SCORE_MODEL_MATRIX_FACTORIZATION);
  for (int i = 0; i < 4; ++i) request.add_item_ids(ItemName(kBags, i));
  ASSERT_OK_AND_ASSIGN(v1::ScoreResponse response, Score(request));
  EXPECT_EQ(response.model().name(), "biased_mf");
  ASSERT_THAT(response.scores(), SizeIs(4));
  for (int i = 0; i < 4; ++i) {
    const double planted =
        testing::kRatingMean + testing::RaterBias(3) + testing::ItemBias(i);
    EXPECT_NEAR(response.scores(i).prediction(), planted, 0.5) << i;
  }
}

TEST_F(FactorRecommendTest, NewItemEntersAlsRetrievalOnceBought) {
  // An item the bundle has never seen, bought by eight of the bags group
  // buyers (g00, g04, ..., g28): folded in from their vectors, it must be
  // recommended, by ALS itself, to another bags buyer (g32).
  const std::string fresh = "bags-fresh";
  auto has_fresh = [&](const v1::RecommendResponse& response) {
    for (const v1::RecommendedItem& item : response.items()) {
      if (item.item_id() == fresh) {
        return item.reason() == v1::REASON_PERSONALIZED;
      }
    }
    return false;
  };
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse before,
                       Recommend("g32", 10, v1::RECOMMEND_MODEL_IMPLICIT_ALS));
  EXPECT_FALSE(has_fresh(before));
  for (int g = 0; g < 32; g += 4) {
    ASSERT_OK(
        Buy(absl::StrFormat("g%02d", g), {fresh}, 1704067200 + 40 * 86400 + g));
  }
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse after,
                       Recommend("g32", 10, v1::RECOMMEND_MODEL_IMPLICIT_ALS));
  EXPECT_TRUE(has_fresh(after));
  EXPECT_EQ(after.model().name(), "implicit_als");
}

TEST_F(FactorRecommendTest, MatrixFactorisationFoldsInNewRatingsAtOnce) {
  // A rater the bundle has never seen: the prediction starts at the mean
  // plus the item's bias, and rises once the user has rated four items far
  // above their planted value, without retraining.
  const std::string user = "late-rater";
  v1::ScoreRequest request;
  request.set_user_id(user);
  request.set_target(v1::SCORE_TARGET_RATING);
  request.set_model(v1::SCORE_MODEL_MATRIX_FACTORIZATION);
  request.add_item_ids(ItemName(kBags, 4));
  ASSERT_OK_AND_ASSIGN(v1::ScoreResponse before, Score(request));
  ASSERT_THAT(before.scores(), SizeIs(1));
  EXPECT_NEAR(before.scores(0).prediction(),
              testing::kRatingMean + testing::ItemBias(4), 0.5);

  v1::RecordEventsRequest ratings;
  for (int i = 0; i < 4; ++i) {
    v1::Event* event = ratings.add_events();
    event->set_user_id(user);
    event->set_item_id(ItemName(kBags, i));
    event->set_type(v1::EVENT_TYPE_RATING);
    event->set_rating(testing::kRatingMean + testing::ItemBias(i) + 3);
    event->mutable_timestamp()->set_seconds(1704067200 + 20 * 86400 + i);
  }
  grpc::ClientContext context;
  v1::RecordEventsResponse recorded;
  ASSERT_OK(
      FromGrpcStatus(ingest_->RecordEvents(&context, ratings, &recorded)));
  ASSERT_OK_AND_ASSIGN(v1::ScoreResponse after, Score(request));
  ASSERT_THAT(after.scores(), SizeIs(1));
  EXPECT_GT(after.scores(0).prediction(), before.scores(0).prediction() + 1)
      << "before " << before.scores(0).prediction();
}

TEST_F(FactorRecommendTest, UnknownModelIsInvalidNamingTheField) {
  v1::RecommendRequest recommend;
  recommend.set_user_id("g02");
  recommend.set_k(3);
  recommend.set_model(static_cast<v1::RecommendModel>(99));
  EXPECT_THAT(Recommend(recommend), StatusIs(absl::StatusCode::kInvalidArgument,
                                             ::testing::StartsWith("model:")));
  v1::ScoreRequest score;
  score.set_user_id("g02");
  score.add_item_ids(ItemName(kBags, 0));
  score.set_model(static_cast<v1::ScoreModel>(42));
  EXPECT_THAT(Score(score), StatusIs(absl::StatusCode::kInvalidArgument,
                                     ::testing::StartsWith("model:")));
  v1::SimilarItemsRequest similar;
  similar.set_item_id(ItemName(kBags, 0));
  similar.set_k(3);
  similar.set_model(static_cast<v1::SimilarityModel>(7));
  grpc::ClientContext context;
  v1::SimilarItemsResponse response;
  EXPECT_THAT(
      FromGrpcStatus(recommend_->SimilarItems(&context, similar, &response)),
      StatusIs(absl::StatusCode::kInvalidArgument,
               ::testing::StartsWith("model:")));
}

TEST_F(FactorRecommendTest, MatrixFactorisationOfPurchasesIsInvalid) {
  v1::ScoreRequest request;
  request.set_user_id("g02");
  request.add_item_ids(ItemName(kBags, 0));
  request.set_model(v1::SCORE_MODEL_MATRIX_FACTORIZATION);
  EXPECT_THAT(Score(request), StatusIs(absl::StatusCode::kInvalidArgument,
                                       HasSubstr("model:")));
}

}  // namespace
}  // namespace shopml::server
