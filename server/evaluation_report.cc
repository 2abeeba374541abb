#include "server/evaluation_report.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace shopml::server {
namespace {

using ::shopml::model::v1::ModelInfo;

// Metric prefix and the name printed for it.
constexpr std::pair<const char*, const char*> kSplits[] = {
    {"", "time"}, {"loo_", "leave_last_out"}, {"random_", "random_80_20"}};

std::optional<double> Find(const ModelInfo& info, absl::string_view prefix,
                           absl::string_view key) {
  auto it = info.metrics().find(absl::StrCat(prefix, key));
  if (it == info.metrics().end()) return std::nullopt;
  return it->second;
}

std::string Figure(std::optional<double> value) {
  return value.has_value() ? absl::StrFormat("%.4f", *value) : "-";
}

std::string Count(std::optional<double> value) {
  return value.has_value() ? absl::StrFormat("%.0f", *value) : "-";
}

std::string TopNTable(const model::v1::Manifest& manifest) {
  std::string rows;
  for (const ModelInfo& info : manifest.models()) {
    for (const auto& [prefix, split] : kSplits) {
      const std::optional<double> ndcg = Find(info, prefix, "ndcg_at_10");
      if (!ndcg.has_value()) continue;
      absl::StrAppendFormat(
          &rows, "%-14s %-15s %7s %7s %9s %7s %6s %8s %7s\n", info.name(),
          split, Figure(Find(info, prefix, "hr_at_10")), Figure(ndcg),
          Figure(Find(info, prefix, "recall_at_10")),
          Figure(Find(info, prefix, "map_at_10")),
          Count(Find(info, prefix, "eval_users")),
          Figure(Find(info, prefix, "coverage")),
          Figure(Find(info, prefix, "catalog_coverage")));
    }
  }
  if (rows.empty()) return "";
  return absl::StrCat(
      absl::StrFormat("%-14s %-15s %7s %7s %9s %7s %6s %8s %7s\n", "model",
                      "split", "HR@10", "NDCG@10", "Recall@10", "MAP@10",
                      "users", "coverage", "catalog"),
      rows);
}

std::string RatingTable(const model::v1::Manifest& manifest) {
  std::string rows;
  for (const ModelInfo& info : manifest.models()) {
    for (const auto& [prefix, split] : kSplits) {
      const std::optional<double> rmse = Find(info, prefix, "rmse");
      if (!rmse.has_value()) continue;
      absl::StrAppendFormat(&rows, "%-14s %-15s %7s %7s %8s\n", info.name(),
                            split, Figure(rmse),
                            Figure(Find(info, prefix, "mae")),
                            Count(Find(info, prefix, "eval_ratings")));
    }
  }
  if (rows.empty()) return "";
  return absl::StrCat(absl::StrFormat("%-14s %-15s %7s %7s %8s\n", "model",
                                      "split", "RMSE", "MAE", "ratings"),
                      rows);
}

}  // namespace

std::string FormatEvaluationTables(const model::v1::Manifest& manifest) {
  const std::string top_n = TopNTable(manifest);
  const std::string ratings = RatingTable(manifest);
  if (top_n.empty() || ratings.empty()) return absl::StrCat(top_n, ratings);
  return absl::StrCat(top_n, "\n", ratings);
}

}  // namespace shopml::server
