#include "server/commands/demo_data_command.h"

#include <cstdint>
#include <cstdio>

#include "core/data/demo_generator.h"
#include "server/commands/command_util.h"
#include "server/flags.h"

namespace shopml::server {
namespace {

constexpr char kUsage[] =
    "Usage: shopml demo-data --out=DIR [--seed=N] [--users=N] [--items=N]\n"
    "                        [--categories=N] [--events=N] [--days=N]\n"
    "Writes a synthetic shop as items.csv, users.csv, events.csv and "
    "sales.csv,\n"
    "ready for `shopml import`, and the planted taste segment of each user as\n"
    "truth_user_segments.csv (for evaluation only; not imported). The same "
    "flags\n"
    "give the same files.";

}  // namespace

int RunDemoDataCommand(const std::vector<std::string>& args) {
  const core::DemoOptions defaults;
  std::string out;
  int64_t seed = static_cast<int64_t>(defaults.seed);
  int64_t users = defaults.num_users, items = defaults.num_items,
          categories = defaults.num_categories, events = defaults.num_events,
          days = defaults.sales_days;
  FlagSet flags;
  flags.String("out", &out, "Directory to write the CSV files into. Required.");
  flags.Int("seed", &seed, 0, INT64_MAX, "Seed of every random choice.");
  flags.Int("users", &users, 1, 10000000, "Number of users.");
  flags.Int("items", &items, 1, 1000000, "Number of items.");
  flags.Int("categories", &categories, 1, 1000, "Number of categories.");
  flags.Int("events", &events, 0, 100000000, "Number of events (all types).");
  flags.Int("days", &days, 1, 36500, "Days of daily sales per item.");
  if (std::optional<int> exit =
          ParseCommandFlags("demo-data", kUsage, flags, args)) {
    return *exit;
  }
  if (out.empty()) {
    return ReportUsageError("demo-data", "--out: required");
  }

  core::DemoOptions options;
  options.seed = static_cast<uint64_t>(seed);
  options.num_users = static_cast<int>(users);
  options.num_items = static_cast<int>(items);
  options.num_categories = static_cast<int>(categories);
  options.num_events = events;
  options.sales_days = static_cast<int>(days);
  absl::StatusOr<core::DemoShop> shop = core::GenerateDemoShop(options);
  if (!shop.ok()) return ReportFailure("demo-data", shop.status());
  if (absl::Status status = core::WriteDemoCsv(*shop, out); !status.ok()) {
    return ReportFailure("demo-data", status);
  }
  std::printf(
      "wrote %zu items (%zu categories), %zu users, %zu events and %d days "
      "of sales per item to %s\n",
      shop->items.size(), shop->category_names.size(), shop->users.size(),
      shop->events.size(), options.sales_days, out.c_str());
  return kExitOk;
}

}  // namespace shopml::server
