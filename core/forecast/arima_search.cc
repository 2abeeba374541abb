#include "core/forecast/arima_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/forecast/arima_likelihood.h"
#include "core/forecast/unit_root.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Roots closer than this to the unit circle disqualify a model (myarima).
constexpr double kMinRootModulus = 1.01;
// R's default switch to the CSS approximation.
constexpr int kApproximationLength = 150;
constexpr int kApproximationPeriod = 12;

struct Candidate {
  int p, q, sp, sq;
  bool constant;
  auto Key() const { return std::make_tuple(p, q, sp, sq, constant); }
};

absl::Status CheckBound(const char* field, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must be in [%d, %d], got %d", field, lo, hi, value));
  }
  return absl::OkStatus();
}

absl::Status Validate(absl::Span<const double> y, const AutoArimaOptions& o) {
  for (const absl::Status& s :
       {CheckBound("period", o.period, 1, kMaxArimaPeriod),
        CheckBound("d", o.d, -1, kMaxDifferences),
        CheckBound("seasonal_d", o.seasonal_d, -1, kMaxSeasonalDiffs),
        CheckBound("max_p", o.max_p, 0, kMaxArmaOrder),
        CheckBound("max_q", o.max_q, 0, kMaxArmaOrder),
        CheckBound("max_seasonal_p", o.max_seasonal_p, 0, kMaxSeasonalOrder),
        CheckBound("max_seasonal_q", o.max_seasonal_q, 0, kMaxSeasonalOrder),
        CheckBound("max_order", o.max_order, 0, 4 * kMaxArmaOrder),
        CheckBound("max_d", o.max_d, 0, kMaxDifferences),
        CheckBound("max_seasonal_d", o.max_seasonal_d, 0, kMaxSeasonalDiffs),
        CheckBound("max_models", o.max_models, 1, 10000)}) {
    if (!s.ok()) return s;
  }
  if (y.empty()) return absl::InvalidArgumentError("y: must not be empty");
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) {
      return absl::InvalidArgumentError(
          absl::StrFormat("y[%d]: must be finite, got %g", i, y[i]));
    }
  }
  return absl::OkStatus();
}

// ARIMA(0,d,0)(0,D,0) reproducing a series whose differences are constant:
// no noise, the constant (when d + D <= 1) continuing the pattern.
ArimaModel DeterministicModel(absl::Span<const double> y, ArimaOrder order) {
  const std::vector<double> delta =
      DifferencingPolynomial(order.d, order.seasonal_d, order.period);
  const std::vector<double> w = Difference(y, delta);
  ArimaModel m;
  m.order = order;
  m.has_constant = order.d + order.seasonal_d <= 1 && !w.empty() && w[0] != 0;
  m.constant = w.empty() ? 0 : w[0];
  if (!m.has_constant) m.constant = 0;
  m.num_used = static_cast<int>(w.size());
  m.num_parameters = m.has_constant ? 1 : 0;
  m.aic = m.aicc = m.bic = kInf;
  m.residuals.assign(y.size(), 0);
  m.last_values.assign(y.end() - (delta.size() - 1), y.end());
  m.state = {w.empty() ? 0 : w.back() - m.constant};
  return m;
}

// False when an AR or MA root lies within kMinRootModulus of the unit circle.
bool RootsAreClear(const ArimaModel& model) {
  const int m = model.order.period;
  const std::vector<double> phi =
      ExpandSeasonal(model.ar, model.seasonal_ar, m, -1);
  std::vector<double> theta = ExpandSeasonal(model.ma, model.seasonal_ma, m, 1);
  for (double& t : theta) t = -t;
  return MinRootModulus(phi) >= kMinRootModulus &&
         MinRootModulus(theta) >= kMinRootModulus;
}

double Select(InformationCriterion criterion, double aic, double aicc,
              double bic) {
  if (criterion == InformationCriterion::kAic) return aic;
  if (criterion == InformationCriterion::kBic) return bic;
  return aicc;
}

// forecast::myarima's criteria for a CSS fit: with k = num_parameters + 1,
// n* = num_used and the CSS variance s2 = ssq / (n* - p - mP),
//   AIC = offset + n* log(s2) + 2k,
// where offset = -2 log L0 - n log(sigma0^2) of ARIMA(0,d,0)(0,D,0) fitted by
// ML puts the values on the scale of exact likelihoods.
double ApproximateCriterion(const ArimaModel& model,
                            InformationCriterion criterion, double offset) {
  const double k = model.num_parameters + 1;
  const double n = model.num_used;
  const double nu =
      n - model.order.p - model.order.period * model.order.seasonal_p;
  double ssq = 0;
  for (double e : model.residuals) ssq += e * e;
  if (!(ssq > 0) || nu < 1 || n - k - 1 <= 0) return kInf;
  const double aic = offset + n * std::log(ssq / nu) + 2 * k;
  const double ic = Select(criterion, aic, aic + 2 * k * (k + 1) / (n - k - 1),
                           aic + k * (std::log(n) - 2));
  if (!std::isfinite(ic) || !RootsAreClear(model)) return kInf;
  return ic;
}

