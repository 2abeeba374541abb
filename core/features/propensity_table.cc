#include "core/features/propensity_table.h"

#include <algorithm>
#include <numeric>
#include <optional>

#include "absl/strings/str_cat.h"
#include "core/baseline/data_checks.h"
#include "core/features/feature_schema.h"
#include "core/util/status_macros.h"

namespace shopml::core {

namespace {

struct Row {
  int64_t time = 0;
  uint32_t user = 0;
  uint32_t item = 0;
  float label = 0;
  std::vector<float> features;
};

// SplitMix64 finaliser: a stable hash for the row sample.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

absl::Status CheckOptions(const PropensityOptions& o) {
  SHOPML_RETURN_IF_ERROR(
      CheckOption("window_fraction", o.window_fraction, 0.01, 0.99));
  SHOPML_RETURN_IF_ERROR(
      CheckOption("label_horizon_seconds",
                  static_cast<double>(o.label_horizon_seconds), 1, 1e9));
  return CheckOption("max_rows", static_cast<double>(o.max_rows), 1, 1e12);
}

// Whether `user` bought `item` in (t, t + horizon]; `purchases` holds the
// user's purchase events in EventOrder.
bool BoughtWithin(absl::Span<const Interaction> purchases, uint32_t item,
                  int64_t t, int64_t horizon) {
  for (const Interaction& p : purchases) {
    if (p.time_micros > t + horizon) break;
    if (p.item == item && p.time_micros > t) return true;
  }
  return false;
}

// Rows of one user's events (sorted in EventOrder). Views at one instant
// see only the events before it.
void UserRows(absl::Span<const Interaction> events, const FeatureSources& src,
              int64_t start, int64_t end, int64_t horizon, uint64_t keep_below,
              std::vector<Row>& rows) {
  std::vector<Interaction> purchases;
  for (const Interaction& e : events) {
    if (e.type == EventType::kPurchase) purchases.push_back(e);
  }
  UserState state;
  size_t next_purchase = 0;
  for (size_t i = 0; i < events.size();) {
    const int64_t t = events[i].time_micros;
    size_t j = i;
    while (j < events.size() && events[j].time_micros == t) ++j;
    if (t >= start && t <= end) {
      while (next_purchase < purchases.size() &&
             purchases[next_purchase].time_micros <= t) {
        ++next_purchase;
      }
      const absl::Span<const Interaction> later =
          absl::MakeConstSpan(purchases).subspan(next_purchase);
      std::optional<RowBuilder> builder;
      for (size_t k = i; k < j; ++k) {
        const Interaction& v = events[k];
        if (v.type != EventType::kView) continue;
        const uint64_t h = Mix(Mix(v.user * 0x9e3779b97f4a7c15ULL ^ v.item) ^
                               static_cast<uint64_t>(t));
        if (h > keep_below) continue;
        if (!builder.has_value()) builder.emplace(state, src);
        Row row{t, v.user, v.item,
                BoughtWithin(later, v.item, t, horizon) ? 1.0f : 0.0f,
                std::vector<float>(kNumFeatures)};
        builder->Write(v.item, t, row.features.data());
        rows.push_back(std::move(row));
      }
    }
    for (; i < j; ++i) state.Add(events[i], *src.items);
  }
}

}  // namespace

absl::StatusOr<int64_t> PropensityWindowStart(const Interactions& data,
                                              const PropensityOptions& o) {
  SHOPML_RETURN_IF_ERROR(CheckOptions(o));
  if (data.events.empty()) return 0;
  auto [lo, hi] =
      std::minmax_element(data.events.begin(), data.events.end(),
                          [](const Interaction& a, const Interaction& b) {
                            return a.time_micros < b.time_micros;
                          });
  const double span = static_cast<double>(hi->time_micros - lo->time_micros);
  return hi->time_micros - static_cast<int64_t>(span * o.window_fraction);
}

absl::StatusOr<PropensityTable> BuildPropensityTable(
    const Interactions& data, const FeatureSources& sources,
    const PropensityOptions& options) {
  SHOPML_RETURN_IF_ERROR(CheckInteractions(data));
  SHOPML_ASSIGN_OR_RETURN(const int64_t start,
                          PropensityWindowStart(data, options));
  const int64_t horizon = options.label_horizon_seconds * 1000000;
  const int64_t end = data.now_micros - horizon;
  int64_t views = 0;
  for (const Interaction& e : data.events) {
    views += e.type == EventType::kView && e.time_micros >= start &&
             e.time_micros <= end;
  }
  const double keep = std::min(
      1.0, static_cast<double>(options.max_rows) / std::max<int64_t>(views, 1));
  const uint64_t keep_below =
      keep >= 1 ? UINT64_MAX : static_cast<uint64_t>(keep * 1.8446744e19);

  std::vector<Interaction> events = data.events;
  std::sort(events.begin(), events.end(),
            [](const Interaction& a, const Interaction& b) {
              return a.user != b.user ? a.user < b.user : EventOrder(a, b);
            });
  std::vector<Row> rows;
  for (size_t i = 0; i < events.size();) {
    size_t j = i;
    while (j < events.size() && events[j].user == events[i].user) ++j;
    UserRows(absl::MakeConstSpan(events).subspan(i, j - i), sources, start, end,
             horizon, keep_below, rows);
    i = j;
  }
  if (rows.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the label window holds no view with a known outcome (",
                     data.events.size(), " events)"));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.time != b.time ? a.time < b.time : a.user < b.user;
  });
  PropensityTable table;
  table.window_start_micros = start;
  table.x.resize(static_cast<Eigen::Index>(rows.size()), kNumFeatures);
  for (size_t r = 0; r < rows.size(); ++r) {
    std::copy(rows[r].features.begin(), rows[r].features.end(),
              table.x.row(static_cast<Eigen::Index>(r)).data());
    table.y.push_back(rows[r].label);
    table.time_micros.push_back(rows[r].time);
    table.user.push_back(rows[r].user);
    table.item.push_back(rows[r].item);
  }
  return table;
}

}  // namespace shopml::core
