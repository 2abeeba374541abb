#include "core/data/demo_generator.h"

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

using ::shopml::testing::StatusIs;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr const char* kFiles[] = {"items.csv", "users.csv", "events.csv",
                                  "sales.csv", "truth_user_segments.csv"};

// A fresh directory, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    const char* root = std::getenv("TEST_TMPDIR");
    std::string pattern = std::string(root != nullptr ? root : "/tmp") +
                          "/shopml_demo_test_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

DemoOptions SmallOptions(uint64_t seed = 42) {
  DemoOptions options;
  options.seed = seed;
  options.num_users = 800;
  options.num_items = 400;
  options.num_categories = 10;
  options.num_events = 100000;
  options.sales_days = 730;
  options.num_segments = 5;
  return options;
}

// One small shop shared by the tests that only read it.
class DemoShopTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<DemoShop> shop = GenerateDemoShop(SmallOptions());
    ASSERT_TRUE(shop.ok()) << shop.status();
    shop_ = new DemoShop(*std::move(shop));
  }
  static void TearDownTestSuite() {
    delete shop_;
    shop_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(shop_, nullptr); }

  static int Weekday(int32_t day) { return ((day + 3) % 7 + 7) % 7; }

  static DemoShop* shop_;
};

DemoShop* DemoShopTest::shop_ = nullptr;

TEST(DemoGeneratorTest, SameSeedGivesIdenticalCsvBytes) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(DemoShop first, GenerateDemoShop(SmallOptions(7)));
  ASSERT_OK_AND_ASSIGN(DemoShop second, GenerateDemoShop(SmallOptions(7)));
  ASSERT_OK(WriteDemoCsv(first, dir.Sub("a")));
  ASSERT_OK(WriteDemoCsv(second, dir.Sub("b")));
  for (const char* file : kFiles) {
    const std::string a = ReadFile(dir.Sub(absl::StrCat("a/", file)));
    EXPECT_FALSE(a.empty()) << file;
    EXPECT_TRUE(a == ReadFile(dir.Sub(absl::StrCat("b/", file)))) << file;
  }
}

TEST(DemoGeneratorTest, DifferentSeedGivesDifferentData) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(DemoShop first, GenerateDemoShop(SmallOptions(1)));
  ASSERT_OK_AND_ASSIGN(DemoShop second, GenerateDemoShop(SmallOptions(2)));
  ASSERT_OK(WriteDemoCsv(first, dir.Sub("a")));
  ASSERT_OK(WriteDemoCsv(second, dir.Sub("b")));
  for (const char* file : kFiles) {
    // users.csv holds only the ids, which the seed does not choose.
    if (std::string(file) == "users.csv") continue;
    EXPECT_TRUE(ReadFile(dir.Sub(absl::StrCat("a/", file))) !=
                ReadFile(dir.Sub(absl::StrCat("b/", file))))
        << file;
  }
}

TEST(DemoGeneratorTest, DefaultOptionsGiveTheRequestedSizes) {
  ASSERT_OK_AND_ASSIGN(DemoShop shop, GenerateDemoShop(DemoOptions{}));
  EXPECT_THAT(shop.users, SizeIs(5000));
  EXPECT_THAT(shop.items, SizeIs(2000));
  EXPECT_THAT(shop.category_names, SizeIs(20));
  EXPECT_THAT(shop.events, SizeIs(500000));
  ASSERT_THAT(shop.sales, SizeIs(2000));
  for (const DemoSeries& series : shop.sales) {
    ASSERT_THAT(series.daily, SizeIs(730));
  }
  EXPECT_EQ(shop.options.end_day, DaysFromCivil(2026, 11, 1));
  EXPECT_EQ(shop.sales_first_day, DaysFromCivil(2024, 11, 1));
  EXPECT_THAT(shop.truth.segment_categories, SizeIs(8));
}

