#include "server/forecast_truth.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/forecast/auto_forecast.h"
#include "core/util/status_macros.h"
#include "server/forecaster.h"
#include "storage/csv_reader.h"

namespace shopml::server {
namespace {

constexpr int kWindow = 28;
// Largest weekday spread (relative to the mean) of a flat forecast.
constexpr double kFlatProfile = 1e-3;
constexpr double kYearDays = 365.25;
constexpr const char* kProfileColumns[7] = {
    "profile_mon", "profile_tue", "profile_wed", "profile_thu",
    "profile_fri", "profile_sat", "profile_sun"};

// Monday = 0. 1970-01-01 was a Thursday.
int Weekday(int64_t day) { return static_cast<int>(((day + 3) % 7 + 7) % 7); }

absl::StatusOr<double> Number(const storage::CsvReader& reader,
                              const std::string& field, const char* column) {
  double value = 0;
  if (!absl::SimpleAtod(field, &value) || !std::isfinite(value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        reader.Location(), column, ": not a number: \"", field, "\""));
  }
  return value;
}

}  // namespace

absl::StatusOr<absl::flat_hash_map<std::string, PlantedSeries>> ReadSeriesTruth(
    const std::string& path) {
  SHOPML_ASSIGN_OR_RETURN(std::unique_ptr<storage::CsvReader> reader,
                          storage::CsvReader::Open(path));
  SHOPML_ASSIGN_OR_RETURN(size_t id_column, reader->RequireColumn("series_id"));
  SHOPML_ASSIGN_OR_RETURN(size_t intermittent_column,
                          reader->RequireColumn("intermittent"));
  SHOPML_ASSIGN_OR_RETURN(size_t trend_column,
                          reader->RequireColumn("trend_per_year"));
  std::array<size_t, 7> profile_columns{};
  for (int d = 0; d < 7; ++d) {
    SHOPML_ASSIGN_OR_RETURN(profile_columns[d],
                            reader->RequireColumn(kProfileColumns[d]));
  }
  absl::flat_hash_map<std::string, PlantedSeries> truth;
  std::vector<std::string> fields;
  while (true) {
    SHOPML_ASSIGN_OR_RETURN(bool more, reader->Next(fields));
    if (!more) break;
    PlantedSeries planted;
    const std::string& flag = fields[intermittent_column];
    if (flag != "0" && flag != "1") {
      return absl::InvalidArgumentError(
          absl::StrCat(reader->Location(),
                       "intermittent: must be 0 or 1, got \"", flag, "\""));
    }
    planted.intermittent = flag == "1";
    SHOPML_ASSIGN_OR_RETURN(
        planted.trend_per_year,
        Number(*reader, fields[trend_column], "trend_per_year"));
    for (int d = 0; d < 7; ++d) {
      SHOPML_ASSIGN_OR_RETURN(
          planted.weekly_profile[d],
          Number(*reader, fields[profile_columns[d]], kProfileColumns[d]));
    }
    if (!truth.emplace(fields[id_column], planted).second) {
      return absl::InvalidArgumentError(absl::StrCat(reader->Location(),
                                                     "series_id: duplicate \"",
                                                     fields[id_column], "\""));
    }
  }
  return truth;
}

absl::StatusOr<SeriesRecovery> RecoverStructure(absl::Span<const double> values,
                                                int32_t first_day) {
  SeriesRecovery recovery;
  const core::AutoForecastOptions options =
      ChoiceOptions(values, core::Frequency::kDaily, absl::InfiniteFuture());
  recovery.season_length = options.season_length;
  SHOPML_ASSIGN_OR_RETURN(core::AutoChoice choice,
                          core::ChooseForecastModel(values, options));
  recovery.intermittent =
      choice.demand.pattern == core::DemandPattern::kIntermittent ||
      choice.demand.pattern == core::DemandPattern::kLumpy;
  const core::ForecastFamily family = choice.best.family;
  recovery.croston_family = family == core::ForecastFamily::kCroston ||
                            family == core::ForecastFamily::kSba ||
                            family == core::ForecastFamily::kTsb;
  if (values.size() < static_cast<size_t>(2 * kWindow)) return recovery;
  core::ForecastSpec spec;
  spec.horizon = kWindow;
  SHOPML_ASSIGN_OR_RETURN(core::ForecastResult forecast,
                          core::ForecastWithChoice(values, choice.best, spec));
  std::array<double, 7> profile{};
  double future = 0, past = 0;
  for (int h = 0; h < kWindow; ++h) {
    const double mean = forecast.points[h].mean;
    profile[Weekday(int64_t{first_day} + static_cast<int64_t>(values.size()) +
                    h)] += mean / (kWindow / 7);
    future += mean / kWindow;
    past += values[h] / kWindow;
  }
  if (future > 0) {
    for (double& day : profile) day /= future;
    const auto [low, high] =
        std::minmax_element(profile.begin(), profile.end());
    // A flat forecast (a non-seasonal model) shows no weekly pattern.
    if (*high - *low > kFlatProfile) recovery.weekday_profile = profile;
  }
  if (past > 0 && future > 0) {
    // From the middle of the first window to the middle of the forecast.
    const double days = static_cast<double>(values.size());
    recovery.yearly_growth = std::pow(future / past, kYearDays / days) - 1;
  }
  return recovery;
}

double Correlation(absl::Span<const double> x, absl::Span<const double> y) {
  const size_t n = std::min(x.size(), y.size());
  if (n < 2) return 0;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) {
    mx += x[i] / static_cast<double>(n);
    my += y[i] / static_cast<double>(n);
  }
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
}

}  // namespace shopml::server
