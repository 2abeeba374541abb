// The trainer's forecasting step: the automatic model choice
// (core/forecast/auto_forecast.h) for every sales series of the store at each
// configured frequency, stored in the bundle as forecasts.pb. Series are
// taken best-selling first (units over the whole history) so a limit keeps
// the ones that matter most; series whose history holds no complete period
// are skipped. Each choice runs on one of `threads` threads.
//
// Thread safety: reentrant; the store must not be written concurrently
// (reads see a consistent snapshot per series only).
#ifndef SHOPML_SERVER_FORECAST_TRAINER_H_
#define SHOPML_SERVER_FORECAST_TRAINER_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/forecast/series.h"
#include "core/forecast/stored_forecasts.h"
#include "shopml/model/v1/manifest.pb.h"
#include "storage/store.h"

namespace shopml::server {

struct ForecastTrainingOptions {
  // false: no forecasts.pb; every Forecast chooses its model on request.
  bool enabled = true;
  // Series given a stored model, the best-selling first; 0: all. >= 0.
  int max_series = 0;
  // Frequencies a model is stored for. Default: daily and weekly.
  std::vector<core::Frequency> frequencies = {core::Frequency::kDaily,
                                              core::Frequency::kWeekly};
  // Threads for the choices; 0: the hardware's. In [0, 256].
  int threads = 0;
};

struct ForecastTrainingResult {
  // Absent when disabled or the store has no sales.
  std::optional<core::StoredForecasts> models;
  // "forecasts" ModelInfo for the manifest: counts of series, of each chosen
  // family, the mean cross-validation score per criterion, and the seconds
  // spent.
  model::v1::ModelInfo info;
};

// InvalidArgument naming the option for a bad option; store errors as they
// come.
absl::StatusOr<ForecastTrainingResult> TrainForecasts(
    const storage::Store& store, const ForecastTrainingOptions& options);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_FORECAST_TRAINER_H_