class StepwiseSearch {
 public:
  // `offset` is R's constant for the criteria of CSS fits (see
  // ApproximateCriterion); unused for kCssMl.
  StepwiseSearch(absl::Span<const double> y, ArimaOrder base,
                 const AutoArimaOptions& options, ArimaMethod method,
                 double offset)
      : y_(y),
        base_(base),
        options_(options),
        method_(method),
        offset_(offset) {}

  // Fits `c` unless tried before; true when it beats the best so far.
  bool Try(const Candidate& c) {
    if (fitted_ >= options_.max_models) return false;
    if (c.p + c.q + c.sp + c.sq > options_.max_order) return false;
    if (!tried_.insert(c.Key()).second) return false;
    ++fitted_;
    absl::StatusOr<ArimaModel> model = Fit(c, method_);
    double ic = kInf;
    if (model.ok()) {
      ic = method_ == ArimaMethod::kCss
               ? ApproximateCriterion(*model, options_.criterion, offset_)
               : CriterionValue(*model, options_.criterion);
    }
    results_.push_back({c, ic});
    if (!(ic < best_ic_)) return false;
    best_ic_ = ic;
    best_ = std::move(*model);
    current_ = c;
    return true;
  }

  absl::StatusOr<ArimaModel> Fit(const Candidate& c, ArimaMethod method) const {
    ArimaOrder order = base_;
    order.p = c.p;
    order.q = c.q;
    order.seasonal_p = c.sp;
    order.seasonal_q = c.sq;
    ArimaFitOptions fit;
    fit.include_constant = c.constant;
    fit.method = method;
    return FitArima(y_, order, fit);
  }

  const Candidate& current() const { return current_; }
  const std::optional<ArimaModel>& best() const { return best_; }
  int fitted() const { return fitted_; }
  std::vector<std::pair<Candidate, double>> results() const { return results_; }

 private:
  absl::Span<const double> y_;
  ArimaOrder base_;
  const AutoArimaOptions& options_;
  ArimaMethod method_;
  double offset_;
  std::set<std::tuple<int, int, int, int, bool>> tried_;
  std::vector<std::pair<Candidate, double>> results_;
  std::optional<ArimaModel> best_;
  double best_ic_ = kInf;
  Candidate current_{};
  int fitted_ = 0;
};

// One sweep over the neighbours of the current best; true when one improved.
bool ImproveOnce(StepwiseSearch& s, int max_p, int max_q, int max_sp,
                 int max_sq, bool allow_constant) {
  const Candidate c = s.current();
  const auto seasonal = [&](int dsp, int dsq) {
    const int sp = c.sp + dsp, sq = c.sq + dsq;
    if (sp < 0 || sq < 0 || sp > max_sp || sq > max_sq) return false;
    return s.Try({c.p, c.q, sp, sq, c.constant});
  };
  const auto nonseasonal = [&](int dp, int dq) {
    const int p = c.p + dp, q = c.q + dq;
    if (p < 0 || q < 0 || p > max_p || q > max_q) return false;
    return s.Try({p, q, c.sp, c.sq, c.constant});
  };
  static constexpr int kSteps[8][2] = {{-1, 0},  {0, -1}, {1, 0},  {0, 1},
                                       {-1, -1}, {-1, 1}, {1, -1}, {1, 1}};
  for (const auto& step : kSteps) {
    if (seasonal(step[0], step[1])) return true;
  }
  for (const auto& step : kSteps) {
    if (nonseasonal(step[0], step[1])) return true;
  }
  if (allow_constant) {
    return s.Try({c.p, c.q, c.sp, c.sq, !c.constant});
  }
  return false;
}

}  // namespace

double CriterionValue(const ArimaModel& model, InformationCriterion criterion) {
  const double ic = Select(criterion, model.aic, model.aicc, model.bic);
  if (!std::isfinite(ic) || !RootsAreClear(model)) return kInf;
  return ic;
}

