#include "core/forecast/stored_forecasts.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/forecast/ets_model.h"
#include "core/forecast/intermittent.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr uint32_t kFormatVersion = 1;
constexpr size_t kMaxSeriesIdBytes = 128;
constexpr int kMaxPeriod = 10000;

constexpr std::pair<Frequency, const char*> kFrequencyNames[] = {
    {Frequency::kDaily, "daily"},
    {Frequency::kWeekly, "weekly"},
    {Frequency::kMonthly, "monthly"},
};

constexpr DemandPattern kPatterns[] = {
    DemandPattern::kSmooth, DemandPattern::kErratic,
    DemandPattern::kIntermittent, DemandPattern::kLumpy};

std::string Key(absl::string_view series_id, Frequency frequency) {
  return absl::StrCat(series_id, "\n", FrequencyName(frequency));
}

absl::Status Bad(const StoredForecast& model, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("series '", model.series_id, "': ", why));
}

absl::Status CheckRange(const StoredForecast& model, const char* field,
                        int value, int lo, int hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return Bad(model, absl::StrCat(field, " must be in [", lo, ", ", hi,
                                 "], got ", value));
}

absl::Status CheckArima(const StoredForecast& model, const ArimaStructure& a) {
  const ArimaOrder& o = a.order;
  SHOPML_RETURN_IF_ERROR(CheckRange(model, "arima.p", o.p, 0, kMaxArmaOrder));
  SHOPML_RETURN_IF_ERROR(CheckRange(model, "arima.q", o.q, 0, kMaxArmaOrder));
  SHOPML_RETURN_IF_ERROR(CheckRange(model, "arima.d", o.d, 0, kMaxDifferences));
  SHOPML_RETURN_IF_ERROR(
      CheckRange(model, "arima.period", o.period, 1, kMaxArimaPeriod));
  const int seasonal_max = o.period >= 2 ? kMaxSeasonalOrder : 0;
  SHOPML_RETURN_IF_ERROR(
      CheckRange(model, "arima.seasonal_p", o.seasonal_p, 0, seasonal_max));
  SHOPML_RETURN_IF_ERROR(
      CheckRange(model, "arima.seasonal_q", o.seasonal_q, 0, seasonal_max));
  SHOPML_RETURN_IF_ERROR(CheckRange(model, "arima.seasonal_d", o.seasonal_d, 0,
                                    o.period >= 2 ? kMaxSeasonalDiffs : 0));
  if (a.constant && o.d + o.seasonal_d >= 2) {
    return Bad(model, "arima.constant with two or more differences");
  }
  return absl::OkStatus();
}

absl::Status Check(const StoredForecast& model) {
  if (model.series_id.empty() || model.series_id.size() > kMaxSeriesIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("series_id: must be 1-", kMaxSeriesIdBytes, " bytes"));
  }
  const ModelChoice& choice = model.model;
  SHOPML_RETURN_IF_ERROR(
      CheckRange(model, "season_length", choice.season_length, 1, kMaxPeriod));
  for (int period : choice.periods) {
    SHOPML_RETURN_IF_ERROR(CheckRange(model, "periods", period, 2, kMaxPeriod));
  }
  if (!choice.ets_model.empty()) {
    absl::StatusOr<EtsModelType> type = ParseEtsModel(choice.ets_model);
    if (!type.ok()) return Bad(model, type.status().message());
  }
  if (choice.arima.has_value()) {
    SHOPML_RETURN_IF_ERROR(CheckArima(model, *choice.arima));
  }
  SHOPML_RETURN_IF_ERROR(
      CheckRange(model, "cv_origins", model.cv_origins, 0, 20));
  SHOPML_RETURN_IF_ERROR(
      CheckRange(model, "cv_horizon", model.cv_horizon, 0, 1000));
  SHOPML_RETURN_IF_ERROR(
      CheckRange(model, "history_periods", model.history_periods, 0, 1 << 30));
  for (const auto& [family, score] : model.candidate_scores) {
    absl::StatusOr<ForecastFamily> parsed = ParseForecastFamily(family);
    if (!parsed.ok()) return Bad(model, parsed.status().message());
    if (!(score >= 0)) return Bad(model, "candidate scores must be >= 0");
  }
  return absl::OkStatus();
}

absl::StatusOr<StoredForecast> FromProtoModel(
    const model::v1::SeriesForecastModel& proto) {
  StoredForecast model;
  model.series_id = proto.series_id();
  absl::StatusOr<Frequency> frequency = ParseFrequencyName(proto.frequency());
  if (!frequency.ok()) return Bad(model, frequency.status().message());
  model.frequency = *frequency;
  absl::StatusOr<ForecastFamily> family = ParseForecastFamily(proto.family());
  if (!family.ok()) return Bad(model, family.status().message());
  model.model.family = *family;
  model.model.season_length = proto.season_length();
  model.model.periods.assign(proto.periods().begin(), proto.periods().end());
  model.model.ets_model = proto.ets_model();
  if (proto.has_arima()) {
    const model::v1::ArimaStructure& a = proto.arima();
    model.model.arima =
        ArimaStructure{{a.p(), a.d(), a.q(), a.seasonal_p(), a.seasonal_d(),
                        a.seasonal_q(), a.period()},
                       a.constant()};
  }
  model.criterion = proto.criterion();
  model.cv_origins = proto.cv_origins();
  model.cv_horizon = proto.cv_horizon();
  for (const model::v1::CandidateScore& c : proto.candidates()) {
    model.candidate_scores.emplace_back(c.family(), c.score());
  }
  model.demand_pattern = proto.demand_pattern();
  model.history_periods = proto.history_periods();
  model.last_period_start = proto.last_period_start();
  model.notes.assign(proto.notes().begin(), proto.notes().end());
  return model;
}

