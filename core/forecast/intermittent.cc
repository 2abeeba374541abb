#include "core/forecast/intermittent.h"

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/baseline/data_checks.h"
#include "core/forecast/forecast_types.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kGridSize = 50;  // alpha = 0.01 .. 0.50.

absl::Status CheckDemand(absl::Span<const double> history) {
  SHOPML_RETURN_IF_ERROR(CheckHistory(history));
  for (size_t t = 0; t < history.size(); ++t) {
    if (history[t] < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "history[%d]: demand must be >= 0, got %g", t, history[t]));
    }
  }
  return absl::OkStatus();
}

double GridValue(int i) { return 0.01 * (i + 1); }

// Croston or SBA with `alpha`: fitted one-step forecasts and the final
// state.
IntermittentFit RunCroston(absl::Span<const double> y, double alpha, bool sba) {
  IntermittentFit fit;
  fit.method = sba ? IntermittentMethod::kSba : IntermittentMethod::kCroston;
  fit.alpha = alpha;
  fit.fitted.assign(y.size(), kNaN);
  const double correction = sba ? 1 - alpha / 2 : 1;
  bool started = false;
  double z = 0, p = 0, squares = 0;
  int since = 0, scored = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    ++since;
    if (started) {
      fit.fitted[t] = correction * z / p;
      squares += (y[t] - fit.fitted[t]) * (y[t] - fit.fitted[t]);
      ++scored;
    }
    if (y[t] <= 0) continue;
    if (!started) {
      z = y[t];
      p = since;
      started = true;
    } else {
      z += alpha * (y[t] - z);
      p += alpha * (since - p);
    }
    since = 0;
  }
  fit.size = z;
  fit.interval = p;
  fit.probability = started ? 1 / p : 0;
  fit.forecast = started ? correction * z / p : 0;
  fit.mse = scored > 0 ? squares / scored : 0;
  return fit;
}

IntermittentFit RunTsb(absl::Span<const double> y, double alpha, double beta) {
  IntermittentFit fit;
  fit.method = IntermittentMethod::kTsb;
  fit.alpha = alpha;
  fit.beta = beta;
  fit.fitted.resize(y.size());
  double demands = 0, total = 0;
  for (double v : y) {
    demands += v > 0;
    if (v > 0) total += v;
  }
  double p = demands / static_cast<double>(y.size());
  double z = demands > 0 ? total / demands : 0;
  double squares = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    fit.fitted[t] = p * z;
    squares += (y[t] - fit.fitted[t]) * (y[t] - fit.fitted[t]);
    p += beta * ((y[t] > 0 ? 1 : 0) - p);
    if (y[t] > 0) z += alpha * (y[t] - z);
  }
  fit.size = z;
  fit.probability = p;
  fit.forecast = p * z;
  fit.mse = squares / static_cast<double>(y.size());
  return fit;
}

}  // namespace

const char* DemandPatternName(DemandPattern pattern) {
  switch (pattern) {
    case DemandPattern::kSmooth:
      return "smooth";
    case DemandPattern::kErratic:
      return "erratic";
    case DemandPattern::kIntermittent:
      return "intermittent";
    case DemandPattern::kLumpy:
      return "lumpy";
  }
  return "unknown";
}

const char* IntermittentMethodName(IntermittentMethod method) {
  switch (method) {
    case IntermittentMethod::kCroston:
      return "croston";
    case IntermittentMethod::kSba:
      return "sba";
    case IntermittentMethod::kTsb:
      return "tsb";
  }
  return "unknown";
}

absl::StatusOr<DemandClassification> ClassifyDemand(
    absl::Span<const double> history) {
  SHOPML_RETURN_IF_ERROR(CheckDemand(history));
  DemandClassification c;
  double sum = 0, squares = 0;
  for (double v : history) {
    if (v <= 0) continue;
    ++c.demand_periods;
    sum += v;
    squares += v * v;
  }
  const double k = c.demand_periods;
  c.adi = k > 0 ? static_cast<double>(history.size()) / k
                : std::numeric_limits<double>::infinity();
  if (k >= 2) {
    const double mean = sum / k;
    c.cv2 = std::max(0.0, squares / k - mean * mean) / (mean * mean);
  }
  const bool sparse = c.adi >= kAdiCutoff;
  const bool variable = c.cv2 >= kCv2Cutoff;
  c.pattern =
      sparse ? (variable ? DemandPattern::kLumpy : DemandPattern::kIntermittent)
             : (variable ? DemandPattern::kErratic : DemandPattern::kSmooth);
  return c;
}

absl::StatusOr<IntermittentFit> FitIntermittent(
    absl::Span<const double> history, IntermittentMethod method,
    std::optional<double> alpha, std::optional<double> beta) {
  SHOPML_RETURN_IF_ERROR(CheckDemand(history));
  if (alpha.has_value()) {
    SHOPML_RETURN_IF_ERROR(CheckOption("alpha", *alpha, 1e-6, 1));
  }
  if (beta.has_value()) {
    SHOPML_RETURN_IF_ERROR(CheckOption("beta", *beta, 1e-6, 1));
  }
  const auto run = [&](double a, double b) {
    return method == IntermittentMethod::kTsb
               ? RunTsb(history, a, b)
               : RunCroston(history, a, method == IntermittentMethod::kSba);
  };
  std::vector<double> alphas, betas;
  for (int i = 0; i < kGridSize; ++i) {
    if (!alpha.has_value()) alphas.push_back(GridValue(i));
    if (!beta.has_value()) betas.push_back(GridValue(i));
  }
  if (alpha.has_value()) alphas = {*alpha};
  if (beta.has_value() || method != IntermittentMethod::kTsb) {
    betas = {beta.value_or(0)};
  }
  std::optional<IntermittentFit> best;
  for (double a : alphas) {
    for (double b : betas) {
      IntermittentFit fit = run(a, b);
      if (!best.has_value() || fit.mse < best->mse) best = std::move(fit);
    }
  }
  return *std::move(best);
}

}  // namespace shopml::core
