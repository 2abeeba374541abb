#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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
using ::testing::DoubleNear;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

using testing::ItemName;
using testing::ServingServer;

const int kSocks = testing::CategoryIndex("socks");

// Fitted biases shrink toward 0 by n / (n + lambda); with lambda 1 and 24
// ratings per rater, 40 per item, predictions stay this close to the plant.
constexpr double kRatingTolerance = 0.15;

absl::StatusOr<v1::ScoreResponse> CallScore(ServingServer& shop,
                                            const v1::ScoreRequest& request) {
  auto stub = v1::RecommendationService::NewStub(shop.NewChannel());
  grpc::ClientContext context;
  v1::ScoreResponse response;
  absl::Status status =
      FromGrpcStatus(stub->Score(&context, request, &response));
  if (!status.ok()) return status;
  return response;
}

// One server with a trained bundle for the whole binary.
class ScoreTest : public ::testing::Test {
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

  void SetUp() override { ASSERT_NE(shop_, nullptr); }

  absl::StatusOr<v1::ScoreResponse> Score(const v1::ScoreRequest& request) {
    return CallScore(*shop_, request);
  }

  static v1::ScoreRequest Request(const std::string& user,
                                  const std::vector<std::string>& items,
                                  v1::ScoreTarget target) {
    v1::ScoreRequest request;
    request.set_user_id(user);
    for (const std::string& item : items) request.add_item_ids(item);
    request.set_target(target);
    return request;
  }

  static ServingServer* shop_;
};

ServingServer* ScoreTest::shop_ = nullptr;

std::vector<std::string> SocksItems() {
  std::vector<std::string> items;
  for (int i = 0; i < testing::kItemsPerCategory; ++i) {
    items.push_back(ItemName(kSocks, i));
  }
  return items;
}

TEST_F(ScoreTest, RatingIsNearPlantedUserAndItemBiases) {
  for (int rater : {0, 3}) {
    ASSERT_OK_AND_ASSIGN(v1::ScoreResponse response,
                         Score(Request(testing::RaterName(rater), SocksItems(),
                                       v1::SCORE_TARGET_RATING)));
    ASSERT_THAT(response.scores(), SizeIs(testing::kItemsPerCategory));
    for (int i = 0; i < testing::kItemsPerCategory; ++i) {
      EXPECT_THAT(response.scores(i).prediction(),
                  DoubleNear(testing::kRatingMean + testing::RaterBias(rater) +
                                 testing::ItemBias(i),
                             kRatingTolerance))
          << "rater " << rater << ", item " << i;
    }
    EXPECT_EQ(response.model().name(), "bias_baseline");
    EXPECT_EQ(response.target(), v1::SCORE_TARGET_RATING);
  }
}

TEST_F(ScoreTest, UnknownUserGetsThePopulationRating) {
  ASSERT_OK_AND_ASSIGN(
      v1::ScoreResponse response,
      Score(Request("never-seen", SocksItems(), v1::SCORE_TARGET_RATING)));
  for (int i = 0; i < testing::kItemsPerCategory; ++i) {
    EXPECT_THAT(response.scores(i).prediction(),
                DoubleNear(testing::kRatingMean + testing::ItemBias(i),
                           kRatingTolerance))
        << "item " << i;
  }
}

TEST_F(ScoreTest, PurchaseProbabilityFollowsPlantedConversion) {
  ASSERT_OK_AND_ASSIGN(
      v1::ScoreResponse response,
      Score(Request("solo", SocksItems(), v1::SCORE_TARGET_UNSPECIFIED)));
  ASSERT_THAT(response.scores(), SizeIs(testing::kItemsPerCategory));
  for (int i = 0; i < testing::kItemsPerCategory; ++i) {
    EXPECT_GE(response.scores(i).prediction(), 0);
    EXPECT_LE(response.scores(i).prediction(), 1);
    if (i > 0) {
      EXPECT_LT(response.scores(i).prediction(),
                response.scores(i - 1).prediction())
          << "socks-" << i << " converts less than socks-" << i - 1;
    }
  }
  EXPECT_EQ(response.target(), v1::SCORE_TARGET_PURCHASE_PROBABILITY);
  EXPECT_EQ(response.model().name(), "conversion_rate");
  EXPECT_EQ(response.model().version(), shop_->bundle()->version());
}

TEST_F(ScoreTest, ScoresComeInRequestOrder) {
  const std::vector<std::string> items = {
      ItemName(kSocks, 4), ItemName(kSocks, 0), testing::kLateItem};
  ASSERT_OK_AND_ASSIGN(
      v1::ScoreResponse response,
      Score(Request("solo", items, v1::SCORE_TARGET_PURCHASE_PROBABILITY)));
  ASSERT_THAT(response.scores(), SizeIs(3));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(response.scores(i).item_id(), items[i]);
  }
  EXPECT_LT(response.scores(0).prediction(), response.scores(1).prediction());
}

TEST_F(ScoreTest, UnknownItemIsNotFoundNamingIt) {
  EXPECT_THAT(Score(Request("solo", {ItemName(kSocks, 0), "no-such-item"},
                            v1::SCORE_TARGET_RATING)),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("item_ids[1]: unknown item 'no-such-item'")));
}

TEST_F(ScoreTest, TooManyItemsAreInvalid) {
  std::vector<std::string> items(testing::kMaxScoreItems + 1,
                                 ItemName(kSocks, 0));
  EXPECT_THAT(
      Score(Request("solo", items, v1::SCORE_TARGET_RATING)),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("item_ids:")));
}

TEST_F(ScoreTest, NoItemsAreInvalid) {
  EXPECT_THAT(
      Score(Request("solo", {}, v1::SCORE_TARGET_RATING)),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("item_ids:")));
}

TEST_F(ScoreTest, MalformedItemIdIsInvalidNamingIt) {
  EXPECT_THAT(
      Score(
          Request("solo", {ItemName(kSocks, 0), ""}, v1::SCORE_TARGET_RATING)),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("item_ids[1]:")));
}

TEST_F(ScoreTest, EmptyUserIdIsInvalid) {
  EXPECT_THAT(
      Score(Request("", {ItemName(kSocks, 0)}, v1::SCORE_TARGET_RATING)),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("user_id:")));
}

TEST(ScoreWithoutRatingsTest, RatingIsFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ServingServer> shop,
      ServingServer::Start(testing::PlantedShop(/*with_ratings=*/false),
                           /*train=*/true));
  v1::ScoreRequest request;
  request.set_user_id("solo");
  request.add_item_ids(ItemName(kSocks, 0));
  request.set_target(v1::SCORE_TARGET_RATING);
  EXPECT_THAT(CallScore(*shop, request),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no rating model")));
}

TEST(ScoreWithoutBundleTest, FailsWithFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ServingServer> shop,
      ServingServer::Start(storage::WriteBatchInput(), /*train=*/false));
  v1::ScoreRequest request;
  request.set_user_id("solo");
  request.add_item_ids("socks-0");
  EXPECT_THAT(CallScore(*shop, request),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no model bundle loaded")));
}

}  // namespace
}  // namespace shopml::server