absl::StatusOr<AutoArimaResult> AutoArima(absl::Span<const double> y,
                                          const AutoArimaOptions& options) {
  SHOPML_RETURN_IF_ERROR(Validate(y, options));
  const int n = static_cast<int>(y.size());
  int m = options.seasonal ? options.period : 1;
  AutoArimaResult result;
  ArimaOrder order;
  order.period = m;
  if (IsConstant(y)) {
    result.model = DeterministicModel(y, order);
    result.model.has_constant = true;
    result.model.constant = y[0];
    result.model.state = {0};
    return result;
  }
  int max_p = std::min(options.max_p, n / 3);
  int max_q = std::min(options.max_q, n / 3);
  int max_sp = m > 1 ? std::min(options.max_seasonal_p, n / (3 * m)) : 0;
  int max_sq = m > 1 ? std::min(options.max_seasonal_q, n / (3 * m)) : 0;

  int seasonal_d = 0;
  if (m > 1) {
    if (options.seasonal_d >= 0) {
      seasonal_d = options.seasonal_d;
    } else if (n > 2 * m) {
      SHOPML_ASSIGN_OR_RETURN(seasonal_d,
                              Nsdiffs(y, m, options.max_seasonal_d));
    }
  }
  const std::vector<double> dx =
      Difference(y, DifferencingPolynomial(0, seasonal_d, m));
  if (dx.empty()) {
    return absl::InvalidArgumentError("y: too short to difference seasonally");
  }
  int d = options.d;
  if (d < 0) {
    SHOPML_ASSIGN_OR_RETURN(d, Ndiffs(dx, 0.05, options.max_d));
  }
  order.d = d;
  order.seasonal_d = seasonal_d;
  const std::vector<double> w = Difference(dx, DifferencingPolynomial(d, 0, 1));
  if (w.empty())
    return absl::InvalidArgumentError("y: too short to difference");
  if (IsConstant(w)) {
    result.model = DeterministicModel(y, order);
    return result;
  }
  if (m > 1) {
    if (max_sp > 0) max_p = std::min(max_p, m - 1);
    if (max_sq > 0) max_q = std::min(max_q, m - 1);
  }
  const bool approximate =
      options.approximation == Approximation::kOn ||
      (options.approximation == Approximation::kAuto &&
       (n > kApproximationLength || m > kApproximationPeriod));
  const bool allow_drift = options.allow_drift && d + seasonal_d == 1;
  const bool allow_mean = options.allow_mean && d + seasonal_d == 0;
  const bool constant = allow_drift || allow_mean;

  double offset = 0;
  if (approximate) {
    absl::StatusOr<ArimaModel> white = FitArima(y, order);
    if (white.ok() && std::isfinite(white->log_likelihood) &&
        white->sigma2 > 0) {
      offset = -2 * white->log_likelihood - n * std::log(white->sigma2);
    }
  }
  StepwiseSearch search(y, order, options,
                        approximate ? ArimaMethod::kCss : ArimaMethod::kCssMl,
                        offset);
  const bool seasonal_terms = m > 1;
  search.Try({std::min(2, max_p), std::min(2, max_q), std::min(1, max_sp),
              std::min(1, max_sq), constant});
  search.Try({0, 0, 0, 0, constant});
  if (max_p > 0 || max_sp > 0) {
    search.Try({max_p > 0 ? 1 : 0, 0, seasonal_terms && max_sp > 0 ? 1 : 0, 0,
                constant});
  }
  if (max_q > 0 || max_sq > 0) {
    search.Try({0, max_q > 0 ? 1 : 0, 0, seasonal_terms && max_sq > 0 ? 1 : 0,
                constant});
  }
  if (constant) search.Try({0, 0, 0, 0, false});
  while (search.best().has_value() &&
         ImproveOnce(search, max_p, max_q, max_sp, max_sq, constant)) {
  }
  result.models_fitted = search.fitted();
  result.approximated = approximate;
  if (!approximate) {
    if (!search.best().has_value()) {
      return absl::FailedPreconditionError(
          "no ARIMA model could be fitted to this series");
    }
    result.model = *search.best();
    return result;
  }
  // Refit by CSS-ML in criterion order until one passes the root check.
  std::vector<std::pair<Candidate, double>> ranked = search.results();
  std::stable_sort(
      ranked.begin(), ranked.end(),
      [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& [candidate, ic] : ranked) {
    absl::StatusOr<ArimaModel> model =
        search.Fit(candidate, ArimaMethod::kCssMl);
    ++result.models_fitted;
    if (model.ok() &&
        std::isfinite(CriterionValue(*model, options.criterion))) {
      result.model = std::move(*model);
      return result;
    }
  }
  return absl::FailedPreconditionError(
      "no ARIMA model could be fitted to this series");
}

absl::StatusOr<ForecastResult> AutoArimaForecast(
    absl::Span<const double> history, const ForecastSpec& spec) {
  SHOPML_RETURN_IF_ERROR(ValidateModelForecastSpec(spec));
  if (spec.season_length < 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "season_length: must be >= 1, got %d", spec.season_length));
  }
  AutoArimaOptions options;
  options.period = spec.season_length;
  SHOPML_ASSIGN_OR_RETURN(AutoArimaResult fit, AutoArima(history, options));
  SHOPML_ASSIGN_OR_RETURN(ForecastResult result,
                          ForecastArima(fit.model, spec));
  result.details.emplace_back("models_fitted", fit.models_fitted);
  return result;
}

}  // namespace shopml::core
