#include "core/data/demo_generator.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/data/csv_writer.h"
#include "core/data/demo_events.h"
#include "core/data/demo_random.h"
#include "core/data/demo_sales.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

constexpr int kEventDays = 365;
constexpr int64_t kMaxSalesCells = 200000000;
constexpr double kOutOfStockShare = 0.05;
constexpr double kPersonalAffinitySd = 0.3;

// Category names and what their items are called.
constexpr std::pair<const char*, const char*> kCategoryKinds[] = {
    {"electronics", "headphones"},
    {"books", "novel"},
    {"kitchen", "skillet"},
    {"garden", "planter"},
    {"toys", "puzzle"},
    {"sports", "yoga mat"},
    {"beauty", "lipstick"},
    {"fashion", "jacket"},
    {"shoes", "sneakers"},
    {"home", "lamp"},
    {"office", "notebook"},
    {"pets", "dog bed"},
    {"music", "vinyl record"},
    {"games", "board game"},
    {"tools", "drill"},
    {"auto", "car charger"},
    {"baby", "stroller"},
    {"health", "vitamins"},
    {"grocery", "coffee"},
    {"outdoor", "tent"},
    {"jewelry", "necklace"},
    {"crafts", "yarn"},
    {"video", "film"},
    {"travel", "backpack"}};
constexpr size_t kNumKinds = std::size(kCategoryKinds);

constexpr const char* kAdjectives[] = {"Classic", "Compact", "Deluxe",  "Eco",
                                       "Premium", "Smart",   "Vintage", "Ultra",
                                       "Basic",   "Pro"};
// Some titles carry a comma or a quote, as real ones do.
constexpr const char* kTitleSuffixes[] = {"", "",        "",          "",
                                          "", ", large", " (2-pack)", " 15\""};

absl::Status CheckRange(const char* field, int64_t value, int64_t low,
                        int64_t high) {
  if (value < low || value > high) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: must be in [%d, %d], got %d", field, low, high, value));
  }
  return absl::OkStatus();
}

absl::Status ValidateOptions(const DemoOptions& o) {
  SHOPML_RETURN_IF_ERROR(CheckRange("num_users", o.num_users, 1, 10000000));
  SHOPML_RETURN_IF_ERROR(
      CheckRange("num_categories", o.num_categories, 1, 1000));
  SHOPML_RETURN_IF_ERROR(
      CheckRange("num_items", o.num_items, o.num_categories, 1000000));
  SHOPML_RETURN_IF_ERROR(CheckRange("num_events", o.num_events, 0, 100000000));
  SHOPML_RETURN_IF_ERROR(CheckRange("sales_days", o.sales_days, 1, 36500));
  SHOPML_RETURN_IF_ERROR(CheckRange("num_segments", o.num_segments, 1, 1000));
  if (int64_t{o.num_items} * o.sales_days > kMaxSalesCells) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sales_days: num_items * sales_days must be at most %d, got %d",
        kMaxSalesCells, int64_t{o.num_items} * o.sales_days));
  }
  return CheckRange("end_day", o.end_day, std::max(o.sales_days, kEventDays),
                    DaysFromCivil(9999, 12, 31));
}

std::vector<std::string> CategoryNames(int num_categories) {
  std::vector<std::string> names;
  for (int c = 0; c < num_categories; ++c) {
    names.push_back(
        absl::StrFormat("cat%02d-%s", c, kCategoryKinds[c % kNumKinds].first));
  }
  return names;
}

// Every category gets one item, the rest go by random category weights; then
// the assignment is shuffled so ids do not follow categories.
std::vector<int> AssignCategories(const DemoOptions& o, DemoRandom& rng) {
  std::vector<double> cumulative;
  double total = 0;
  for (int c = 0; c < o.num_categories; ++c) {
    total += 0.5 + rng.Uniform();
    cumulative.push_back(total);
  }
  std::vector<int> category(o.num_items);
  for (int i = 0; i < o.num_items; ++i) {
    category[i] =
        i < o.num_categories ? i : static_cast<int>(rng.Pick(cumulative));
  }
  for (size_t i = category.size(); i > 1; --i) {
    std::swap(category[i - 1], category[rng.Below(i)]);
  }
  return category;
}

