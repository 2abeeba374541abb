// ForecastEvaluationJson and ForecastEvaluationText (forecast_evaluation.h).
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/forecast/series.h"
#include "core/forecast/stored_forecasts.h"
#include "server/forecast_evaluation.h"

namespace shopml::server {
namespace {

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      absl::StrAppend(&out, "\\", std::string(1, c));
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

// JSON has no infinity or NaN.
std::string Number(double value) {
  return std::isfinite(value) ? absl::StrFormat("%.6g", value) : "null";
}

std::string Numbers(const std::vector<double>& values) {
  std::vector<std::string> parts;
  for (double value : values) parts.push_back(Number(value));
  return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
}

std::string ModelJson(const core::ModelAccuracy& a) {
  std::string out = absl::StrCat(
      "{\"model\":", Quote(a.model), ",\"origins\":", a.origins,
      ",\"mase\":", Number(a.mase), ",\"rmsse\":", Number(a.rmsse),
      ",\"smape\":", Number(a.smape), ",\"coverage\":", Numbers(a.coverage),
      ",\"fit_seconds\":", Number(a.fit_seconds));
  if (!a.chosen.empty()) absl::StrAppend(&out, ",\"chosen\":", Quote(a.chosen));
  if (!a.error.empty()) absl::StrAppend(&out, ",\"error\":", Quote(a.error));
  return out + "}";
}

std::string OverallJson(const std::vector<OverallAccuracy>& overall) {
  std::vector<std::string> parts;
  for (const OverallAccuracy& a : overall) {
    parts.push_back(absl::StrCat(
        "{\"model\":", Quote(a.model), ",\"series\":", a.series,
        ",\"mase\":", Number(a.mase), ",\"rmsse\":", Number(a.rmsse),
        ",\"smape\":", Number(a.smape), ",\"coverage\":", Numbers(a.coverage),
        ",\"fit_seconds\":", Number(a.fit_seconds),
        ",\"mase_vs_seasonal_naive\":", Number(a.relative_mase), "}"));
  }
  return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
}

std::string TruthJson(const TruthRecovery& t) {
  return absl::StrCat(
      "{\"intermittent_series\":", t.intermittent_series,
      ",\"intermittent_recovered\":", t.intermittent_recovered,
      ",\"intermittent_croston_family\":", t.intermittent_croston_family,
      ",\"smooth_series\":", t.smooth_series,
      ",\"smooth_recovered\":", t.smooth_recovered,
      ",\"weekly_season\":", t.weekly_season,
      ",\"weekly_pattern\":", t.weekly_pattern,
      ",\"weekly_profile_correlation\":", Number(t.weekly_profile_correlation),
      ",\"trend_correlation\":", Number(t.trend_correlation),
      ",\"trend_mean_abs_error\":", Number(t.trend_mean_abs_error),
      ",\"trend_strong_series\":", t.trend_strong_series,
      ",\"trend_sign_agreement\":", t.trend_sign_agreement, "}");
}

std::string Table(const std::vector<OverallAccuracy>& overall,
                  const std::vector<double>& levels) {
  std::string out = absl::StrFormat("  %-15s %6s %7s %7s %7s", "model",
                                    "series", "MASE", "RMSSE", "sMAPE");
  for (double level : levels) absl::StrAppendFormat(&out, "  cov%-3g", level);
  absl::StrAppend(&out, "  fit ms  MASE/snaive\n");
  for (const OverallAccuracy& a : overall) {
    absl::StrAppendFormat(&out, "  %-15s %6d %7.3f %7.3f %7.2f", a.model,
                          a.series, a.mase, a.rmsse, a.smape);
    for (double share : a.coverage) {
      absl::StrAppendFormat(&out, "  %5.1f%%", 100 * share);
    }
    absl::StrAppendFormat(&out, "  %6.1f  %.3f\n", 1000 * a.fit_seconds,
                          a.relative_mase);
  }
  return out;
}

double Share(int part, int whole) {
  return whole > 0 ? 100.0 * part / whole : 0;
}

}  // namespace

std::string ForecastEvaluationJson(const ForecastEvaluation& evaluation) {
  const ForecastEvaluationOptions& o = evaluation.options;
  std::vector<std::string> series;
  for (const SeriesEvaluation& s : evaluation.series) {
    std::vector<std::string> models;
    for (const core::ModelAccuracy& a : s.models)
      models.push_back(ModelJson(a));
    series.push_back(absl::StrCat("{\"series_id\":", Quote(s.series_id),
                                  ",\"pattern\":", Quote(s.pattern),
                                  ",\"season_length\":", s.season_length,
                                  ",\"models\":[", absl::StrJoin(models, ","),
                                  "]}"));
  }
  std::vector<std::string> patterns;
  for (const auto& [pattern, overall] : evaluation.by_pattern) {
    patterns.push_back(absl::StrCat(Quote(pattern), ":", OverallJson(overall)));
  }
  std::string out =
      absl::StrCat("{\"frequency\":", Quote(core::FrequencyName(o.frequency)),
                   ",\"horizon\":", o.horizon, ",\"origins\":", o.origins,
                   ",\"levels\":", Numbers(o.levels),
                   ",\"skipped_series\":", evaluation.skipped_series,
                   ",\"overall\":", OverallJson(evaluation.overall),
                   ",\"by_pattern\":{", absl::StrJoin(patterns, ","), "}");
  if (evaluation.truth.has_value()) {
    absl::StrAppend(&out, ",\"truth\":", TruthJson(*evaluation.truth));
  }
  absl::StrAppend(&out, ",\"series\":[", absl::StrJoin(series, ","), "]}\n");
  return out;
}

std::string ForecastEvaluationText(const ForecastEvaluation& evaluation) {
  const ForecastEvaluationOptions& o = evaluation.options;
  std::string out = absl::StrFormat(
      "rolling-origin evaluation: %d %s series (%d too short skipped), %d "
      "origins of %d periods\n",
      evaluation.series.size(), core::FrequencyName(o.frequency),
      evaluation.skipped_series, o.origins, o.horizon);
  absl::StrAppend(&out, Table(evaluation.overall, o.levels));
  for (const auto& [pattern, overall] : evaluation.by_pattern) {
    const int count = overall.empty() ? 0 : overall.front().series;
    absl::StrAppendFormat(&out, "\n%s demand (%d series):\n", pattern, count);
    absl::StrAppend(&out, Table(overall, o.levels));
  }
  if (evaluation.truth.has_value()) {
    const TruthRecovery& t = *evaluation.truth;
    absl::StrAppendFormat(
        &out,
        "\nplanted structure recovered:\n"
        "  intermittency: %d/%d intermittent series classified intermittent "
        "(%.1f%%), %d of them forecast by croston/sba/tsb; %d/%d smooth "
        "series classified smooth (%.1f%%)\n"
        "  weekly season: %d/%d smooth series given season 7 (%.1f%%); %d "
        "forecast with a weekly pattern, whose weekday profile correlates "
        "with the planted one at %.3f on average\n"
        "  trend: planted vs forecast yearly growth correlation %.3f, mean "
        "absolute error %.3f; sign right for %d/%d series with |trend| > "
        "0.1\n",
        t.intermittent_recovered, t.intermittent_series,
        Share(t.intermittent_recovered, t.intermittent_series),
        t.intermittent_croston_family, t.smooth_recovered, t.smooth_series,
        Share(t.smooth_recovered, t.smooth_series), t.weekly_season,
        t.smooth_series, Share(t.weekly_season, t.smooth_series),
        t.weekly_pattern, t.weekly_profile_correlation, t.trend_correlation,
        t.trend_mean_abs_error, t.trend_sign_agreement, t.trend_strong_series);
  }
  return out;
}

}  // namespace shopml::server
