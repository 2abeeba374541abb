#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/status_util.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/metric_text.h"
#include "tests/server/planted_shop.h"
#include "tests/testing/status_matchers.h"

namespace shopml::server {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAreArray;

using testing::ItemName;
using testing::kNumItems;
using testing::ServingServer;

const int kShoes = testing::CategoryIndex("shoes");
const int kHats = testing::CategoryIndex("hats");

std::vector<std::string> Ids(const v1::RecommendResponse& response) {
  std::vector<std::string> ids;
  for (const v1::RecommendedItem& item : response.items()) {
    ids.push_back(item.item_id());
  }
  return ids;
}

std::vector<v1::Reason> Reasons(const v1::RecommendResponse& response) {
  std::vector<v1::Reason> reasons;
  for (const v1::RecommendedItem& item : response.items()) {
    reasons.push_back(item.reason());
  }
  return reasons;
}

// One server with a trained bundle for the whole binary: training is the
// expensive part and no test changes the shop.
class RecommendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<ServingServer>> shop = ServingServer::Start(
        testing::PlantedShop(), /*train=*/true, testing::LateItems());
    ASSERT_TRUE(shop.ok()) << shop.status();
    shop_ = shop->release();
  }
  static void TearDownTestSuite() {
    delete shop_;
    shop_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(shop_, nullptr);
    stub_ = v1::RecommendationService::NewStub(shop_->NewChannel());
  }

  absl::StatusOr<v1::RecommendResponse> Recommend(
      const v1::RecommendRequest& request) {
    grpc::ClientContext context;
    v1::RecommendResponse response;
    absl::Status status =
        FromGrpcStatus(stub_->Recommend(&context, request, &response));
    if (!status.ok()) return status;
    return response;
  }

  static v1::RecommendRequest Request(const std::string& user, int k) {
    v1::RecommendRequest request;
    request.set_user_id(user);
    request.set_k(k);
    return request;
  }
  // A request for the bought-together recommender, whatever the bundle's
  // offline winner is (factor_recommend_test covers the factor models).
  static v1::RecommendRequest CooccurrenceRequest(const std::string& user,
                                                  int k) {
    v1::RecommendRequest request = Request(user, k);
    request.set_model(v1::RECOMMEND_MODEL_COOCCURRENCE);
    return request;
  }

  static ServingServer* shop_;
  std::unique_ptr<v1::RecommendationService::Stub> stub_;
};

ServingServer* RecommendTest::shop_ = nullptr;

TEST_F(RecommendTest, ColdStartUserGetsPopularItems) {
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response,
                       Recommend(Request("never-seen", 5)));
  std::shared_ptr<const core::ModelBundle> bundle = shop_->bundle();
  std::vector<std::string> most_popular;
  for (uint32_t item : bundle->popularity.Ranked().first(5)) {
    most_popular.push_back(shop_->store().ItemId(item));
  }
  EXPECT_EQ(Ids(response), most_popular);
  EXPECT_THAT(Reasons(response), Each(v1::REASON_POPULAR));
  EXPECT_TRUE(response.cold_start());
  EXPECT_FALSE(response.fallback_used());
  EXPECT_EQ(response.model().name(), "popularity");
  EXPECT_EQ(response.model().version(), bundle->version());
}

TEST_F(RecommendTest, BuyerGetsCoPurchasedPartnersFirst) {
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response,
                       Recommend(CooccurrenceRequest("solo", 2)));
  EXPECT_THAT(Ids(response),
              ElementsAre(ItemName(kShoes, 1), ItemName(kShoes, 2)));
  EXPECT_THAT(Reasons(response), Each(v1::REASON_SIMILAR_TO_RECENT));
  EXPECT_FALSE(response.cold_start());
  EXPECT_FALSE(response.fallback_used());
  EXPECT_EQ(response.model().name(), "cooccurrence");
  EXPECT_EQ(response.items(0).category(), "shoes");
}

TEST_F(RecommendTest, ContextItemsDriveNeighboursForUnknownUser) {
  v1::RecommendRequest request = CooccurrenceRequest("never-seen", 2);
  request.add_context_item_ids(ItemName(kHats, 0));
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response, Recommend(request));
  EXPECT_THAT(Ids(response),
              ElementsAre(ItemName(kHats, 1), ItemName(kHats, 2)));
  EXPECT_THAT(Reasons(response), Each(v1::REASON_SIMILAR_TO_CONTEXT));
  EXPECT_TRUE(response.cold_start());
}

