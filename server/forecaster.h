// Forecaster: the logic of Forecast. Reads a series' daily sales from the
// store, builds the regular series of the requested frequency (missing days
// are zero sales; a trailing partial week or month is left out), and
// forecasts it with one of three models, in this order:
//   1. a family the request names, fitted on the spot;
//   2. the structure the bundle stores for the series and frequency
//      (core/forecast/stored_forecasts.h), its parameters re-estimated on the
//      current history: one fit;
//   3. otherwise the automatic choice by cross-validation
//      (core/forecast/auto_forecast.h) within the choice deadline.
// The result is mapped to the API answer with dated periods, the model, its
// parameters, fit statistics and cross-validation scores, and the inventory
// suggestion.
//
// Season length: 52 for weekly and 12 for monthly series. A daily series is
// forecast with a weekly season (7) unless its history shows no weekly
// pattern: when the weekday effect is not significant at the 5% level
// (core::WeeklyPatternPValue, a weekday-by-week analysis of variance), season
// 1 is used and a note says so. Histories shorter than two weeks keep 7 and
// are left to the models' short-history fallbacks. Daily series also offer
// the automatic choice a yearly period (365) once they hold two years.
//
// Thread safety: immutable after construction; safe to share. The store must
// outlive it.
#ifndef SHOPML_SERVER_FORECASTER_H_
#define SHOPML_SERVER_FORECASTER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "core/bundle/bundle.h"
#include "core/forecast/auto_forecast.h"
#include "core/forecast/model_choice.h"
#include "core/forecast/series.h"
#include "shopml/v1/forecast_service.pb.h"
#include "storage/store.h"

namespace shopml::server {

// ModelRef.version of a model chosen and fitted at request time.
inline constexpr char kLiveForecastVersion[] = "live";

// A validated Forecast request, defaults resolved.
struct ForecastQuery {
  std::string series_id;
  int horizon = 1;  // >= 1.
  core::Frequency frequency = core::Frequency::kDaily;
  std::vector<double> levels;                  // Percent, each in (0, 100).
  int lead_time = 0;                           // Periods, >= 0.
  double service_level = 95;                   // Percent, in [50, 100).
  std::optional<core::ForecastFamily> family;  // Named by the request.
};

class Forecaster {
 public:
  explicit Forecaster(const storage::Store& store);

  // `bundle` may be null (no stored models). `choice_deadline` bounds the
  // automatic choice. NotFound "series_id: unknown series '<id>'" for a
  // series without sales; FailedPrecondition when the history holds no
  // complete period of the requested frequency yet; DeadlineExceeded when
  // the choice deadline has passed before it starts. Errors are otherwise the
  // store's or the model's.
  absl::StatusOr<v1::ForecastResponse> Forecast(
      const ForecastQuery& query, const core::ModelBundle* bundle,
      absl::Time choice_deadline) const;

 private:
  const storage::Store* store_;
};

// The regular series of `series_id`'s sales at `frequency`. NotFound and
// FailedPrecondition as Forecast.
absl::StatusOr<core::Series> ReadSalesSeries(const storage::Store& store,
                                             const std::string& series_id,
                                             core::Frequency frequency);

// The automatic choice's options for `values` of `frequency` (season length
// and long periods as above).
core::AutoForecastOptions ChoiceOptions(absl::Span<const double> values,
                                        core::Frequency frequency,
                                        absl::Time deadline);

// The season length used for `values` of `frequency` (see above).
int ChooseSeasonLength(absl::Span<const double> values,
                       core::Frequency frequency);

// The longer periods the automatic choice may use for `frequency`.
std::vector<int> LongPeriods(core::Frequency frequency);

// "YYYY-MM-DD" of `days` since 1970-01-01.
std::string FormatDay(int32_t days);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_FORECASTER_H_
