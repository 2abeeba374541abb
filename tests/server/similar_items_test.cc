#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/status_util.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/planted_shop.h"
#include "tests/testing/status_matchers.h"

namespace shopml::server {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::Contains;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

using testing::ItemName;
using testing::kNumItems;
using testing::ServingServer;

const int kShoes = testing::CategoryIndex("shoes");
const int kHats = testing::CategoryIndex("hats");

std::vector<std::string> Ids(const v1::SimilarItemsResponse& response) {
  std::vector<std::string> ids;
  for (const v1::SimilarItem& item : response.items()) {
    ids.push_back(item.item_id());
  }
  return ids;
}

// One server with a trained bundle for the whole binary.
class SimilarItemsTest : public ::testing::Test {
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

  absl::StatusOr<v1::SimilarItemsResponse> SimilarItems(
      const v1::SimilarItemsRequest& request) {
    grpc::ClientContext context;
    v1::SimilarItemsResponse response;
    absl::Status status =
        FromGrpcStatus(stub_->SimilarItems(&context, request, &response));
    if (!status.ok()) return status;
    return response;
  }

  static v1::SimilarItemsRequest Request(const std::string& item, int k) {
    v1::SimilarItemsRequest request;
    request.set_item_id(item);
    request.set_k(k);
    return request;
  }

  // The bundle's neighbours of `item_id`, as external ids.
  std::vector<std::string> Neighbors(const std::string& item_id) {
    std::vector<std::string> ids;
    absl::StatusOr<uint32_t> item = shop_->store().FindItem(item_id);
    if (!item.ok()) return ids;
    for (const core::Neighbor& neighbor :
         shop_->bundle()->cooccurrence.Neighbors(*item)) {
      ids.push_back(shop_->store().ItemId(neighbor.item));
    }
    return ids;
  }

  static ServingServer* shop_;
  std::unique_ptr<v1::RecommendationService::Stub> stub_;
};

ServingServer* SimilarItemsTest::shop_ = nullptr;

TEST_F(SimilarItemsTest, UnknownItemIsNotFound) {
  EXPECT_THAT(SimilarItems(Request("no-such-item", 5)),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("item_id: unknown item 'no-such-item'")));
}

TEST_F(SimilarItemsTest, EmptyItemIdIsInvalid) {
  EXPECT_THAT(
      SimilarItems(Request("", 5)),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("item_id:")));
}

TEST_F(SimilarItemsTest, KAboveMaxKIsInvalid) {
  EXPECT_THAT(SimilarItems(Request(ItemName(kShoes, 0), testing::kMaxK + 1)),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("k:")));
}

TEST_F(SimilarItemsTest, BoughtTogetherPartnersComeFirst) {
  ASSERT_OK_AND_ASSIGN(v1::SimilarItemsResponse response,
                       SimilarItems(Request(ItemName(kShoes, 0), 2)));
  EXPECT_THAT(Ids(response), ::testing::UnorderedElementsAre(
                                 ItemName(kShoes, 1), ItemName(kShoes, 2)));
  for (const v1::SimilarItem& item : response.items()) {
    EXPECT_EQ(item.reason(), v1::REASON_BOUGHT_TOGETHER);
    EXPECT_GT(item.score(), 0);
    EXPECT_LE(item.score(), 1);
  }
  EXPECT_FALSE(response.fallback_used());
  EXPECT_EQ(response.model().name(), "cooccurrence");
  EXPECT_EQ(response.model().version(), shop_->bundle()->version());
}

TEST_F(SimilarItemsTest, NeighboursKeepTheModelsOrder) {
  const std::vector<std::string> neighbors = Neighbors(ItemName(kShoes, 0));
  ASSERT_GE(neighbors.size(), 3u);
  ASSERT_OK_AND_ASSIGN(
      v1::SimilarItemsResponse response,
      SimilarItems(
          Request(ItemName(kShoes, 0), static_cast<int>(neighbors.size()))));
  EXPECT_EQ(Ids(response), neighbors);
  for (int i = 1; i < response.items_size(); ++i) {
    EXPECT_LE(response.items(i).score(), response.items(i - 1).score()) << i;
  }
}

TEST_F(SimilarItemsTest, FallbackFillsWithSameCategoryThenShop) {
  const size_t num_neighbors = Neighbors(ItemName(kShoes, 0)).size();
  ASSERT_OK_AND_ASSIGN(v1::SimilarItemsResponse response,
                       SimilarItems(Request(ItemName(kShoes, 0), 12)));
  ASSERT_THAT(response.items(), SizeIs(12));
  EXPECT_TRUE(response.fallback_used());
  const v1::SimilarItem& first_fill = response.items(num_neighbors);
  EXPECT_EQ(first_fill.reason(), v1::REASON_POPULAR_IN_CATEGORY);
  EXPECT_EQ(first_fill.category(), "shoes");
  EXPECT_EQ(response.items(11).reason(), v1::REASON_POPULAR);
}

TEST_F(SimilarItemsTest, ItemItselfIsNeverReturned) {
  ASSERT_OK_AND_ASSIGN(v1::SimilarItemsResponse response,
                       SimilarItems(Request(ItemName(kShoes, 0), kNumItems)));
  EXPECT_THAT(Ids(response), Not(Contains(ItemName(kShoes, 0))));
  EXPECT_THAT(response.items(), SizeIs(kNumItems - 1));
}

