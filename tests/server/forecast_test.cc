#include <cmath>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/data/demo_random.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/forecaster.h"
#include "server/status_util.h"
#include "shopml/v1/forecast_service.grpc.pb.h"
#include "tests/server/planted_shop.h"
#include "tests/testing/status_matchers.h"

namespace shopml::server {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::Contains;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

using testing::ServingServer;

absl::StatusOr<v1::ForecastResponse> CallForecast(
    ServingServer& shop, const v1::ForecastRequest& request) {
  auto stub = v1::ForecastService::NewStub(shop.NewChannel());
  grpc::ClientContext context;
  v1::ForecastResponse response;
  absl::Status status =
      FromGrpcStatus(stub->Forecast(&context, request, &response));
  if (!status.ok()) return status;
  return response;
}

v1::ForecastRequest Request(const std::string& series, int horizon,
                            v1::Frequency frequency = v1::FREQUENCY_DAILY) {
  v1::ForecastRequest request;
  request.set_series_id(series);
  request.set_horizon(horizon);
  request.set_frequency(frequency);
  return request;
}

std::vector<std::string> Dates(const v1::ForecastResponse& response) {
  std::vector<std::string> dates;
  for (const v1::ForecastPoint& point : response.points()) {
    dates.push_back(point.period_start());
  }
  return dates;
}

// One server with a trained bundle and the planted sales, shared by every
// suite of the binary.
ServingServer* shop = nullptr;

class ShopEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ServingServer>> started =
        ServingServer::Start(testing::PlantedShop(), /*train=*/true);
    ASSERT_TRUE(started.ok()) << started.status();
    shop = started->release();
  }
  void TearDown() override {
    delete shop;
    shop = nullptr;
  }
};

[[maybe_unused]] ::testing::Environment* const kShopEnvironment =
    ::testing::AddGlobalTestEnvironment(new ShopEnvironment);

class ForecastTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(shop, nullptr); }

  absl::StatusOr<v1::ForecastResponse> Forecast(
      const v1::ForecastRequest& request) {
    return CallForecast(*shop, request);
  }
};

TEST_F(ForecastTest, WeeklyPatternRepeatsExactlyWithDates) {
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response,
                       Forecast(Request("weekly-pattern", 14)));
  ASSERT_THAT(response.points(), SizeIs(14));
  for (int h = 0; h < 14; ++h) {
    const v1::ForecastPoint& point = response.points(h);
    EXPECT_DOUBLE_EQ(point.mean(), h % 7 + 1) << "h=" << h + 1;
    for (const v1::PredictionInterval& interval : point.intervals()) {
      EXPECT_DOUBLE_EQ(interval.lower(), point.mean());
      EXPECT_DOUBLE_EQ(interval.upper(), point.mean());
    }
  }
  // The history ends on Sunday 2024-02-25.
  EXPECT_EQ(response.points(0).period_start(), "2024-02-26");
  EXPECT_EQ(response.points(6).period_start(), "2024-03-03");
  EXPECT_EQ(response.points(13).period_start(), "2024-03-10");
  EXPECT_EQ(response.history_periods(), 56);
  EXPECT_EQ(response.model_details().at("season_length"), 7);
  // A pattern repeated exactly: seasonal naive has no error at all, and
  // the trainer's cross-validation stored it.
  EXPECT_EQ(response.model().name(), "seasonal_naive");
  EXPECT_EQ(response.model_source(), v1::MODEL_SOURCE_STORED);
  EXPECT_EQ(response.model().version(), shop->bundle()->version());
  EXPECT_EQ(response.model_details().at("cv_mase_seasonal_naive"), 0);
  EXPECT_EQ(response.frequency(), v1::FREQUENCY_DAILY);
  EXPECT_EQ(response.series_id(), "weekly-pattern");
}

TEST_F(ForecastTest, DefaultLevelsAreEightyAndNinetyFive) {
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response,
                       Forecast(Request("noisy", 3)));
  for (const v1::ForecastPoint& point : response.points()) {
    ASSERT_THAT(point.intervals(), SizeIs(2));
    EXPECT_EQ(point.intervals(0).level(), 80);
    EXPECT_EQ(point.intervals(1).level(), 95);
    EXPECT_LE(point.intervals(1).lower(), point.intervals(0).lower());
    EXPECT_GE(point.intervals(1).upper(), point.intervals(0).upper());
    EXPECT_GE(point.intervals(1).lower(), 0);
  }
}