// Zipf-like popularity inside each category: a random order gives each item
// a rank r and the weight 1 / r, normalised per category.
std::vector<double> ItemPopularity(const std::vector<int>& category,
                                   int num_categories, DemoRandom& rng) {
  std::vector<std::vector<size_t>> members(num_categories);
  for (size_t i = 0; i < category.size(); ++i)
    members[category[i]].push_back(i);
  std::vector<double> popularity(category.size());
  for (std::vector<size_t>& items : members) {
    for (size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[rng.Below(i)]);
    }
    double total = 0;
    for (size_t r = 0; r < items.size(); ++r) total += 1.0 / (r + 1);
    for (size_t r = 0; r < items.size(); ++r) {
      popularity[items[r]] = 1.0 / (r + 1) / total;
    }
  }
  return popularity;
}

void GenerateCatalog(DemoShop& shop) {
  const DemoOptions& o = shop.options;
  DemoRandom rng(o.seed, kDemoCatalogStream);
  shop.category_names = CategoryNames(o.num_categories);
  std::vector<double> median_price;
  for (int c = 0; c < o.num_categories; ++c) {
    median_price.push_back(5 * std::exp(rng.Uniform() * std::log(60.0)));
  }
  const std::vector<int> category = AssignCategories(o, rng);
  shop.truth.item_popularity = ItemPopularity(category, o.num_categories, rng);
  for (int i = 0; i < o.num_items; ++i) {
    DemoItem item;
    item.item_id = absl::StrFormat("I%05d", i);
    item.category = category[i];
    const double price =
        median_price[item.category] * std::exp(0.4 * rng.Normal());
    item.price = std::max(0.5, std::round(price * 100) / 100);
    item.in_stock = !rng.Bernoulli(kOutOfStockShare);
    item.title =
        absl::StrCat(kAdjectives[rng.Below(std::size(kAdjectives))], " ",
                     kCategoryKinds[item.category % kNumKinds].second, " M", i,
                     kTitleSuffixes[rng.Below(std::size(kTitleSuffixes))]);
    shop.items.push_back(std::move(item));
    shop.truth.item_quality.push_back(0.5 * rng.Normal());
  }
}

void GenerateSegments(DemoShop& shop) {
  const DemoOptions& o = shop.options;
  DemoRandom rng(o.seed, kDemoSegmentStream);
  for (int s = 0; s < o.num_segments; ++s) {
    const int wanted = rng.Bernoulli(0.5) ? 3 : 2;
    const int count = std::min(wanted, o.num_categories);
    std::vector<int> order(o.num_categories);
    for (int c = 0; c < o.num_categories; ++c) order[c] = c;
    for (int k = 0; k < count; ++k) {
      std::swap(order[k], order[k + rng.Below(o.num_categories - k)]);
    }
    std::vector<int> favoured(order.begin(), order.begin() + count);
    std::sort(favoured.begin(), favoured.end());
    std::vector<double> affinity(o.num_categories);
    for (int c = 0; c < o.num_categories; ++c) {
      affinity[c] = -0.6 + 0.5 * rng.Uniform();
    }
    for (int c : favoured) affinity[c] = 1.0 + 0.5 * rng.Uniform();
    shop.truth.segment_categories.push_back(std::move(favoured));
    shop.truth.segment_affinity.push_back(std::move(affinity));
  }
}

void GenerateUsers(DemoShop& shop) {
  const DemoOptions& o = shop.options;
  DemoRandom rng(o.seed, kDemoUserStream);
  for (int u = 0; u < o.num_users; ++u) {
    shop.users.push_back({absl::StrFormat("U%05d", u),
                          static_cast<int>(rng.Below(o.num_segments))});
  }
}

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kView:
      return "view";
    case EventType::kAddToCart:
      return "add_to_cart";
    case EventType::kPurchase:
      return "purchase";
    case EventType::kRating:
      return "rating";
  }
  return "view";
}