TEST(DemoGeneratorTest, CsvFilesHaveTheDocumentedFormats) {
  TempDir dir;
  DemoOptions options = SmallOptions();
  options.num_events = 5000;
  options.sales_days = 10;
  ASSERT_OK_AND_ASSIGN(DemoShop shop, GenerateDemoShop(options));
  ASSERT_OK(WriteDemoCsv(shop, dir.path()));

  const std::vector<std::string> sales =
      absl::StrSplit(ReadFile(dir.Sub("sales.csv")), '\n', absl::SkipEmpty());
  ASSERT_THAT(sales, SizeIs(1 + 400 * 10));
  EXPECT_EQ(sales[0], "series_id,date,quantity");
  EXPECT_EQ(sales[1],
            absl::StrCat("I00000,2026-10-22,", shop.sales[0].daily[0]));
  EXPECT_EQ(sales[10],
            absl::StrCat("I00000,2026-10-31,", shop.sales[0].daily[9]));
  EXPECT_THAT(sales[11], StartsWith("I00001,2026-10-22,"));

  const std::vector<std::string> users =
      absl::StrSplit(ReadFile(dir.Sub("users.csv")), '\n', absl::SkipEmpty());
  ASSERT_THAT(users, SizeIs(1 + 800));
  EXPECT_EQ(users[0], "user_id");
  EXPECT_EQ(users[18], "U00017");

  const std::vector<std::string> segments = absl::StrSplit(
      ReadFile(dir.Sub("truth_user_segments.csv")), '\n', absl::SkipEmpty());
  ASSERT_THAT(segments, SizeIs(1 + 800));
  EXPECT_EQ(segments[0], "user_id,segment");
  EXPECT_EQ(segments[18], absl::StrCat("U00017,", shop.users[17].segment));

  const std::vector<std::string> events =
      absl::StrSplit(ReadFile(dir.Sub("events.csv")), '\n', absl::SkipEmpty());
  ASSERT_THAT(events, SizeIs(1 + 5000));
  EXPECT_EQ(events[0], "user_id,item_id,event_type,timestamp,rating,quantity");
  for (size_t i = 0; i < shop.events.size(); ++i) {
    const DemoEvent& e = shop.events[i];
    const std::string rating =
        e.type == EventType::kRating ? absl::StrCat(e.rating) : "";
    const std::string quantity =
        e.type == EventType::kPurchase ? absl::StrCat(e.quantity) : "";
    const char* type = e.type == EventType::kView        ? "view"
                       : e.type == EventType::kAddToCart ? "add_to_cart"
                       : e.type == EventType::kPurchase  ? "purchase"
                                                         : "rating";
    ASSERT_EQ(events[i + 1],
              absl::StrCat(shop.users[e.user].user_id, ",",
                           shop.items[e.item].item_id, ",", type, ",",
                           e.timestamp, ",", rating, ",", quantity));
  }
}

TEST(DemoGeneratorTest, ItemTitlesWithQuotesAndCommasAreQuoted) {
  TempDir dir;
  DemoOptions options = SmallOptions();
  options.num_events = 0;
  options.sales_days = 1;
  ASSERT_OK_AND_ASSIGN(DemoShop shop, GenerateDemoShop(options));
  ASSERT_OK(WriteDemoCsv(shop, dir.path()));
  const std::string items = ReadFile(dir.Sub("items.csv"));
  EXPECT_THAT(items, StartsWith("item_id,category,price,stock_status,title\n"));
  int quoted = 0, commas = 0;
  for (const DemoItem& item : shop.items) {
    const bool has_quote = item.title.find('"') != std::string::npos;
    const bool has_comma = item.title.find(',') != std::string::npos;
    if (!has_quote && !has_comma) continue;
    quoted += has_quote;
    commas += has_comma;
    const std::string field = absl::StrCat(
        "\"", absl::StrReplaceAll(item.title, {{"\"", "\"\""}}), "\"");
    EXPECT_THAT(items, HasSubstr(absl::StrCat(
                           ",", item.in_stock ? "in_stock" : "out_of_stock",
                           ",", field, "\n")));
  }
  EXPECT_GT(quoted, 0);
  EXPECT_GT(commas, 0);
}