TEST_F(ForecastTest, IntervalsFollowTheRequestedLevelOrder) {
  v1::ForecastRequest request = Request("noisy", 2);
  request.add_levels(95);
  request.add_levels(50);
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response, Forecast(request));
  ASSERT_THAT(response.points(0).intervals(), SizeIs(2));
  EXPECT_EQ(response.points(0).intervals(0).level(), 95);
  EXPECT_EQ(response.points(0).intervals(1).level(), 50);
}

TEST_F(ForecastTest, WeeklyAggregationStartsOnMondays) {
  ASSERT_OK_AND_ASSIGN(
      v1::ForecastResponse response,
      Forecast(Request("weekly-pattern", 3, v1::FREQUENCY_WEEKLY)));
  EXPECT_THAT(Dates(response),
              ElementsAre("2024-02-26", "2024-03-04", "2024-03-11"));
  EXPECT_EQ(response.history_periods(), 8);
  EXPECT_EQ(response.frequency(), v1::FREQUENCY_WEEKLY);
  // Every week sold 1 + 2 + ... + 7.
  for (const v1::ForecastPoint& point : response.points()) {
    EXPECT_DOUBLE_EQ(point.mean(), 28);
  }
}

TEST_F(ForecastTest, MonthlyAggregationDropsThePartialMonth) {
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response,
                       Forecast(Request("monthly", 3, v1::FREQUENCY_MONTHLY)));
  EXPECT_THAT(Dates(response),
              ElementsAre("2023-06-01", "2023-07-01", "2023-08-01"));
  EXPECT_EQ(response.history_periods(), 5);
  EXPECT_THAT(response.notes(), Not(IsEmpty()));
}

TEST_F(ForecastTest, InventoryReorderPointIsDemandPlusSafetyStock) {
  v1::ForecastRequest request = Request("noisy", 14);
  request.set_lead_time_periods(7);
  request.set_service_level(90);
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response, Forecast(request));
  ASSERT_TRUE(response.has_inventory());
  const v1::InventorySuggestion& inventory = response.inventory();
  EXPECT_EQ(inventory.lead_time_periods(), 7);
  EXPECT_EQ(inventory.service_level(), 90);
  double demand = 0;
  for (int h = 0; h < 7; ++h) demand += response.points(h).mean();
  EXPECT_THAT(inventory.lead_time_demand(), DoubleNear(demand, 1e-9));
  EXPECT_GE(inventory.safety_stock(), 0);
  EXPECT_THAT(
      inventory.reorder_point(),
      DoubleNear(inventory.lead_time_demand() + inventory.safety_stock(),
                 1e-9));
}

TEST_F(ForecastTest, LeadTimeMayExceedTheHorizon) {
  v1::ForecastRequest longer = Request("noisy", 7);
  longer.set_lead_time_periods(7);
  v1::ForecastRequest shorter = Request("noisy", 2);
  shorter.set_lead_time_periods(7);
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse expected, Forecast(longer));
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response, Forecast(shorter));
  EXPECT_THAT(response.points(), SizeIs(2));
  ASSERT_TRUE(response.has_inventory());
  EXPECT_EQ(response.inventory().lead_time_periods(), 7);
  EXPECT_DOUBLE_EQ(response.inventory().reorder_point(),
                   expected.inventory().reorder_point());
}

TEST_F(ForecastTest, NoInventoryWithoutLeadTime) {
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response,
                       Forecast(Request("noisy", 7)));
  EXPECT_FALSE(response.has_inventory());
}

TEST_F(ForecastTest, DefaultServiceLevelIsNinetyFive) {
  v1::ForecastRequest request = Request("noisy", 7);
  request.set_lead_time_periods(3);
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response, Forecast(request));
  EXPECT_EQ(response.inventory().service_level(), 95);
}

TEST_F(ForecastTest, StoredModelIsNamedWithItsChoice) {
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response,
                       Forecast(Request("noisy", 7)));
  EXPECT_EQ(response.model_source(), v1::MODEL_SOURCE_STORED);
  EXPECT_EQ(response.model().version(), shop->bundle()->version());
  EXPECT_FALSE(response.model_family().empty());
  EXPECT_TRUE(response.model_details().contains("cv_mase_theta"));
  EXPECT_THAT(response.notes(),
              Contains(HasSubstr("chosen by cross-validation")));
  EXPECT_THAT(response.notes(), Contains(HasSubstr("stored by bundle")));
}

TEST_F(ForecastTest, NamedModelIsFittedOnRequest) {
  v1::ForecastRequest request = Request("noisy", 7);
  request.set_model("ets");
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response, Forecast(request));
  EXPECT_EQ(response.model_source(), v1::MODEL_SOURCE_FITTED);
  EXPECT_EQ(response.model().version(), "live");
  EXPECT_THAT(response.model().name(), StartsWith("ETS("));
  EXPECT_TRUE(response.model_details().contains("alpha"));
  EXPECT_THAT(response.notes(), Contains(HasSubstr("as the request names it")));
}

