// Intermittent demand: classification of the demand pattern and the Croston
// family of forecasts for series with many zero periods.
//
// Classification (Syntetos, Boylan and Croston 2005), from the n periods and
// the n+ > 0 periods with demand:
//   ADI = n / n+ (average inter-demand interval), CV2 = (sd / mean)^2 of the
//   positive demand sizes (population sd);
//   smooth: ADI < 1.32, CV2 < 0.49; erratic: ADI < 1.32, CV2 >= 0.49;
//   intermittent: ADI >= 1.32, CV2 < 0.49; lumpy: ADI >= 1.32, CV2 >= 0.49.
//
// Croston (1972), as R's forecast::croston: sizes z and intervals p (periods
// since the previous demand, the first counted from the start) are smoothed
// with one alpha, updated only in periods with demand:
//   z <- z + alpha (y - z), p <- p + alpha (q - p),
// starting from the first demand's size and interval. Forecast: z / p per
// period. SBA (Syntetos and Boylan 2005): (1 - alpha / 2) z / p, removing
// Croston's bias. TSB (Teunter, Syntetos and Babai 2011) smooths the demand
// probability every period and the size in periods with demand:
//   p <- p + beta (1[y > 0] - p),  z <- z + alpha (y - z) if y > 0,
// from p = n+ / n and z = mean positive size; forecast p z. Croston and SBA
// forecasts start after the first demand; TSB's from the first period.
//
// Parameters, unless fixed, minimise the in-sample mean squared one-step
// error over the grid 0.01, 0.02, ..., 0.50 (both dimensions for TSB).
//
// Thread safety: pure functions; safe from any thread.
#ifndef SHOPML_CORE_FORECAST_INTERMITTENT_H_
#define SHOPML_CORE_FORECAST_INTERMITTENT_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace shopml::core {

inline constexpr double kAdiCutoff = 1.32;
inline constexpr double kCv2Cutoff = 0.49;

enum class DemandPattern { kSmooth, kErratic, kIntermittent, kLumpy };
const char* DemandPatternName(DemandPattern pattern);  // "smooth", ...

struct DemandClassification {
  double adi = 0;  // +inf without demand.
  double cv2 = 0;  // 0 with fewer than two demands.
  int demand_periods = 0;
  DemandPattern pattern = DemandPattern::kSmooth;
};

// InvalidArgument naming the field for an empty history or a value that is
// negative or not finite ("history[i]: ...").
absl::StatusOr<DemandClassification> ClassifyDemand(
    absl::Span<const double> history);

enum class IntermittentMethod { kCroston, kSba, kTsb };
const char* IntermittentMethodName(IntermittentMethod method);  // "croston"

struct IntermittentFit {
  IntermittentMethod method = IntermittentMethod::kCroston;
  double alpha = 0;            // Size (and Croston interval) smoothing.
  double beta = 0;             // TSB probability smoothing; 0 otherwise.
  double size = 0;             // Smoothed demand size z at the end.
  double interval = 0;         // Smoothed interval p (Croston, SBA); 0 for TSB.
  double probability = 0;      // Demand probability: TSB p, else 1 / interval.
  double forecast = 0;         // Demand per period for every future period.
  double mse = 0;              // In-sample mean squared one-step error.
  std::vector<double> fitted;  // One-step forecasts, NaN before they start.
};

// Fits `method`; `alpha` and `beta` (TSB only), when given, are fixed in
// (0, 1]. A history without demand gives forecast 0. InvalidArgument naming
// the field for a bad history or parameter.
absl::StatusOr<IntermittentFit> FitIntermittent(
    absl::Span<const double> history, IntermittentMethod method,
    std::optional<double> alpha = std::nullopt,
    std::optional<double> beta = std::nullopt);

}  // namespace shopml::core

#endif  // SHOPML_CORE_FORECAST_INTERMITTENT_H_
