#include "core/forecast/stored_forecasts.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

StoredForecast Combination(const std::string& id) {
  StoredForecast stored;
  stored.series_id = id;
  stored.frequency = Frequency::kWeekly;
  stored.model.family = ForecastFamily::kCombination;
  stored.model.season_length = 52;
  stored.model.ets_model = "MAdN";
  stored.model.arima = ArimaStructure{{2, 1, 1, 0, 0, 0, 1}, true};
  stored.criterion = "mase";
  stored.cv_origins = 3;
  stored.cv_horizon = 13;
  stored.candidate_scores = {{"seasonal_naive", 1.2}, {"combination", 0.7}};
  stored.demand_pattern = "smooth";
  stored.history_periods = 104;
  stored.last_period_start = 19700;
  stored.notes = {"a note"};
  return stored;
}

TEST(StoredForecastsTest, RoundTripsThroughItsProto) {
  StoredForecasts models;
  ASSERT_OK(models.Add(Combination("sku-1")));
  StoredForecast stl;
  stl.series_id = "sku-1";
  stl.model.family = ForecastFamily::kStlArima;
  stl.model.season_length = 7;
  stl.model.periods = {7, 365};
  ASSERT_OK(models.Add(stl));
  ASSERT_OK_AND_ASSIGN(StoredForecasts loaded,
                       StoredForecasts::FromProto(models.ToProto()));
  ASSERT_EQ(loaded.size(), 2u);
  const StoredForecast* weekly = loaded.Find("sku-1", Frequency::kWeekly);
  ASSERT_NE(weekly, nullptr);
  EXPECT_EQ(weekly->model.family, ForecastFamily::kCombination);
  EXPECT_EQ(weekly->model.ets_model, "MAdN");
  ASSERT_TRUE(weekly->model.arima.has_value());
  EXPECT_EQ(weekly->model.arima->order.p, 2);
  EXPECT_TRUE(weekly->model.arima->constant);
  EXPECT_THAT(weekly->candidate_scores, ElementsAre(Pair("seasonal_naive", 1.2),
                                                    Pair("combination", 0.7)));
  EXPECT_EQ(weekly->last_period_start, 19700);
  const StoredForecast* daily = loaded.Find("sku-1", Frequency::kDaily);
  ASSERT_NE(daily, nullptr);
  EXPECT_THAT(daily->model.periods, ElementsAre(7, 365));
  EXPECT_EQ(loaded.Find("sku-1", Frequency::kMonthly), nullptr);
  EXPECT_EQ(loaded.Find("sku-2", Frequency::kDaily), nullptr);
}

TEST(StoredForecastsTest, FromStoredRebuildsTheChoice) {
  const AutoChoice choice = FromStored(Combination("sku-1"));
  EXPECT_TRUE(choice.cross_validated);
  EXPECT_EQ(choice.best.family, ForecastFamily::kCombination);
  EXPECT_EQ(choice.demand.pattern, DemandPattern::kSmooth);
  ASSERT_EQ(choice.candidates.size(), 2u);
  EXPECT_EQ(choice.candidates[1].score, 0.7);
}

TEST(StoredForecastsTest, RejectsBadModelsNamingTheSeries) {
  StoredForecasts models;
  ASSERT_OK(models.Add(Combination("sku-1")));
  EXPECT_THAT(models.Add(Combination("sku-1")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("series 'sku-1': duplicate weekly")));
  model::v1::ForecastModels proto = models.ToProto();
  proto.mutable_series(0)->set_family("prophet");
  EXPECT_THAT(StoredForecasts::FromProto(proto),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("series 'sku-1': family")));
  proto = models.ToProto();
  proto.mutable_series(0)->set_ets_model("MMM");
  EXPECT_THAT(
      StoredForecasts::FromProto(proto),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("model:")));
  proto = models.ToProto();
  proto.mutable_series(0)->mutable_arima()->set_p(99);
  EXPECT_THAT(
      StoredForecasts::FromProto(proto),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("arima.p")));
  proto = models.ToProto();
  proto.mutable_series(0)->set_season_length(0);
  EXPECT_THAT(
      StoredForecasts::FromProto(proto),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("season_length")));
  proto = models.ToProto();
  proto.mutable_series(0)->set_frequency("hourly");
  EXPECT_THAT(
      StoredForecasts::FromProto(proto),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("frequency")));
  proto = models.ToProto();
  proto.set_format_version(2);
  EXPECT_THAT(StoredForecasts::FromProto(proto),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("format_version")));
}

}  // namespace
}  // namespace shopml::core
