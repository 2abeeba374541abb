// The per-series forecasting models a bundle stores (forecasts.pb): for each
// series and frequency, the structure the automatic choice picked at
// training time (auto_forecast.h) and the scores behind it. Serving fits the
// structure to the series' current history (ForecastWithChoice), which costs
// one fit instead of the choice's dozens.
//
// Thread safety: immutable after construction; safe to share.
#ifndef SHOPML_CORE_FORECAST_STORED_FORECASTS_H_
#define SHOPML_CORE_FORECAST_STORED_FORECASTS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/forecast/auto_forecast.h"
#include "core/forecast/model_choice.h"
#include "core/forecast/series.h"
#include "shopml/model/v1/forecast_models.pb.h"

namespace shopml::core {

// "daily", "weekly", "monthly".
const char* FrequencyName(Frequency frequency);
// InvalidArgument "frequency: ..." for another name.
absl::StatusOr<Frequency> ParseFrequencyName(absl::string_view name);

struct StoredForecast {
  std::string series_id;
  Frequency frequency = Frequency::kDaily;
  ModelChoice model;
  std::string criterion;  // "mase", "rmsse" or "" (not cross-validated).
  int cv_origins = 0, cv_horizon = 0;
  std::vector<std::pair<std::string, double>> candidate_scores;  // family.
  std::string demand_pattern;
  int history_periods = 0;
  int32_t last_period_start = 0;  // Days since 1970-01-01.
  std::vector<std::string> notes;
};

// The stored form of `choice` for a series of `frequency`.
StoredForecast ToStored(std::string series_id, Frequency frequency,
                        const AutoChoice& choice, int history_periods,
                        int32_t last_period_start);
// The AutoChoice a stored model describes (DescribeChoice reads it).
AutoChoice FromStored(const StoredForecast& stored);

class StoredForecasts {
 public:
  // InvalidArgument naming the series for a duplicate series and frequency,
  // an id outside 1-128 bytes, or a field out of range (family, frequency,
  // season length, periods, ETS code, ARIMA orders, scores).
  static absl::StatusOr<StoredForecasts> FromProto(
      const model::v1::ForecastModels& proto);
  model::v1::ForecastModels ToProto() const;

  // InvalidArgument as FromProto.
  absl::Status Add(StoredForecast model);
  // Null when the series has no stored model for `frequency`.
  const StoredForecast* Find(absl::string_view series_id,
                             Frequency frequency) const;
  size_t size() const { return models_.size(); }

 private:
  std::vector<StoredForecast> models_;
  absl::flat_hash_map<std::string, size_t> index_;  // Key: id '\n' frequency.
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_STORED_FORECASTS_H_