absl::Status WriteItems(const DemoShop& shop, const std::string& path) {
  SHOPML_ASSIGN_OR_RETURN(CsvWriter out, CsvWriter::Open(path));
  for (const char* column :
       {"item_id", "category", "price", "stock_status", "title"}) {
    out.AddPlain(column);
  }
  out.EndRow();
  for (const DemoItem& item : shop.items) {
    out.Add(item.item_id);
    out.Add(shop.category_names[item.category]);
    out.AddPlain(absl::StrFormat("%.2f", item.price));
    out.AddPlain(item.in_stock ? "in_stock" : "out_of_stock");
    out.Add(item.title);
    out.EndRow();
  }
  return out.Close();
}

absl::Status WriteUsers(const DemoShop& shop, const std::string& path) {
  SHOPML_ASSIGN_OR_RETURN(CsvWriter out, CsvWriter::Open(path));
  out.AddPlain("user_id");
  out.EndRow();
  for (const DemoUser& user : shop.users) {
    out.Add(user.user_id);
    out.EndRow();
  }
  return out.Close();
}

absl::Status WriteUserSegments(const DemoShop& shop, const std::string& path) {
  SHOPML_ASSIGN_OR_RETURN(CsvWriter out, CsvWriter::Open(path));
  out.AddPlain("user_id");
  out.AddPlain("segment");
  out.EndRow();
  for (const DemoUser& user : shop.users) {
    out.Add(user.user_id);
    out.AddInt(user.segment);
    out.EndRow();
  }
  return out.Close();
}

absl::Status WriteEvents(const DemoShop& shop, const std::string& path) {
  SHOPML_ASSIGN_OR_RETURN(CsvWriter out, CsvWriter::Open(path));
  for (const char* column : {"user_id", "item_id", "event_type", "timestamp",
                             "rating", "quantity"}) {
    out.AddPlain(column);
  }
  out.EndRow();
  for (const DemoEvent& event : shop.events) {
    out.Add(shop.users[event.user].user_id);
    out.Add(shop.items[event.item].item_id);
    out.AddPlain(EventTypeName(event.type));
    out.AddInt(event.timestamp);
    if (event.type == EventType::kRating) {
      out.AddInt(event.rating);
    } else {
      out.AddEmpty();
    }
    if (event.type == EventType::kPurchase) {
      out.AddInt(event.quantity);
    } else {
      out.AddEmpty();
    }
    out.EndRow();
  }
  return out.Close();
}

absl::Status WriteSeriesTruth(const DemoShop& shop, const std::string& path) {
  SHOPML_ASSIGN_OR_RETURN(CsvWriter out, CsvWriter::Open(path));
  for (const char* column :
       {"series_id", "intermittent", "demand_probability", "base_level",
        "trend_per_year", "yearly_amplitude", "profile_mon", "profile_tue",
        "profile_wed", "profile_thu", "profile_fri", "profile_sat",
        "profile_sun"}) {
    out.AddPlain(column);
  }
  out.EndRow();
  for (size_t i = 0; i < shop.sales.size(); ++i) {
    const DemoSeriesTruth& truth = shop.truth.series[i];
    out.Add(shop.sales[i].series_id);
    out.AddInt(truth.intermittent ? 1 : 0);
    for (double value : {truth.demand_probability, truth.base_level,
                         truth.trend_per_year, truth.yearly_amplitude}) {
      out.AddPlain(absl::StrFormat("%.6g", value));
    }
    for (double multiplier : truth.weekly_profile) {
      out.AddPlain(absl::StrFormat("%.6g", multiplier));
    }
    out.EndRow();
  }
  return out.Close();
}