TEST_F(RecommendTest, PopularityFillsWhenNeighboursRunOut) {
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response,
                       Recommend(CooccurrenceRequest("solo", 10)));
  ASSERT_THAT(response.items(), SizeIs(10));
  EXPECT_TRUE(response.fallback_used());
  EXPECT_EQ(response.items(0).reason(), v1::REASON_SIMILAR_TO_RECENT);
  EXPECT_THAT(response.items(9).reason(),
              AnyOf(v1::REASON_POPULAR_IN_CATEGORY, v1::REASON_POPULAR));
  for (int i = 1; i < response.items_size(); ++i) {
    EXPECT_LE(response.items(i).score(), response.items(i - 1).score()) << i;
  }
}

TEST_F(RecommendTest, PopularityModelUsesFavouriteCategoryFirst) {
  v1::RecommendRequest request = Request("solo", 3);
  request.set_model(v1::RECOMMEND_MODEL_POPULARITY);
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response, Recommend(request));
  ASSERT_THAT(response.items(), SizeIs(3));
  EXPECT_THAT(Reasons(response), Each(v1::REASON_POPULAR_IN_CATEGORY));
  for (const v1::RecommendedItem& item : response.items()) {
    EXPECT_EQ(item.category(), "shoes") << item.item_id();
  }
  EXPECT_EQ(response.model().name(), "popularity");
}

TEST_F(RecommendTest, ExcludedIdsNeverReturnedAndListStaysFull) {
  v1::RecommendRequest request = CooccurrenceRequest("solo", 5);
  request.mutable_filter()->add_exclude_item_ids(ItemName(kShoes, 1));
  request.mutable_filter()->add_exclude_item_ids("no-such-item");
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response, Recommend(request));
  EXPECT_THAT(Ids(response),
              AllOf(SizeIs(5), Not(::testing::Contains(ItemName(kShoes, 1)))));
  EXPECT_EQ(response.items(0).item_id(), ItemName(kShoes, 2));
}

TEST_F(RecommendTest, CategoryFilterReturnsExactlyTheEligibleItems) {
  v1::RecommendRequest request = Request("solo", 7);
  request.mutable_filter()->add_categories("hats");
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response, Recommend(request));
  // Six trained hats and the one written after training.
  std::vector<std::string> hats = {testing::kLateItem};
  for (int i = 0; i < testing::kItemsPerCategory; ++i) {
    hats.push_back(ItemName(kHats, i));
  }
  EXPECT_THAT(Ids(response), UnorderedElementsAreArray(hats));
  EXPECT_TRUE(response.fallback_used());
}

TEST_F(RecommendTest, CategoryFilterReturnsFewerOnlyWhenFewerExist) {
  v1::RecommendRequest request = Request("solo", 20);
  request.mutable_filter()->add_categories("hats");
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response, Recommend(request));
  EXPECT_THAT(response.items(), SizeIs(testing::kItemsPerCategory + 1));
  for (const v1::RecommendedItem& item : response.items()) {
    EXPECT_EQ(item.category(), "hats") << item.item_id();
  }
}

TEST_F(RecommendTest, InStockOnlyLeavesOutOfStockItemsOut) {
  const int in_stock = kNumItems - testing::kNumOutOfStock;
  v1::RecommendRequest request = Request("solo", in_stock + 5);
  request.mutable_filter()->set_in_stock_only(true);
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response, Recommend(request));
  EXPECT_THAT(response.items(), SizeIs(in_stock));
  std::set<std::string> out_of_stock;
  for (int category = 0; category < testing::kNumCategories; ++category) {
    out_of_stock.insert(ItemName(category, testing::kOutOfStockIndex));
  }
  for (const v1::RecommendedItem& item : response.items()) {
    EXPECT_FALSE(out_of_stock.contains(item.item_id())) << item.item_id();
  }

  request.set_k(in_stock);
  ASSERT_OK_AND_ASSIGN(response, Recommend(request));
  EXPECT_THAT(response.items(), SizeIs(in_stock));
}

TEST_F(RecommendTest, ExcludePurchasedLeavesBoughtItemsOut) {
  v1::RecommendRequest request = Request("solo", kNumItems - 1);
  request.mutable_filter()->set_exclude_purchased(true);
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response, Recommend(request));
  EXPECT_THAT(Ids(response),
              AllOf(SizeIs(kNumItems - 1),
                    Not(::testing::Contains(ItemName(kShoes, 0)))));

  request.set_k(kNumItems);
  ASSERT_OK_AND_ASSIGN(response, Recommend(request));
  EXPECT_THAT(response.items(), SizeIs(kNumItems - 1));
}

