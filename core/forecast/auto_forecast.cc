#include "core/forecast/auto_forecast.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/baseline/data_checks.h"
#include "core/forecast/accuracy.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

// Longest season the ETS choice and the ARIMA search model themselves.
constexpr int kMaxDirectSeason = 24;
constexpr int kMinEtsHistory = 7;

int DefaultCvHorizon(int m) {
  if (m <= 7) return std::max(m, 4);
  return std::clamp(m / 2, 4, 13);
}

// One season and two periods: enough for the seasonal naive forecast and
// the MASE scale; models that need two seasons fall back as in serving.
int MinTrainingLength(int m) { return std::max(m + 2, 12); }

ModelChoice Family(ForecastFamily family, int m) {
  ModelChoice choice;
  choice.family = family;
  choice.season_length = m;
  return choice;
}

bool IsIntermittent(const DemandClassification& demand) {
  return demand.pattern == DemandPattern::kIntermittent ||
         demand.pattern == DemandPattern::kLumpy;
}

// The periods stl_arima would decompose, or none when it is not a
// candidate.
std::vector<int> StlPeriods(size_t n, const AutoForecastOptions& options) {
  std::vector<int> periods;
  const int m = options.season_length;
  if (m > 1 && n > 2 * static_cast<size_t>(m)) periods.push_back(m);
  for (int period : options.long_periods) {
    if (n > 2 * static_cast<size_t>(period)) periods.push_back(period);
  }
  const bool long_season = m > kMaxDirectSeason && !periods.empty();
  const bool long_period =
      periods.size() > 1 || (!periods.empty() && periods.front() != m);
  if (!long_season && !long_period) periods.clear();
  return periods;
}

std::vector<ModelChoice> Candidates(size_t n,
                                    const DemandClassification& demand,
                                    const AutoForecastOptions& options) {
  const int m = options.season_length;
  std::vector<ModelChoice> candidates;
  if (IsIntermittent(demand)) {
    // No seasonal naive: on sparse demand its zero forecast wins holdouts
    // that happen to hold no sale, and stocks nothing.
    for (ForecastFamily family : {ForecastFamily::kSba, ForecastFamily::kTsb,
                                  ForecastFamily::kCroston}) {
      candidates.push_back(Family(family, m));
    }
    return candidates;
  }
  candidates.push_back(Family(ForecastFamily::kSeasonalNaive, m));
  for (ForecastFamily family :
       {ForecastFamily::kTheta, ForecastFamily::kEts, ForecastFamily::kArima,
        ForecastFamily::kCombination}) {
    candidates.push_back(Family(family, m));
  }
  std::vector<int> periods = StlPeriods(n, options);
  if (!periods.empty()) {
    ModelChoice stl = Family(ForecastFamily::kStlArima, m);
    stl.periods = std::move(periods);
    candidates.push_back(std::move(stl));
  }
  return candidates;
}

// The choice without cross-validation, for histories too short for it.
ModelChoice ShortHistoryChoice(size_t n, const DemandClassification& demand,
                               int m) {
  if (IsIntermittent(demand)) {
    return Family(demand.pattern == DemandPattern::kLumpy
                      ? ForecastFamily::kTsb
                      : ForecastFamily::kSba,
                  m);
  }
  // A season too long for ETS (weekly data's year) with at least one season
  // of history: only seasonal naive carries it.
  const bool long_season = m > kMaxDirectSeason && n > static_cast<size_t>(m);
  if (n < static_cast<size_t>(kMinEtsHistory) || long_season) {
    return Family(ForecastFamily::kSeasonalNaive, m);
  }
  return Family(ForecastFamily::kEts, m);
}

absl::Status CheckOptions(absl::Span<const double> history,
                          const AutoForecastOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckHistory(history));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("season_length", options.season_length, 1, 10000));
  SHOPML_RETURN_IF_ERROR(CheckOption("cv_origins", options.cv_origins, 1, 20));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("cv_horizon", options.cv_horizon, 0, 1000));
  for (size_t i = 0; i < options.long_periods.size(); ++i) {
    const int period = options.long_periods[i];
    if (period <= options.season_length || period > 10000) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "long_periods[%d]: must be in (season_length, 10000], got %d", i,
          period));
    }
  }
  return absl::OkStatus();
}