absl::Status WriteSales(const DemoShop& shop, const std::string& path) {
  std::vector<std::string> dates;
  for (int d = 0; d < shop.options.sales_days; ++d) {
    int year = 0, month = 0, day = 0;
    CivilFromDays(shop.sales_first_day + d, &year, &month, &day);
    dates.push_back(absl::StrFormat("%04d-%02d-%02d", year, month, day));
  }
  SHOPML_ASSIGN_OR_RETURN(CsvWriter out, CsvWriter::Open(path));
  for (const char* column : {"series_id", "date", "quantity"})
    out.AddPlain(column);
  out.EndRow();
  for (const DemoSeries& series : shop.sales) {
    for (size_t d = 0; d < series.daily.size(); ++d) {
      out.Add(series.series_id);
      out.AddPlain(dates[d]);
      out.AddInt(series.daily[d]);
      out.EndRow();
    }
  }
  return out.Close();
}

}  // namespace

absl::StatusOr<DemoShop> GenerateDemoShop(const DemoOptions& options) {
  SHOPML_RETURN_IF_ERROR(ValidateOptions(options));
  DemoShop shop;
  shop.options = options;
  shop.sales_first_day = options.end_day - options.sales_days;
  GenerateCatalog(shop);
  GenerateSegments(shop);
  GenerateUsers(shop);
  GenerateDemoEvents(shop);
  GenerateDemoSales(shop);
  return shop;
}

absl::Status WriteDemoCsv(const DemoShop& shop, const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::ErrnoToStatus(error.value(), absl::StrCat("create ", dir));
  }
  const std::filesystem::path root(dir);
  SHOPML_RETURN_IF_ERROR(WriteItems(shop, (root / "items.csv").string()));
  SHOPML_RETURN_IF_ERROR(WriteUsers(shop, (root / "users.csv").string()));
  SHOPML_RETURN_IF_ERROR(
      WriteUserSegments(shop, (root / "truth_user_segments.csv").string()));
  SHOPML_RETURN_IF_ERROR(WriteEvents(shop, (root / "events.csv").string()));
  SHOPML_RETURN_IF_ERROR(
      WriteSeriesTruth(shop, (root / "truth_series.csv").string()));
  return WriteSales(shop, (root / "sales.csv").string());
}

double DemoAffinity(const DemoShop& shop, uint32_t user, int category) {
  const uint64_t key =
      MixBits(shop.options.seed ^ kDemoAffinityStream) +
      uint64_t{user} * static_cast<uint64_t>(shop.options.num_categories) +
      static_cast<uint64_t>(category);
  return shop.truth.segment_affinity[shop.users[user].segment][category] +
         kPersonalAffinitySd * HashNormal(key);
}

double DemoCartProbability(double affinity, double quality) {
  return 1 / (1 + std::exp(-(-1.9 + 0.5 * affinity + 0.8 * quality)));
}

double DemoPurchaseProbability(double affinity, double quality) {
  return 1 / (1 + std::exp(-(-0.8 + 0.3 * affinity + 0.8 * quality)));
}

Interactions DemoInteractions(const DemoShop& shop) {
  Interactions data;
  data.num_users = static_cast<uint32_t>(shop.users.size());
  data.num_items = static_cast<uint32_t>(shop.items.size());
  data.now_micros = int64_t{shop.options.end_day} * 86400 * 1000000;
  data.events.reserve(shop.events.size());
  for (const DemoEvent& event : shop.events) {
    Interaction interaction;
    interaction.user = event.user;
    interaction.item = event.item;
    interaction.time_micros = event.timestamp * 1000000;
    interaction.type = event.type;
    interaction.rating = static_cast<float>(event.rating);
    interaction.quantity = event.quantity;
    data.events.push_back(interaction);
  }
  data.catalog.category_names = shop.category_names;
  for (const DemoItem& item : shop.items) {
    data.catalog.item_category.push_back(item.category);
    data.catalog.item_in_stock.push_back(item.in_stock);
    data.catalog.item_price.push_back(static_cast<float>(item.price));
  }
  return data;
}

}  // namespace shopml::core