TEST_F(RecommendTest, ExcludeSeenLeavesEveryTouchedItemOut) {
  v1::RecommendRequest request = Request("browser", kNumItems);
  request.mutable_filter()->set_exclude_seen(true);
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response, Recommend(request));
  const std::vector<std::string> ids = Ids(response);
  EXPECT_THAT(ids, SizeIs(kNumItems - 2));
  EXPECT_THAT(ids, Not(::testing::Contains(ItemName(kShoes, 0))));
  EXPECT_THAT(ids, Not(::testing::Contains(ItemName(kHats, 3))));
}

TEST_F(RecommendTest, NeverReturnsAnItemTwice) {
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response,
                       Recommend(Request("browser", testing::kMaxK)));
  const std::vector<std::string> ids = Ids(response);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_THAT(ids, SizeIs(kNumItems));
}

TEST_F(RecommendTest, ZeroKMeansTen) {
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response,
                       Recommend(Request("solo", 0)));
  EXPECT_THAT(response.items(), SizeIs(10));
}

TEST_F(RecommendTest, NegativeKIsInvalid) {
  EXPECT_THAT(Recommend(Request("solo", -1)),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("k:")));
}

TEST_F(RecommendTest, KAboveMaxKIsInvalid) {
  EXPECT_THAT(Recommend(Request("solo", testing::kMaxK + 1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(absl::StrCat("k: must be in [1, ",
                                              testing::kMaxK, "]"))));
}

TEST_F(RecommendTest, TooManyContextItemsAreInvalid) {
  v1::RecommendRequest request = Request("solo", 5);
  for (int i = 0; i <= testing::kMaxContextItems; ++i) {
    request.add_context_item_ids(ItemName(kShoes, i % 6));
  }
  EXPECT_THAT(Recommend(request), StatusIs(absl::StatusCode::kInvalidArgument,
                                           StartsWith("context_item_ids:")));
}

TEST_F(RecommendTest, EmptyUserIdIsInvalid) {
  EXPECT_THAT(
      Recommend(Request("", 5)),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("user_id:")));
}

TEST_F(RecommendTest, MalformedExcludedIdIsInvalid) {
  v1::RecommendRequest request = Request("solo", 5);
  request.mutable_filter()->add_exclude_item_ids("");
  EXPECT_THAT(Recommend(request),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("filter.exclude_item_ids[0]:")));
}

TEST_F(RecommendTest, RecommendationIdIsUniquePerAnswer) {
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse first,
                       Recommend(Request("solo", 3)));
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse second,
                       Recommend(Request("solo", 3)));
  // "<model>-<32 hex digits>", naming the model that made the list.
  EXPECT_THAT(first.recommendation_id(),
              StartsWith(absl::StrCat(first.model().name(), "-")));
  EXPECT_THAT(first.recommendation_id(),
              SizeIs(first.model().name().size() + 33));
  EXPECT_NE(first.recommendation_id(), second.recommendation_id());
}

TEST_F(RecommendTest, CountsColdStartsInMetrics) {
  Metrics& metrics = *shop_->server().metrics();
  const std::optional<double> before = testing::FindSample(
      metrics.Scrape(), "shopml_recommend_cold_start_total");
  ASSERT_TRUE(before.has_value());
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response,
                       Recommend(Request("another-stranger", 3)));
  ASSERT_TRUE(response.cold_start());
  EXPECT_EQ(testing::FindSample(metrics.Scrape(),
                                "shopml_recommend_cold_start_total"),
            *before + 1);
}

TEST_F(RecommendTest, CountsFallbacksInMetricsByModel) {
  Metrics& metrics = *shop_->server().metrics();
  const auto fallbacks = [&] {
    return testing::FindSample(metrics.Scrape(),
                               "shopml_recommend_fallback_total",
                               {{"model", "cooccurrence"}})
        .value_or(0);
  };
  const double before = fallbacks();
  ASSERT_OK_AND_ASSIGN(v1::RecommendResponse response,
                       Recommend(CooccurrenceRequest("solo", 10)));
  ASSERT_TRUE(response.fallback_used());
  EXPECT_EQ(fallbacks(), before + 1);
}

TEST(RecommendWithoutBundleTest, FailsWithFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ServingServer> shop,
      ServingServer::Start(storage::WriteBatchInput(), /*train=*/false));
  auto stub = v1::RecommendationService::NewStub(shop->NewChannel());
  grpc::ClientContext context;
  v1::RecommendRequest request;
  request.set_user_id("solo");
  v1::RecommendResponse response;
  EXPECT_THAT(FromGrpcStatus(stub->Recommend(&context, request, &response)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no model bundle loaded")));
}

}  // namespace
}  // namespace shopml::server