TEST_F(ForecastTest, EveryNamedFamilyAnswersWithInventory) {
  for (const char* family :
       {"seasonal_naive", "ets", "arima", "theta", "stl_arima", "combination",
        "croston", "sba", "tsb"}) {
    v1::ForecastRequest request = Request("noisy", 5);
    request.set_model(family);
    request.set_lead_time_periods(4);
    ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response, Forecast(request));
    EXPECT_THAT(response.model_family(), StartsWith(family));
    ASSERT_TRUE(response.has_inventory()) << family;
    EXPECT_GE(response.inventory().safety_stock(), 0) << family;
    EXPECT_NEAR(response.inventory().reorder_point(),
                response.inventory().lead_time_demand() +
                    response.inventory().safety_stock(),
                1e-9)
        << family;
  }
}

TEST_F(ForecastTest, UnknownSeriesIsNotFound) {
  EXPECT_THAT(
      Forecast(Request("no-such-series", 7)),
      StatusIs(absl::StatusCode::kNotFound,
               HasSubstr("series_id: unknown series 'no-such-series'")));
}

struct InvalidCase {
  const char* name;
  void (*mutate)(v1::ForecastRequest&);
  const char* field;  // The message starts with it.
};

// Names the case in test output and ctest listings.
void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

class ForecastValidationTest
    : public ForecastTest,
      public ::testing::WithParamInterface<InvalidCase> {};

TEST_P(ForecastValidationTest, IsInvalidArgumentNamingTheField) {
  v1::ForecastRequest request = Request("noisy", 7);
  GetParam().mutate(request);
  EXPECT_THAT(Forecast(request), StatusIs(absl::StatusCode::kInvalidArgument,
                                          StartsWith(GetParam().field)));
}

INSTANTIATE_TEST_SUITE_P(
    Fields, ForecastValidationTest,
    ::testing::Values(
        InvalidCase{"EmptySeries", [](auto& r) { r.set_series_id(""); },
                    "series_id:"},
        InvalidCase{"ZeroHorizon", [](auto& r) { r.set_horizon(0); },
                    "horizon:"},
        InvalidCase{"HorizonAboveMax",
                    [](auto& r) { r.set_horizon(testing::kMaxHorizon + 1); },
                    "horizon:"},
        InvalidCase{
            "UnknownFrequency",
            [](auto& r) { r.set_frequency(static_cast<v1::Frequency>(9)); },
            "frequency:"},
        InvalidCase{"LevelHundred", [](auto& r) { r.add_levels(100); },
                    "levels[0]:"},
        InvalidCase{"LevelZero", [](auto& r) { r.add_levels(0); },
                    "levels[0]:"},
        InvalidCase{"DuplicateLevel",
                    [](auto& r) {
                      r.add_levels(80);
                      r.add_levels(80);
                    },
                    "levels[1]:"},
        InvalidCase{"TooManyLevels",
                    [](auto& r) {
                      for (double level : {10, 20, 30, 40, 50, 60}) {
                        r.add_levels(level);
                      }
                    },
                    "levels:"},
        InvalidCase{"NegativeLeadTime",
                    [](auto& r) { r.set_lead_time_periods(-1); },
                    "lead_time_periods:"},
        InvalidCase{"LeadTimeAboveMaxHorizon",
                    [](auto& r) { r.set_lead_time_periods(100000); },
                    "lead_time_periods:"},
        InvalidCase{"ServiceLevelHundred",
                    [](auto& r) { r.set_service_level(100); },
                    "service_level:"},
        InvalidCase{"ServiceLevelBelowFifty",
                    [](auto& r) { r.set_service_level(40); }, "service_level:"},
        InvalidCase{"UnknownModel", [](auto& r) { r.set_model("prophet"); },
                    "model:"},
        InvalidCase{"OverlongModel",
                    [](auto& r) { r.set_model(std::string(200, 'x')); },
                    "model:"}),
    [](const ::testing::TestParamInfo<InvalidCase>& info) {
      return std::string(info.param.name);
    });