TEST(DemoGeneratorTest, WriteIntoAPathUnderAFileFails) {
  TempDir dir;
  std::ofstream(dir.Sub("file")) << "x";
  ASSERT_OK_AND_ASSIGN(DemoShop shop, GenerateDemoShop(SmallOptions()));
  EXPECT_THAT(
      WriteDemoCsv(shop, dir.Sub("file/sub")),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("file/sub")));
}

TEST_F(DemoShopTest, SegmentsFavourTwoOrThreeDistinctCategories) {
  for (const std::vector<int>& favoured : shop_->truth.segment_categories) {
    EXPECT_THAT(favoured, SizeIs(AnyOf(2, 3)));
    EXPECT_TRUE(std::adjacent_find(favoured.begin(), favoured.end()) ==
                favoured.end());
    for (int c : favoured) {
      EXPECT_GE(c, 0);
      EXPECT_LT(c, 10);
    }
  }
}

TEST_F(DemoShopTest, SegmentsBuyTheirFavouredCategoriesFarAboveChance) {
  const int num_segments = shop_->options.num_segments;
  std::vector<int> purchases(num_segments, 0), favoured(num_segments, 0);
  for (const DemoEvent& e : shop_->events) {
    if (e.type != EventType::kPurchase) continue;
    const int segment = shop_->users[e.user].segment;
    const std::vector<int>& categories =
        shop_->truth.segment_categories[segment];
    ++purchases[segment];
    favoured[segment] += std::count(categories.begin(), categories.end(),
                                    shop_->items[e.item].category);
  }
  for (int s = 0; s < num_segments; ++s) {
    // Chance: 2-3 of 10 categories.
    ASSERT_GT(purchases[s], 100) << s;
    EXPECT_GT(static_cast<double>(favoured[s]) / purchases[s], 0.75) << s;
  }
}

TEST_F(DemoShopTest, FunnelRatesAreInThePlantedRanges) {
  int counts[5] = {};
  for (const DemoEvent& e : shop_->events) ++counts[static_cast<int>(e.type)];
  const double views = counts[1], carts = counts[2], purchases = counts[3],
               ratings = counts[4];
  EXPECT_NEAR(carts / views, 0.2, 0.05);
  EXPECT_NEAR(purchases / carts, 0.42, 0.07);
  EXPECT_GT(purchases / views, 0.05);
  EXPECT_LT(purchases / views, 0.15);
  EXPECT_NEAR(ratings / purchases, 0.4, 0.03);
}

TEST_F(DemoShopTest, ItemQualityDrivesConversion) {
  // Pooled purchases per view of the items below and above the median
  // quality: about 5% and 13% (a ratio of 2.1-2.6 over seeds, as a few
  // popular items weigh heavily).
  const size_t num_items = shop_->items.size();
  std::vector<double> views(num_items, 0), purchases(num_items, 0);
  for (const DemoEvent& e : shop_->events) {
    if (e.type == EventType::kView) views[e.item] += 1;
    if (e.type == EventType::kPurchase) purchases[e.item] += 1;
  }
  std::vector<double> sorted = shop_->truth.item_quality;
  std::nth_element(sorted.begin(), sorted.begin() + num_items / 2,
                   sorted.end());
  const double median = sorted[num_items / 2];
  double low_views = 0, low_purchases = 0, high_views = 0, high_purchases = 0;
  for (size_t i = 0; i < num_items; ++i) {
    const bool high = shop_->truth.item_quality[i] >= median;
    (high ? high_views : low_views) += views[i];
    (high ? high_purchases : low_purchases) += purchases[i];
  }
  ASSERT_GT(low_views, 10000);
  ASSERT_GT(high_views, 10000);
  EXPECT_GT(high_purchases / high_views, 1.8 * (low_purchases / low_views));
}

