// Forecaster: the logic of Forecast. Reads a series' daily sales from the
// store, builds the regular series of the requested frequency (missing days
// are zero sales; a trailing partial week or month is left out), forecasts it
// with the seasonal naive model and its empirical prediction intervals, and
// maps the result to the API answer with dated periods and the inventory
// suggestion.
//
// Season length: 52 for weekly and 12 for monthly series. A daily series is
// forecast with a weekly season (7) unless its history shows no weekly
// pattern: when the weekday effect is not significant at the 5% level
// (core::WeeklyPatternPValue, a weekday-by-week analysis of variance), season
// 1 is used and a note says so. Histories shorter than two weeks keep 7 and
// are left to the model's short-history fallback.
//
// Thread safety: immutable after construction; safe to share. The store must
// outlive it.
#ifndef SHOPML_SERVER_FORECASTER_H_
#define SHOPML_SERVER_FORECASTER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/forecast/series.h"
#include "shopml/v1/forecast_service.pb.h"
#include "storage/store.h"

namespace shopml::server {

// A validated Forecast request, defaults resolved.
struct ForecastQuery {
  std::string series_id;
  int horizon = 1;  // >= 1.
  core::Frequency frequency = core::Frequency::kDaily;
  std::vector<double> levels;  // Percent, each in (0, 100).
  int lead_time = 0;           // Periods, in [0, horizon].
  double service_level = 95;   // Percent, in [50, 100).
};

class Forecaster {
 public:
  explicit Forecaster(const storage::Store& store);

  // `model_version` goes to ModelRef.version. NotFound "series_id: unknown
  // series '<id>'" for a series without sales; FailedPrecondition when the
  // history holds no complete period of the requested frequency yet. Errors
  // are otherwise the store's or the model's.
  absl::StatusOr<v1::ForecastResponse> Forecast(
      const ForecastQuery& query, const std::string& model_version) const;

 private:
  const storage::Store* store_;
};

// The season length used for `values` of `frequency` (see above).
int ChooseSeasonLength(absl::Span<const double> values,
                       core::Frequency frequency);

// "YYYY-MM-DD" of `days` since 1970-01-01.
std::string FormatDay(int32_t days);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_FORECASTER_H_
