#include "core/data/demo_sales.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "core/data/demo_random.h"

namespace shopml::core {
namespace {

constexpr double kYearDays = 365.25;
// Mean units a day per item of a category, before its scale.
constexpr double kUnitsPerItemDay = 3;
constexpr double kIntermittentShare = 0.3;
constexpr double kIntermittentExtraSize = 0.5;  // Size is 1 + Poisson(0.5).
constexpr double kPromotionsPerDay = 1.0 / 180;
// Monday first: weekdays below 1, the weekend above.
constexpr double kWeeklyShape[7] = {0.88, 0.85, 0.87, 0.92, 1.03, 1.30, 1.15};

struct CategoryDemand {
  std::array<double, 7> weekly_profile{};
  double yearly_amplitude = 0;
  double yearly_phase_day = 0;
  double trend_per_year = 0;
  double scale = 1;
};

CategoryDemand DrawCategoryDemand(uint64_t seed, int category) {
  DemoRandom rng(seed, kDemoSalesCategoryStream, category);
  CategoryDemand demand;
  double sum = 0;
  for (int d = 0; d < 7; ++d) {
    demand.weekly_profile[d] =
        kWeeklyShape[d] * (1 + 0.04 * (2 * rng.Uniform() - 1));
    sum += demand.weekly_profile[d];
  }
  for (double& multiplier : demand.weekly_profile) multiplier *= 7 / sum;
  demand.yearly_amplitude = 0.1 + 0.3 * rng.Uniform();
  demand.yearly_phase_day = kYearDays * rng.Uniform();
  demand.trend_per_year = 0.6 * rng.Uniform() - 0.3;
  demand.scale = 0.6 + rng.Uniform();
  return demand;
}

// Monday = 0. 1970-01-01 was a Thursday.
int Weekday(int64_t day) { return static_cast<int>(((day + 3) % 7 + 7) % 7); }

// The items whose base level is among the lowest kIntermittentShare.
std::vector<bool> IntermittentItems(const std::vector<double>& base) {
  std::vector<size_t> order(base.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return base[a] != base[b] ? base[a] < base[b] : a < b;
  });
  std::vector<bool> intermittent(base.size(), false);
  const size_t count = static_cast<size_t>(kIntermittentShare *
                                           static_cast<double>(base.size()));
  for (size_t k = 0; k < count; ++k) intermittent[order[k]] = true;
  return intermittent;
}

DemoSeriesTruth DrawSeriesTruth(const CategoryDemand& demand, double base,
                                bool intermittent, int sales_days,
                                DemoRandom& rng) {
  DemoSeriesTruth truth;
  truth.intermittent = intermittent;
  if (intermittent) {
    truth.demand_probability = 0.05 + 0.15 * rng.Uniform();
    return truth;
  }
  truth.base_level = base;
  truth.weekly_profile = demand.weekly_profile;
  truth.yearly_amplitude = demand.yearly_amplitude;
  truth.yearly_phase_day = demand.yearly_phase_day;
  truth.trend_per_year = demand.trend_per_year;
  const int64_t promotions = rng.Poisson(sales_days * kPromotionsPerDay);
  const int latest_start = std::max(0, sales_days - kDemoPromotionDays);
  for (int64_t k = 0; k < promotions; ++k) {
    truth.promotion_starts.push_back(
        static_cast<int>(rng.Below(latest_start + 1)));
  }
  std::sort(truth.promotion_starts.begin(), truth.promotion_starts.end());
  return truth;
}

bool Promoted(const DemoSeriesTruth& truth, int day_index) {
  for (int start : truth.promotion_starts) {
    if (start <= day_index && day_index < start + kDemoPromotionDays) {
      return true;
    }
  }
  return false;
}

double ExpectedSales(const DemoSeriesTruth& truth, int32_t first_day,
                     int day_index) {
  if (truth.intermittent) {
    return truth.demand_probability * (1 + kIntermittentExtraSize);
  }
  const int64_t day = int64_t{first_day} + day_index;
  const double yearly =
      1 + truth.yearly_amplitude *
              std::sin(2 * std::numbers::pi *
                       (static_cast<double>(day) - truth.yearly_phase_day) /
                       kYearDays);
  const double trend =
      std::pow(1 + truth.trend_per_year, day_index / kYearDays);
  return truth.base_level * truth.weekly_profile[Weekday(day)] * yearly *
         trend * (Promoted(truth, day_index) ? kDemoPromotionUplift : 1);
}

}  // namespace

void GenerateDemoSales(DemoShop& shop) {
  const DemoOptions& o = shop.options;
  std::vector<CategoryDemand> demand;
  std::vector<int> category_size(o.num_categories, 0);
  for (int c = 0; c < o.num_categories; ++c) {
    demand.push_back(DrawCategoryDemand(o.seed, c));
  }
  for (const DemoItem& item : shop.items) ++category_size[item.category];
  std::vector<double> base;
  for (size_t i = 0; i < shop.items.size(); ++i) {
    const int c = shop.items[i].category;
    base.push_back(kUnitsPerItemDay * category_size[c] * demand[c].scale *
                   shop.truth.item_popularity[i]);
  }
  const std::vector<bool> intermittent = IntermittentItems(base);

  shop.sales.clear();
  shop.truth.series.clear();
  for (size_t i = 0; i < shop.items.size(); ++i) {
    DemoRandom rng(o.seed, kDemoSalesStream, i);
    DemoSeriesTruth truth =
        DrawSeriesTruth(demand[shop.items[i].category], base[i],
                        intermittent[i], o.sales_days, rng);
    DemoSeries series;
    series.series_id = shop.items[i].item_id;
    series.daily.resize(o.sales_days);
    for (int d = 0; d < o.sales_days; ++d) {
      if (truth.intermittent) {
        series.daily[d] =
            rng.Bernoulli(truth.demand_probability)
                ? 1 + static_cast<int32_t>(rng.Poisson(kIntermittentExtraSize))
                : 0;
      } else {
        series.daily[d] = static_cast<int32_t>(
            rng.Poisson(ExpectedSales(truth, shop.sales_first_day, d)));
      }
    }
    shop.sales.push_back(std::move(series));
    shop.truth.series.push_back(std::move(truth));
  }
}

double DemoExpectedSales(const DemoShop& shop, size_t item, int day_index) {
  return ExpectedSales(shop.truth.series[item], shop.sales_first_day,
                       day_index);
}

}  // namespace shopml::core