TEST(DemoFunnelTest, StepsAreLogisticInAffinityAndQuality) {
  EXPECT_DOUBLE_EQ(DemoCartProbability(0, 0), 1 / (1 + std::exp(1.9)));
  EXPECT_DOUBLE_EQ(DemoPurchaseProbability(0, 0), 1 / (1 + std::exp(0.8)));
  EXPECT_GT(DemoCartProbability(1, 0.5), DemoCartProbability(1, 0));
  EXPECT_GT(DemoPurchaseProbability(1, 0.5), DemoPurchaseProbability(1, 0));
  EXPECT_GT(DemoCartProbability(1.5, 0), DemoCartProbability(-0.5, 0));
}

TEST_F(DemoShopTest, NoTwoEventsOfAUserItemAndTypeShareATimestamp) {
  std::vector<std::tuple<uint32_t, uint32_t, int, int64_t>> keys;
  for (const DemoEvent& e : shop_->events) {
    keys.emplace_back(e.user, e.item, static_cast<int>(e.type), e.timestamp);
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_TRUE(std::adjacent_find(keys.begin(), keys.end()) == keys.end());
}

TEST_F(DemoShopTest, RatingsCorrelateWithAffinity) {
  std::vector<double> affinity, rating;
  for (const DemoEvent& e : shop_->events) {
    if (e.type != EventType::kRating) continue;
    ASSERT_GE(e.rating, 1);
    ASSERT_LE(e.rating, 5);
    affinity.push_back(
        DemoAffinity(*shop_, e.user, shop_->items[e.item].category));
    rating.push_back(e.rating);
  }
  ASSERT_GT(affinity.size(), 1000u);
  const double n = affinity.size();
  double ma = 0, mr = 0;
  for (size_t i = 0; i < affinity.size(); ++i) {
    ma += affinity[i] / n;
    mr += rating[i] / n;
  }
  double saa = 0, srr = 0, sar = 0;
  for (size_t i = 0; i < affinity.size(); ++i) {
    saa += (affinity[i] - ma) * (affinity[i] - ma);
    srr += (rating[i] - mr) * (rating[i] - mr);
    sar += (affinity[i] - ma) * (rating[i] - mr);
  }
  EXPECT_GT(sar / std::sqrt(saa * srr), 0.5);
}

TEST_F(DemoShopTest, EventsAreSortedInsideTheYearAndDenserLately) {
  const int64_t end = int64_t{shop_->options.end_day} * 86400;
  const int64_t start = end - 365 * 86400;
  const int64_t middle = (start + end) / 2;
  int early = 0, late = 0;
  for (size_t i = 0; i < shop_->events.size(); ++i) {
    const int64_t t = shop_->events[i].timestamp;
    ASSERT_GE(t, start);
    ASSERT_LT(t, end);
    if (i > 0) {
      ASSERT_GE(t, shop_->events[i - 1].timestamp);
    }
    (t < middle ? early : late) += 1;
  }
  // Density 1 + x over the year: the second half holds 0.875 / 0.625 = 1.4
  // times the first.
  EXPECT_NEAR(static_cast<double>(late) / early, 1.4, 0.1);
}

TEST_F(DemoShopTest, WeekendUpliftIsVisibleInSales) {
  double by_weekday[7] = {};
  for (size_t i = 0; i < shop_->sales.size(); ++i) {
    if (shop_->truth.series[i].intermittent) continue;
    const std::vector<int32_t>& daily = shop_->sales[i].daily;
    for (size_t d = 0; d < daily.size(); ++d) {
      by_weekday[Weekday(shop_->sales_first_day + d)] += daily[d];
    }
  }
  const double weekdays = (by_weekday[0] + by_weekday[1] + by_weekday[2] +
                           by_weekday[3] + by_weekday[4]) /
                          5;
  EXPECT_GT(by_weekday[5], 1.25 * weekdays);  // Saturday.
  EXPECT_GT(by_weekday[6], 1.1 * weekdays);   // Sunday.
  EXPECT_EQ(std::max_element(by_weekday, by_weekday + 7) - by_weekday, 5);
}

TEST_F(DemoShopTest, SmoothSalesMatchTheirExpectedLevel) {
  for (size_t i = 0; i < shop_->sales.size(); ++i) {
    if (shop_->truth.series[i].intermittent) continue;
    double sold = 0, expected = 0;
    for (int d = 0; d < shop_->options.sales_days; ++d) {
      sold += shop_->sales[i].daily[d];
      expected += DemoExpectedSales(*shop_, i, d);
    }
    // Poisson totals: within 5 standard deviations.
    EXPECT_NEAR(sold, expected, 5 * std::sqrt(expected)) << i;
  }
}

TEST_F(DemoShopTest, IntermittentSeriesHaveThePlantedZeroShare) {
  int intermittent = 0;
  for (size_t i = 0; i < shop_->sales.size(); ++i) {
    const DemoSeriesTruth& truth = shop_->truth.series[i];
    if (!truth.intermittent) continue;
    ++intermittent;
    EXPECT_GE(truth.demand_probability, 0.05);
    EXPECT_LE(truth.demand_probability, 0.2);
    const std::vector<int32_t>& daily = shop_->sales[i].daily;
    const double zeros = std::count(daily.begin(), daily.end(), 0);
    // Binomial share over 730 days: sd at most 0.015.
    EXPECT_NEAR(zeros / daily.size(), 1 - truth.demand_probability, 0.06) << i;
  }
  EXPECT_EQ(intermittent, 120);  // 30% of 400 items.
}

TEST_F(DemoShopTest, OutOfStockShareIsSmall) {
  const int out = std::count_if(shop_->items.begin(), shop_->items.end(),
                                [](const DemoItem& i) { return !i.in_stock; });
  EXPECT_GT(out, 5);
  EXPECT_LT(out, 40);
}

TEST_F(DemoShopTest, InteractionsMirrorTheEvents) {
  const Interactions data = DemoInteractions(*shop_);
  EXPECT_EQ(data.num_users, 800u);
  EXPECT_EQ(data.num_items, 400u);
  ASSERT_THAT(data.events, SizeIs(shop_->events.size()));
  EXPECT_EQ(data.events[5].time_micros, shop_->events[5].timestamp * 1000000);
  EXPECT_THAT(data.catalog.item_category, SizeIs(400));
  EXPECT_EQ(data.catalog.item_category[3], shop_->items[3].category);
  EXPECT_EQ(data.now_micros, int64_t{shop_->options.end_day} * 86400 * 1000000);
}

struct BadOptionsCase {
  const char* name;
  void (*mutate)(DemoOptions&);
  const char* field;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const BadOptionsCase& c, std::ostream* os) { *os << c.name; }

class DemoBadOptionsTest : public ::testing::TestWithParam<BadOptionsCase> {};

TEST_P(DemoBadOptionsTest, IsInvalidArgumentNamingTheField) {
  DemoOptions options = SmallOptions();
  GetParam().mutate(options);
  EXPECT_THAT(GenerateDemoShop(options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith(GetParam().field)));
}

INSTANTIATE_TEST_SUITE_P(
    Fields, DemoBadOptionsTest,
    ::testing::Values(
        BadOptionsCase{"NoUsers", [](auto& o) { o.num_users = 0; },
                       "num_users: must be in [1, 10000000], got 0"},
        BadOptionsCase{"NoCategories", [](auto& o) { o.num_categories = 0; },
                       "num_categories:"},
        BadOptionsCase{"FewerItemsThanCategories",
                       [](auto& o) { o.num_items = 5; }, "num_items:"},
        BadOptionsCase{"NegativeEvents", [](auto& o) { o.num_events = -1; },
                       "num_events:"},
        BadOptionsCase{"NoSalesDays", [](auto& o) { o.sales_days = 0; },
                       "sales_days:"},
        BadOptionsCase{"TooManySalesCells",
                       [](auto& o) {
                         o.num_items = 1000000;
                         o.sales_days = 36500;
                       },
                       "sales_days: num_items * sales_days"},
        BadOptionsCase{"NoSegments", [](auto& o) { o.num_segments = 0; },
                       "num_segments:"},
        BadOptionsCase{"WindowBefore1970", [](auto& o) { o.end_day = 100; },
                       "end_day:"}),
    [](const ::testing::TestParamInfo<BadOptionsCase>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace shopml::core
