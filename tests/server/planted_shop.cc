#include "tests/server/planted_shop.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/forecast/series.h"
#include "core/util/status_macros.h"
#include "server/config.h"
#include "server/trainer.h"

namespace shopml::server::testing {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t kDay = 86400 * kSecond;
// 2024-01-01T00:00:00Z.
constexpr int64_t kStartMicros = int64_t{1704067200} * kSecond;

void AddEvent(storage::WriteBatchInput& batch, const std::string& user,
              const std::string& item, storage::EventKind kind, int64_t time,
              double rating = 0) {
  storage::EventInput event;
  event.user_id = user;
  event.item_id = item;
  event.kind = kind;
  event.time_micros = time;
  event.rating = rating;
  event.quantity = kind == storage::EventKind::kPurchase ? 1 : 0;
  batch.events.push_back(std::move(event));
}

void AddItem(storage::WriteBatchInput& batch, const std::string& id,
             const std::string& category, bool in_stock) {
  store::v1::ItemRecord record;
  record.set_item_id(id);
  record.set_category(category);
  record.set_price(10);
  record.set_stock_status(in_stock ? 1 : 2);
  batch.items.push_back(std::move(record));
}

void AddSales(storage::WriteBatchInput& batch, const std::string& series,
              int32_t first_day, const std::vector<double>& quantities) {
  for (size_t i = 0; i < quantities.size(); ++i) {
    batch.sales.push_back(storage::SaleInput{
        series, first_day + static_cast<int32_t>(i), quantities[i]});
  }
}

void AddGroupBuyers(storage::WriteBatchInput& batch) {
  for (int g = 0; g < kNumGroupBuyers; ++g) {
    const std::string user = absl::StrFormat("g%02d", g);
    const int category = g % kNumCategories;
    const int64_t time = kStartMicros + g * 60 * kSecond;
    for (int index = 0; index < 3; ++index) {
      const std::string item = ItemName(category, index);
      AddEvent(batch, user, item, storage::EventKind::kView,
               time + index * kSecond);
      AddEvent(batch, user, item, storage::EventKind::kPurchase,
               time + (index + 10) * kSecond);
    }
    AddEvent(batch, user, ItemName((category + 1) % kNumCategories, 3),
             storage::EventKind::kView, time + 20 * kSecond);
  }
}

void AddVisitors(storage::WriteBatchInput& batch) {
  const int socks = CategoryIndex("socks");
  for (int v = 0; v < kNumVisitors; ++v) {
    const std::string user = absl::StrFormat("v%02d", v);
    const int64_t time = kStartMicros + kDay + v * 60 * kSecond;
    for (int index = 0; index < kItemsPerCategory; ++index) {
      const std::string item = ItemName(socks, index);
      AddEvent(batch, user, item, storage::EventKind::kView,
               time + index * kSecond);
      if (v < kSocksBuyers[index]) {
        AddEvent(batch, user, item, storage::EventKind::kPurchase,
                 time + (index + 10) * kSecond);
      }
    }
  }
}

void AddRaters(storage::WriteBatchInput& batch) {
  for (int r = 0; r < kNumRaters; ++r) {
    const int64_t time = kStartMicros + 2 * kDay + r * 60 * kSecond;
    for (int category = 0; category < kNumCategories; ++category) {
      for (int index = 0; index < kItemsPerCategory; ++index) {
        AddEvent(batch, RaterName(r), ItemName(category, index),
                 storage::EventKind::kRating,
                 time + (category * kItemsPerCategory + index) * kSecond,
                 kRatingMean + RaterBias(r) + ItemBias(index));
      }
    }
  }
}

void AddSalesSeries(storage::WriteBatchInput& batch) {
  std::vector<double> weekly;
  for (int day = 0; day < 8 * 7; ++day) weekly.push_back(day % 7 + 1);
  AddSales(batch, "weekly-pattern", SalesStartDay(), weekly);

  const int32_t jan1 = core::DaysFromCivil(2023, 1, 1);
  const int32_t jun15 = core::DaysFromCivil(2023, 6, 15);
  AddSales(batch, "monthly", jan1, std::vector<double>(jun15 - jan1 + 1, 1.0));

  std::vector<double> noisy;
  for (int day = 0; day < 12 * 7; ++day) {
    noisy.push_back(10 + day % 7 + (day * 7919) % 5 - 2);
  }
  AddSales(batch, "noisy", SalesStartDay(), noisy);
}

}  // namespace