model::v1::SeriesForecastModel ToProtoModel(const StoredForecast& model) {
  model::v1::SeriesForecastModel proto;
  proto.set_series_id(model.series_id);
  proto.set_frequency(FrequencyName(model.frequency));
  proto.set_family(ForecastFamilyName(model.model.family));
  proto.set_season_length(model.model.season_length);
  for (int period : model.model.periods) proto.add_periods(period);
  proto.set_ets_model(model.model.ets_model);
  if (model.model.arima.has_value()) {
    const ArimaOrder& o = model.model.arima->order;
    model::v1::ArimaStructure* a = proto.mutable_arima();
    a->set_p(o.p);
    a->set_d(o.d);
    a->set_q(o.q);
    a->set_seasonal_p(o.seasonal_p);
    a->set_seasonal_d(o.seasonal_d);
    a->set_seasonal_q(o.seasonal_q);
    a->set_period(o.period);
    a->set_constant(model.model.arima->constant);
  }
  proto.set_criterion(model.criterion);
  proto.set_cv_origins(model.cv_origins);
  proto.set_cv_horizon(model.cv_horizon);
  for (const auto& [family, score] : model.candidate_scores) {
    model::v1::CandidateScore* c = proto.add_candidates();
    c->set_family(family);
    c->set_score(score);
  }
  proto.set_demand_pattern(model.demand_pattern);
  proto.set_history_periods(model.history_periods);
  proto.set_last_period_start(model.last_period_start);
  for (const std::string& note : model.notes) proto.add_notes(note);
  return proto;
}

}  // namespace

const char* FrequencyName(Frequency frequency) {
  for (const auto& [value, name] : kFrequencyNames) {
    if (value == frequency) return name;
  }
  return "daily";
}

absl::StatusOr<Frequency> ParseFrequencyName(absl::string_view name) {
  for (const auto& [value, frequency_name] : kFrequencyNames) {
    if (name == frequency_name) return value;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "frequency: must be daily, weekly or monthly, got \"", name, "\""));
}

StoredForecast ToStored(std::string series_id, Frequency frequency,
                        const AutoChoice& choice, int history_periods,
                        int32_t last_period_start) {
  StoredForecast stored;
  stored.series_id = std::move(series_id);
  stored.frequency = frequency;
  stored.model = choice.best;
  if (choice.cross_validated) {
    stored.criterion = choice.criterion;
    stored.cv_origins = choice.cv_origins;
    stored.cv_horizon = choice.cv_horizon;
  }
  for (const CandidateScore& c : choice.candidates) {
    if (c.origins == 0) continue;
    stored.candidate_scores.emplace_back(ForecastFamilyName(c.choice.family),
                                         c.score);
  }
  stored.demand_pattern = DemandPatternName(choice.demand.pattern);
  stored.history_periods = history_periods;
  stored.last_period_start = last_period_start;
  stored.notes = choice.notes;
  return stored;
}

AutoChoice FromStored(const StoredForecast& stored) {
  AutoChoice choice;
  choice.best = stored.model;
  choice.criterion = stored.criterion.empty() ? "mase" : stored.criterion;
  choice.cross_validated = !stored.criterion.empty();
  choice.cv_origins = stored.cv_origins;
  choice.cv_horizon = stored.cv_horizon;
  for (DemandPattern pattern : kPatterns) {
    if (stored.demand_pattern == DemandPatternName(pattern)) {
      choice.demand.pattern = pattern;
    }
  }
  for (const auto& [family, score] : stored.candidate_scores) {
    CandidateScore c;
    c.choice.family =
        ParseForecastFamily(family).value_or(ForecastFamily::kSeasonalNaive);
    c.choice.season_length = stored.model.season_length;
    if (c.choice.family == stored.model.family) c.choice = stored.model;
    c.score = score;
    c.origins = stored.cv_origins;
    choice.candidates.push_back(std::move(c));
  }
  choice.notes = stored.notes;
  return choice;
}

absl::StatusOr<StoredForecasts> StoredForecasts::FromProto(
    const model::v1::ForecastModels& proto) {
  if (proto.format_version() != kFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat("format_version: must be ",
                                                   kFormatVersion, ", got ",
                                                   proto.format_version()));
  }
  StoredForecasts models;
  for (const model::v1::SeriesForecastModel& series : proto.series()) {
    SHOPML_ASSIGN_OR_RETURN(StoredForecast model, FromProtoModel(series));
    SHOPML_RETURN_IF_ERROR(models.Add(std::move(model)));
  }
  return models;
}

model::v1::ForecastModels StoredForecasts::ToProto() const {
  model::v1::ForecastModels proto;
  proto.set_format_version(kFormatVersion);
  for (const StoredForecast& model : models_) {
    *proto.add_series() = ToProtoModel(model);
  }
  return proto;
}

absl::Status StoredForecasts::Add(StoredForecast model) {
  SHOPML_RETURN_IF_ERROR(Check(model));
  const std::string key = Key(model.series_id, model.frequency);
  if (index_.contains(key)) {
    return Bad(model, absl::StrCat("duplicate ", FrequencyName(model.frequency),
                                   " model"));
  }
  index_.emplace(key, models_.size());
  models_.push_back(std::move(model));
  return absl::OkStatus();
}

const StoredForecast* StoredForecasts::Find(absl::string_view series_id,
                                            Frequency frequency) const {
  auto it = index_.find(Key(series_id, frequency));
  return it == index_.end() ? nullptr : &models_[it->second];
}

}  // namespace shopml::core