// Point forecasts of every candidate at every origin, then the scores.
class CrossValidation {
 public:
  CrossValidation(absl::Span<const double> history, int season_length,
                  int origins, int horizon, bool rmsse, absl::Time deadline)
      : history_(history),
        season_length_(season_length),
        origins_(origins),
        horizon_(horizon),
        rmsse_(rmsse),
        deadline_(deadline) {}

  // Scores `candidate` in place (a combination from the members scored
  // before it). Returns false once the deadline has passed.
  bool Score(CandidateScore& candidate) {
    std::vector<std::vector<double>> means;
    if (candidate.choice.family == ForecastFamily::kCombination) {
      if (!CombineMembers(means, candidate.error)) return true;
    } else {
      for (int i = 0; i < origins_; ++i) {
        if (absl::Now() >= deadline_) {
          candidate.error = "deadline";
          return false;
        }
        absl::StatusOr<ForecastResult> forecast =
            ForecastWithChoice(Training(i), candidate.choice, Spec());
        if (!forecast.ok()) {
          candidate.error = std::string(forecast.status().message());
          return true;
        }
        means.push_back(Means(*forecast));
      }
    }
    double total = 0;
    for (int i = 0; i < origins_; ++i) total += OriginScore(i, means[i]);
    candidate.score = total / origins_;
    candidate.origins = origins_;
    means_[candidate.choice.family] = std::move(means);
    return true;
  }

 private:
  absl::Span<const double> Training(int origin) const {
    return history_.first(history_.size() -
                          static_cast<size_t>((origins_ - origin) * horizon_));
  }
  absl::Span<const double> Holdout(int origin) const {
    return history_.subspan(Training(origin).size(),
                            static_cast<size_t>(horizon_));
  }
  ForecastSpec Spec() const {
    ForecastSpec spec;
    spec.horizon = horizon_;
    return spec;
  }
  static std::vector<double> Means(const ForecastResult& forecast) {
    std::vector<double> means;
    for (const ForecastPointResult& point : forecast.points) {
      means.push_back(point.mean);
    }
    return means;
  }
  bool CombineMembers(std::vector<std::vector<double>>& means,
                      std::string& error) const {
    std::vector<const std::vector<std::vector<double>>*> parts;
    for (ForecastFamily family : {ForecastFamily::kEts, ForecastFamily::kArima,
                                  ForecastFamily::kTheta}) {
      auto it = means_.find(family);
      if (it == means_.end()) {
        error = absl::StrCat(ForecastFamilyName(family), " was not scored");
        return false;
      }
      parts.push_back(&it->second);
    }
    means.assign(origins_, std::vector<double>(horizon_, 0));
    for (int i = 0; i < origins_; ++i) {
      for (int h = 0; h < horizon_; ++h) {
        for (const auto* part : parts) means[i][h] += (*part)[i][h] / 3;
      }
    }
    return true;
  }
  double OriginScore(int origin, const std::vector<double>& means) const {
    ForecastResult forecast;
    for (double mean : means) forecast.points.push_back({mean, {}});
    const ErrorScales scales = InSampleScales(Training(origin), season_length_);
    const HoldoutAccuracy accuracy =
        ScoreHoldout(Holdout(origin), forecast, scales);
    return rmsse_ ? accuracy.rmsse : accuracy.mase;
  }

 private:
  absl::Span<const double> history_;
  int season_length_, origins_, horizon_;
  bool rmsse_;
  absl::Time deadline_;
  std::map<ForecastFamily, std::vector<std::vector<double>>> means_;
};