std::string ItemName(int category, int index) {
  return absl::StrCat(kCategories[category], "-", index);
}

int CategoryIndex(const std::string& name) {
  for (int c = 0; c < kNumCategories; ++c) {
    if (name == kCategories[c]) return c;
  }
  return -1;
}

std::string RaterName(int rater) { return absl::StrFormat("r%02d", rater); }

double RaterBias(int rater) {
  constexpr double kBiases[] = {-1, -0.5, 0.5, 1};
  return kBiases[rater % 4];
}

double ItemBias(int index) { return -1.5 + 0.6 * index; }

int32_t SalesStartDay() { return core::DaysFromCivil(2024, 1, 1); }

storage::WriteBatchInput PlantedShop(bool with_ratings) {
  storage::WriteBatchInput batch;
  for (int category = 0; category < kNumCategories; ++category) {
    for (int index = 0; index < kItemsPerCategory; ++index) {
      AddItem(batch, ItemName(category, index), kCategories[category],
              index != kOutOfStockIndex);
    }
  }
  AddGroupBuyers(batch);
  AddVisitors(batch);
  if (with_ratings) AddRaters(batch);
  const int shoes = CategoryIndex("shoes");
  const int64_t late = kStartMicros + 3 * kDay;
  AddEvent(batch, "solo", ItemName(shoes, 0), storage::EventKind::kPurchase,
           late);
  AddEvent(batch, "browser", ItemName(shoes, 0), storage::EventKind::kPurchase,
           late);
  AddEvent(batch, "browser", ItemName(CategoryIndex("hats"), 3),
           storage::EventKind::kView, late + 60 * kSecond);
  AddSalesSeries(batch);
  return batch;
}

storage::WriteBatchInput LateItems() {
  storage::WriteBatchInput batch;
  AddItem(batch, kLateItem, kLateItemCategory, /*in_stock=*/true);
  return batch;
}

absl::StatusOr<std::unique_ptr<ServingServer>> ServingServer::Start(
    const storage::WriteBatchInput& data, bool train,
    const storage::WriteBatchInput& late, bool hnsw) {
  std::unique_ptr<ServingServer> serving(new ServingServer());
  ServerConfig config;
  config.grpc_address = "127.0.0.1:0";
  // Metrics stay in memory (Metrics::Scrape): stopping the HTTP exposer
  // takes about 2 s, and ctest runs every test in a process of its own.
  config.metrics_address = "";
  config.store_path = serving->dir_.Sub("store");
  config.models_dir = serving->dir_.Sub("models");
  config.sync_writes = false;
  config.max_k = kMaxK;
  config.max_score_items = kMaxScoreItems;
  config.max_context_items = kMaxContextItems;
  config.max_horizon = kMaxHorizon;
  config.hnsw_min_items = hnsw ? 0 : -1;
  SHOPML_ASSIGN_OR_RETURN(serving->server_, Server::Start(config));
  SHOPML_RETURN_IF_ERROR(serving->Write(data));
  if (train) {
    TrainerOptions options;
    options.models_dir = config.models_dir;
    options.bias.lambda_user = 1;
    options.bias.lambda_item = 1;
    options.hnsw_min_items = hnsw ? 0 : -1;
    SHOPML_RETURN_IF_ERROR(TrainAndPublish(serving->store(), options).status());
    SHOPML_RETURN_IF_ERROR(
        serving->server_->models()->Reload(/*version=*/"").status());
  }
  if (!late.items.empty() || !late.events.empty()) {
    SHOPML_RETURN_IF_ERROR(serving->Write(late));
  }
  return serving;
}

absl::Status ServingServer::Write(const storage::WriteBatchInput& batch) {
  SHOPML_RETURN_IF_ERROR(store().Write(batch).status());
  return server_->catalog()->ApplyWritten(store(), batch.items);
}

std::shared_ptr<grpc::Channel> ServingServer::NewChannel() const {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()),
                             grpc::InsecureChannelCredentials());
}

}  // namespace shopml::server::testing
