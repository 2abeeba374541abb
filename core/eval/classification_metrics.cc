#include "core/eval/classification_metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"

namespace shopml::core {
namespace {

absl::Status CheckLabels(size_t scores, absl::Span<const float> labels) {
  if (labels.size() != scores) {
    return absl::InvalidArgumentError(absl::StrCat(
        "labels: ", labels.size(), " labels for ", scores, " scores"));
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] != 0 && labels[i] != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("labels[", i, "]: must be 0 or 1, got ", labels[i]));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<double> Auc(absl::Span<const float> scores,
                           absl::Span<const float> labels) {
  if (absl::Status s = CheckLabels(scores.size(), labels); !s.ok()) return s;
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  for (size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("scores[", i, "]: is NaN"));
    }
  }
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Sum of the positives' ranks (1-based, ties sharing their mean rank).
  double positive_ranks = 0;
  double positives = 0;
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin;
    double tied_positives = 0;
    while (end < order.size() && scores[order[end]] == scores[order[begin]]) {
      tied_positives += labels[order[end]];
      ++end;
    }
    const double mean_rank = (static_cast<double>(begin + end) + 1) / 2;
    positive_ranks += tied_positives * mean_rank;
    positives += tied_positives;
    begin = end;
  }
  const double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0 || negatives == 0) {
    return absl::InvalidArgumentError(
        "labels: need at least one positive and one negative");
  }
  return (positive_ranks - positives * (positives + 1) / 2) /
         (positives * negatives);
}

absl::StatusOr<double> LogLoss(absl::Span<const float> probabilities,
                               absl::Span<const float> labels) {
  if (absl::Status s = CheckLabels(probabilities.size(), labels); !s.ok()) {
    return s;
  }
  if (labels.empty()) return absl::InvalidArgumentError("labels: empty");
  double sum = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const double p =
        std::clamp(static_cast<double>(probabilities[i]), 1e-15, 1 - 1e-15);
    sum -= labels[i] * std::log(p) + (1 - labels[i]) * std::log(1 - p);
  }
  return sum / static_cast<double>(labels.size());
}

}  // namespace shopml::core