TEST_F(SimilarItemsTest, CategoryFilterHoldsAndFillsToK) {
  v1::SimilarItemsRequest request = Request(ItemName(kShoes, 0), 7);
  request.mutable_filter()->add_categories("hats");
  ASSERT_OK_AND_ASSIGN(v1::SimilarItemsResponse response,
                       SimilarItems(request));
  ASSERT_THAT(response.items(), SizeIs(7));
  for (const v1::SimilarItem& item : response.items()) {
    EXPECT_EQ(item.category(), "hats") << item.item_id();
  }
  EXPECT_THAT(Ids(response), Contains(testing::kLateItem));
}

TEST_F(SimilarItemsTest, ExcludedIdsAndOutOfStockAreLeftOut) {
  v1::SimilarItemsRequest request = Request(ItemName(kShoes, 0), kNumItems);
  request.mutable_filter()->add_exclude_item_ids(ItemName(kShoes, 1));
  request.mutable_filter()->set_in_stock_only(true);
  ASSERT_OK_AND_ASSIGN(v1::SimilarItemsResponse response,
                       SimilarItems(request));
  const std::vector<std::string> ids = Ids(response);
  EXPECT_THAT(ids, Not(Contains(ItemName(kShoes, 1))));
  EXPECT_THAT(ids, Each(Not(HasSubstr("-5"))));
  // All items but the query item, the excluded one and the out of stock ones.
  EXPECT_THAT(ids, SizeIs(kNumItems - 2 - testing::kNumOutOfStock));
}

TEST_F(SimilarItemsTest, UserFiltersApplyOnlyWithUser) {
  v1::SimilarItemsRequest request = Request(ItemName(kShoes, 1), kNumItems);
  request.mutable_filter()->set_exclude_purchased(true);
  ASSERT_OK_AND_ASSIGN(v1::SimilarItemsResponse without_user,
                       SimilarItems(request));
  EXPECT_THAT(Ids(without_user), Contains(ItemName(kShoes, 0)));

  request.set_user_id("solo");
  ASSERT_OK_AND_ASSIGN(v1::SimilarItemsResponse with_user,
                       SimilarItems(request));
  EXPECT_THAT(Ids(with_user), Not(Contains(ItemName(kShoes, 0))));
  EXPECT_THAT(with_user.items(), SizeIs(kNumItems - 2));
}

TEST_F(SimilarItemsTest, ExcludeSeenUsesTheUsersWholeHistory) {
  v1::SimilarItemsRequest request = Request(ItemName(kShoes, 1), kNumItems);
  request.set_user_id("browser");
  request.mutable_filter()->set_exclude_seen(true);
  ASSERT_OK_AND_ASSIGN(v1::SimilarItemsResponse response,
                       SimilarItems(request));
  const std::vector<std::string> ids = Ids(response);
  EXPECT_THAT(ids, Not(Contains(ItemName(kShoes, 0))));
  EXPECT_THAT(ids, Not(Contains(ItemName(kHats, 3))));
  EXPECT_THAT(ids, SizeIs(kNumItems - 3));
}

TEST_F(SimilarItemsTest, ItemNewerThanBundleGetsItsCategorysPopularItems) {
  ASSERT_OK_AND_ASSIGN(v1::SimilarItemsResponse response,
                       SimilarItems(Request(testing::kLateItem, 3)));
  ASSERT_THAT(response.items(), SizeIs(3));
  EXPECT_TRUE(response.fallback_used());
  for (const v1::SimilarItem& item : response.items()) {
    EXPECT_EQ(item.reason(), v1::REASON_POPULAR_IN_CATEGORY);
    EXPECT_EQ(item.category(), "hats");
  }
}

// Runs after ItemNewerThanBundleGetsItsCategorysPopularItems in a whole-
// binary run: it gives kLateItem buyers.
TEST_F(SimilarItemsTest, ItemNewerThanBundleGetsLiveBoughtTogether) {
  storage::WriteBatchInput batch;
  for (int u = 0; u < 3; ++u) {
    const std::string user = absl::StrCat("late-buyer-", u);
    const int64_t t = int64_t{1704067200 + 30 * 86400 + u * 60} * 1000000;
    for (const std::string& item :
         {std::string(testing::kLateItem),
          ItemName(testing::CategoryIndex("bags"), 4)}) {
      storage::EventInput e;
      e.user_id = user;
      e.item_id = item;
      e.kind = storage::EventKind::kPurchase;
      e.time_micros = t;
      batch.events.push_back(e);
    }
    if (u == 0) {
      storage::EventInput view;
      view.user_id = user;
      view.item_id = ItemName(testing::CategoryIndex("socks"), 1);
      view.kind = storage::EventKind::kView;
      view.time_micros = t + 1000000;
      batch.events.push_back(view);
    }
  }
  ASSERT_OK(shop_->Write(batch));
  ASSERT_OK_AND_ASSIGN(v1::SimilarItemsResponse response,
                       SimilarItems(Request(testing::kLateItem, 3)));
  ASSERT_THAT(response.items(), SizeIs(3));
  // bags-4: bought by all three buyers; socks-1: viewed by one (0.1 / 3).
  EXPECT_EQ(response.items(0).item_id(),
            ItemName(testing::CategoryIndex("bags"), 4));
  EXPECT_EQ(response.items(0).reason(), v1::REASON_BOUGHT_TOGETHER);
  EXPECT_NEAR(response.items(0).score(), 1.0, 1e-6);
  EXPECT_EQ(response.items(1).item_id(),
            ItemName(testing::CategoryIndex("socks"), 1));
  EXPECT_EQ(response.items(1).reason(), v1::REASON_BOUGHT_TOGETHER);
  EXPECT_TRUE(response.fallback_used());  // The third is a fill.
  EXPECT_NE(response.items(2).reason(), v1::REASON_BOUGHT_TOGETHER);
}

}  // namespace
}  // namespace shopml::server