std::string ScoreList(const AutoChoice& choice) {
  std::vector<const CandidateScore*> scored;
  for (const CandidateScore& c : choice.candidates) {
    if (c.origins > 0) scored.push_back(&c);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const CandidateScore* a, const CandidateScore* b) {
                     return a->score < b->score;
                   });
  std::vector<std::string> parts;
  for (const CandidateScore* c : scored) {
    parts.push_back(
        absl::StrFormat("%s %.3f", ModelChoiceLabel(c->choice), c->score));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace

absl::StatusOr<AutoChoice> ChooseForecastModel(
    absl::Span<const double> history, const AutoForecastOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(history, options));
  if (absl::Now() >= options.deadline) {
    return absl::DeadlineExceededError(
        "deadline passed before the model choice started");
  }
  AutoChoice choice;
  SHOPML_ASSIGN_OR_RETURN(choice.demand, ClassifyDemand(history));
  const int m = options.season_length;
  const size_t n = history.size();
  const bool intermittent = IsIntermittent(choice.demand);
  choice.criterion = intermittent ? "rmsse" : "mase";
  const int h =
      options.cv_horizon > 0 ? options.cv_horizon : DefaultCvHorizon(m);
  const int fit = MinTrainingLength(m);
  const int origins =
      n < static_cast<size_t>(fit + h)
          ? 0
          : std::min<int>(options.cv_origins, static_cast<int>(n - fit) / h);
  if (origins == 0) {
    choice.best = ShortHistoryChoice(n, choice.demand, m);
    choice.notes.push_back(absl::StrFormat(
        "history of %d periods is too short for cross-validation (needs %d): "
        "%s without it",
        n, fit + h, ForecastFamilyName(choice.best.family)));
    return choice;
  }
  choice.cross_validated = true;
  choice.cv_origins = origins;
  choice.cv_horizon = h;
  CrossValidation cv(history, m, origins, h, intermittent, options.deadline);
  std::vector<std::string> skipped;
  bool in_time = true;
  for (ModelChoice& candidate_choice : Candidates(n, choice.demand, options)) {
    CandidateScore candidate;
    candidate.choice = std::move(candidate_choice);
    if (in_time && absl::Now() >= options.deadline) in_time = false;
    if (candidate.choice.family == ForecastFamily::kCombination) {
      // The members' structures, resolved already.
      for (const CandidateScore& member : choice.candidates) {
        if (member.choice.family == ForecastFamily::kEts) {
          candidate.choice.ets_model = member.choice.ets_model;
        } else if (member.choice.family == ForecastFamily::kArima) {
          candidate.choice.arima = member.choice.arima;
        }
      }
    }
    if (in_time) {
      absl::StatusOr<ModelChoice> resolved =
          ResolveStructure(history, candidate.choice);
      if (resolved.ok()) {
        candidate.choice = std::move(*resolved);
        in_time = cv.Score(candidate);
      } else {
        candidate.error = std::string(resolved.status().message());
      }
    } else {
      candidate.error = "deadline";
    }
    if (candidate.error == "deadline") {
      skipped.push_back(ForecastFamilyName(candidate.choice.family));
    }
    choice.candidates.push_back(std::move(candidate));
  }
  const CandidateScore* best = nullptr;
  for (const CandidateScore& c : choice.candidates) {
    if (c.origins > 0 && (best == nullptr || c.score < best->score)) best = &c;
  }
  if (best == nullptr) {
    choice.best = ShortHistoryChoice(n, choice.demand, m);
    choice.cross_validated = false;
    choice.notes.push_back(absl::StrCat("no candidate could be scored: ",
                                        ForecastFamilyName(choice.best.family),
                                        " without cross-validation"));
  } else {
    choice.best = best->choice;
  }
  if (!skipped.empty()) {
    choice.notes.push_back(absl::StrCat("deadline reached: not scored ",
                                        absl::StrJoin(skipped, ", ")));
  }
  return choice;
}

void DescribeChoice(const AutoChoice& choice, ForecastResult& result) {
  std::vector<std::string> notes = choice.notes;
  if (choice.cross_validated) {
    notes.insert(notes.begin(),
                 absl::StrFormat("%s chosen by cross-validation over %d "
                                 "origins of %d periods (%s demand; mean %s: "
                                 "%s)",
                                 ModelChoiceLabel(choice.best),
                                 choice.cv_origins, choice.cv_horizon,
                                 DemandPatternName(choice.demand.pattern),
                                 absl::AsciiStrToUpper(choice.criterion),
                                 ScoreList(choice)));
    result.details.emplace_back("cv_origins", choice.cv_origins);
    result.details.emplace_back("cv_horizon", choice.cv_horizon);
    for (const CandidateScore& c : choice.candidates) {
      if (c.origins == 0) continue;
      result.details.emplace_back(
          absl::StrCat("cv_", choice.criterion, "_",
                       ForecastFamilyName(c.choice.family)),
          c.score);
    }
  }
  result.notes.insert(result.notes.begin(), notes.begin(), notes.end());
}

absl::StatusOr<ForecastResult> AutoForecast(
    absl::Span<const double> history, const ForecastSpec& spec,
    const AutoForecastOptions& options) {
  SHOPML_ASSIGN_OR_RETURN(AutoChoice choice,
                          ChooseForecastModel(history, options));
  SHOPML_ASSIGN_OR_RETURN(ForecastResult result,
                          ForecastWithChoice(history, choice.best, spec));
  DescribeChoice(choice, result);
  return result;
}

}  // namespace shopml::core
