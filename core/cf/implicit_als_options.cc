#include "core/cf/implicit_als_options.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr double kMaxWeight = 1e6;

absl::Status CheckInt(const char* field, int value, int lo, int hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be in [", lo, ", ", hi, "], got ", value));
}

// Sums the weights of `events` per key(event) in double, in input order
// within a key, and rounds each sum once to float; keeps positive sums.
template <typename Entry, typename KeyFn>
std::vector<Entry> SumWeights(absl::Span<const Interaction> events,
                              const ImplicitAlsOptions& options, KeyFn key) {
  std::vector<std::pair<uint32_t, double>> keyed;
  keyed.reserve(events.size());
  for (const Interaction& e : events) {
    keyed.emplace_back(key(e), AlsEventWeight(options, e));
  }
  std::stable_sort(
      keyed.begin(), keyed.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Entry> out;
  for (size_t i = 0; i < keyed.size();) {
    double w = 0;
    size_t j = i;
    for (; j < keyed.size() && keyed[j].first == keyed[i].first; ++j) {
      w += keyed[j].second;
    }
    const float wf = static_cast<float>(w);
    if (wf > 0) out.push_back({keyed[i].first, wf});
    i = j;
  }
  return out;
}

}  // namespace

absl::Status CheckImplicitAlsOptions(const ImplicitAlsOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckInt("factors", options.factors, 1, 1024));
  SHOPML_RETURN_IF_ERROR(
      CheckPositive("regularization", options.regularization));
  SHOPML_RETURN_IF_ERROR(CheckInt("iterations", options.iterations, 0, 1000));
  if (options.scaling != AlsConfidenceScaling::kLinear &&
      options.scaling != AlsConfidenceScaling::kLog) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scaling: unknown value ", static_cast<int>(options.scaling)));
  }
  SHOPML_RETURN_IF_ERROR(CheckOption("alpha", options.alpha, 0, kMaxWeight));
  SHOPML_RETURN_IF_ERROR(CheckPositive("log_epsilon", options.log_epsilon));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("view_weight", options.view_weight, 0, kMaxWeight));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("cart_weight", options.cart_weight, 0, kMaxWeight));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("purchase_weight", options.purchase_weight, 0, kMaxWeight));
  if (!std::isfinite(options.rating_threshold)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rating_threshold: must be finite, got ", options.rating_threshold));
  }
  SHOPML_RETURN_IF_ERROR(CheckOption("low_rating_weight",
                                     options.low_rating_weight, 0, kMaxWeight));
  if (options.solver != AlsSolver::kConjugateGradient &&
      options.solver != AlsSolver::kCholesky) {
    return absl::InvalidArgumentError(absl::StrCat(
        "solver: unknown value ", static_cast<int>(options.solver)));
  }
  SHOPML_RETURN_IF_ERROR(CheckInt("cg_steps", options.cg_steps, 1, 1000));
  return CheckInt("threads", options.threads, 0, 1024);
}

int AlsThreads(const ImplicitAlsOptions& options) {
  if (options.threads > 0) return options.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

double AlsEventWeight(const ImplicitAlsOptions& options,
                      const Interaction& event) {
  switch (event.type) {
    case EventType::kView:
      return options.view_weight;
    case EventType::kAddToCart:
      return options.cart_weight;
    case EventType::kPurchase:
      return options.purchase_weight;
    case EventType::kRating:
      return event.rating >= options.rating_threshold
                 ? options.purchase_weight
                 : options.low_rating_weight;
  }
  return 0;
}

float AlsConfidence(const ImplicitAlsOptions& options, float w) {
  const double scaled = options.scaling == AlsConfidenceScaling::kLog
                            ? std::log1p(w / options.log_epsilon)
                            : static_cast<double>(w);
  return static_cast<float>(1 + options.alpha * scaled);
}

std::vector<ItemWeight> AlsItemWeights(absl::Span<const Interaction> events,
                                       const ImplicitAlsOptions& options) {
  return SumWeights<ItemWeight>(events, options,
                                [](const Interaction& e) { return e.item; });
}

std::vector<UserWeight> AlsUserWeights(absl::Span<const Interaction> events,
                                       const ImplicitAlsOptions& options) {
  return SumWeights<UserWeight>(events, options,
                                [](const Interaction& e) { return e.user; });
}

}  // namespace shopml::core