// Two years of daily Poisson sales of mean 4 with twelve week-long promotions
// at x2, and, when `weekly`, the demo shop's weak weekly profile (weekdays
// 0.85-1.03, Saturday 1.30, Sunday 1.15).
std::vector<double> PlantedDailySales(bool weekly, uint64_t seed) {
  constexpr double kProfile[7] = {0.88, 0.85, 0.87, 0.92, 1.03, 1.30, 1.15};
  constexpr int kDays = 730;
  core::DemoRandom rng(seed, /*stream=*/0);
  std::vector<double> multiplier(kDays, 1);
  for (int k = 0; k < 12; ++k) {
    const int start = static_cast<int>(rng.Below(kDays - 7));
    for (int d = start; d < start + 7; ++d) multiplier[d] = 2;
  }
  std::vector<double> sales;
  for (int d = 0; d < kDays; ++d) {
    const double mean = 4 * multiplier[d] * (weekly ? kProfile[d % 7] : 1);
    sales.push_back(static_cast<double>(rng.Poisson(mean)));
  }
  return sales;
}

double MeanAbsLagError(const std::vector<double>& values, size_t lag) {
  double sum = 0;
  for (size_t t = 7; t < values.size(); ++t) {
    sum += std::abs(values[t] - values[t - lag]);
  }
  return sum / static_cast<double>(values.size() - 7);
}

TEST(ChooseSeasonLengthTest, WeakWeeklyPatternOnPoissonCountsGetsSeven) {
  const std::vector<double> sales = PlantedDailySales(/*weekly=*/true, 1);
  // The old rule chose season 1 here: repeating yesterday had the smaller
  // mean absolute error.
  ASSERT_LT(MeanAbsLagError(sales, 1), MeanAbsLagError(sales, 7));
  EXPECT_EQ(ChooseSeasonLength(sales, core::Frequency::kDaily), 7);
}

TEST(ChooseSeasonLengthTest, PoissonNoiseWithPromotionsGetsOne) {
  EXPECT_EQ(ChooseSeasonLength(PlantedDailySales(/*weekly=*/false, 2),
                               core::Frequency::kDaily),
            1);
}

TEST(ChooseSeasonLengthTest, ShortDailyHistoryKeepsSeven) {
  const std::vector<double> sales(13, 1.0);
  EXPECT_EQ(ChooseSeasonLength(sales, core::Frequency::kDaily), 7);
}

TEST(ChooseSeasonLengthTest, WeeklyAndMonthlySeriesKeepTheirSeasons) {
  const std::vector<double> noise = PlantedDailySales(/*weekly=*/false, 3);
  EXPECT_EQ(ChooseSeasonLength(noise, core::Frequency::kWeekly), 52);
  EXPECT_EQ(ChooseSeasonLength(noise, core::Frequency::kMonthly), 12);
}

// A series written after training has no stored model: the server chooses
// one by cross-validation within the request.
TEST(ForecastOnRequestTest, TwoYearDailySeriesIsChosenAndFitted) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ServingServer> served,
      ServingServer::Start(testing::PlantedShop(), /*train=*/true));
  const std::vector<double> sales = PlantedDailySales(/*weekly=*/true, 4);
  storage::WriteBatchInput batch;
  for (size_t d = 0; d < sales.size(); ++d) {
    batch.sales.push_back(storage::SaleInput{
        "late-series", testing::SalesStartDay() + static_cast<int32_t>(d),
        sales[d]});
  }
  ASSERT_OK(served->Write(batch));
  v1::ForecastRequest request = Request("late-series", 28);
  request.set_lead_time_periods(7);
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response,
                       CallForecast(*served, request));
  EXPECT_EQ(response.model_source(), v1::MODEL_SOURCE_FITTED);
  EXPECT_EQ(response.model().version(), "live");
  EXPECT_EQ(response.history_periods(), 730);
  EXPECT_EQ(response.model_details().at("season_length"), 7);
  EXPECT_EQ(response.model_details().at("cv_origins"), 3);
  EXPECT_THAT(response.notes(),
              Contains(HasSubstr("chosen by cross-validation")));
  ASSERT_THAT(response.points(), SizeIs(28));
  for (const v1::ForecastPoint& point : response.points()) {
    // Mean 4 a day, more on promotions and weekends.
    EXPECT_GT(point.mean(), 2);
    EXPECT_LT(point.mean(), 9);
    EXPECT_LE(point.intervals(1).lower(), point.intervals(0).lower());
    EXPECT_GE(point.intervals(1).upper(), point.intervals(0).upper());
  }
  ASSERT_TRUE(response.has_inventory());
  EXPECT_GT(response.inventory().safety_stock(), 0);
}

TEST(ForecastWithoutBundleTest, ForecastsWithLiveVersion) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ServingServer> bare,
      ServingServer::Start(testing::PlantedShop(), /*train=*/false));
  ASSERT_OK_AND_ASSIGN(v1::ForecastResponse response,
                       CallForecast(*bare, Request("weekly-pattern", 7)));
  EXPECT_EQ(response.model().version(), "live");
  EXPECT_THAT(response.points(), SizeIs(7));
}

}  // namespace
}  // namespace shopml::server
