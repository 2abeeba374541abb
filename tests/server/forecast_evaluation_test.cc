#include "server/forecast_evaluation.h"

#include <memory>
#include <string>

#include "core/data/demo_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/csv_import.h"
#include "storage/store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A small demo shop's two years of daily sales in a fresh store, with the
// generator's truth_series.csv beside it.
class ForecastEvaluationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::DemoOptions options;
    options.num_users = 20;
    options.num_items = 24;
    options.num_categories = 2;
    options.num_events = 500;
    ASSERT_OK_AND_ASSIGN(core::DemoShop shop, core::GenerateDemoShop(options));
    ASSERT_OK(core::WriteDemoCsv(shop, dir_.Sub("csv")));
    storage::StoreOptions store_options;
    store_options.path = dir_.Sub("store");
    store_options.sync = storage::SyncMode::kNoSync;
    ASSERT_OK_AND_ASSIGN(store_, storage::Store::Open(store_options));
    storage::ImportOptions import;
    import.progress = false;
    ASSERT_OK(storage::ImportCsv(*store_, storage::CsvKind::kSales,
                                 dir_.Sub("csv/sales.csv"), import)
                  .status());
  }

  ForecastEvaluationOptions Options() const {
    ForecastEvaluationOptions options;
    options.models = {"auto", "seasonal_naive"};
    options.origins = 3;
    options.max_series = 0;
    options.truth_path = dir_.Sub("csv/truth_series.csv");
    return options;
  }

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(ForecastEvaluationTest, RecoversThePlantedStructure) {
  ASSERT_OK_AND_ASSIGN(ForecastEvaluation evaluation,
                       EvaluateForecasts(*store_, Options()));
  ASSERT_EQ(evaluation.series.size(), 24u);
  ASSERT_TRUE(evaluation.truth.has_value());
  const TruthRecovery& truth = *evaluation.truth;
  // Planted intermittent demand (a sale on 5-20 % of days) is recognised.
  ASSERT_GT(truth.intermittent_series, 0);
  EXPECT_EQ(truth.intermittent_recovered, truth.intermittent_series);
  // The weekend uplift is found in most smooth series, and trends of more
  // than 10 % a year get their direction right.
  ASSERT_GT(truth.smooth_series, 0);
  EXPECT_GE(truth.weekly_season, 0.7 * truth.smooth_series);
  ASSERT_GT(truth.trend_strong_series, 0);
  EXPECT_GE(truth.trend_sign_agreement, 0.8 * truth.trend_strong_series);
  EXPECT_GT(truth.trend_correlation, 0.5);
  // The automatic choice beats seasonal naive overall.
  ASSERT_EQ(evaluation.overall.size(), 2u);
  EXPECT_EQ(evaluation.overall[0].model, "auto");
  EXPECT_EQ(evaluation.overall[0].series, 24);
  EXPECT_LT(evaluation.overall[0].relative_mase, 1);
  EXPECT_DOUBLE_EQ(evaluation.overall[1].relative_mase, 1);
  const std::string json = ForecastEvaluationJson(evaluation);
  EXPECT_THAT(json, StartsWith("{\"frequency\":\"daily\",\"horizon\":7,"));
  EXPECT_THAT(json, HasSubstr("\"truth\":{\"intermittent_series\":"));
  EXPECT_THAT(ForecastEvaluationText(evaluation),
              HasSubstr("planted structure recovered"));
}

TEST_F(ForecastEvaluationTest, WeeklySeriesAreEvaluatedToo) {
  ForecastEvaluationOptions options = Options();
  options.frequency = core::Frequency::kWeekly;
  options.truth_path.clear();
  options.models = {"seasonal_naive", "ets"};
  ASSERT_OK_AND_ASSIGN(ForecastEvaluation evaluation,
                       EvaluateForecasts(*store_, options));
  EXPECT_EQ(evaluation.options.horizon, 13);
  EXPECT_EQ(evaluation.series.size(), 24u);
  EXPECT_FALSE(evaluation.truth.has_value());
}

TEST_F(ForecastEvaluationTest, RejectsBadOptionsAndTruthNamingTheField) {
  ForecastEvaluationOptions options = Options();
  options.models = {"auto", "prophet"};
  EXPECT_THAT(EvaluateForecasts(*store_, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("models: unknown model \"prophet\"")));
  options = Options();
  options.origins = 0;
  EXPECT_THAT(
      EvaluateForecasts(*store_, options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("origins")));
  options = Options();
  const std::string header =
      "series_id,intermittent,trend_per_year,profile_mon,profile_tue,"
      "profile_wed,profile_thu,profile_fri,profile_sat,profile_sun\n";
  options.truth_path =
      dir_.WriteFile("bad_truth.csv", header +
                                          "I00000,0,0.1,1,1,1,1,1,1,1\n"
                                          "I00001,2,0.1,1,1,1,1,1,1,1\n");
  EXPECT_THAT(EvaluateForecasts(*store_, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(":3: intermittent: must be 0 or 1")));
}

}  // namespace
}  // namespace shopml::server
