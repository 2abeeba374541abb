#include "tests/server/test_bundles.h"

#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/bundle/bundle.h"
#include "core/data/interactions.h"
#include "core/util/status_macros.h"

namespace shopml::server::testing {
namespace {

core::Interactions PlantedShop() {
  core::Interactions data;
  data.num_users = 12;
  data.num_items = 8;
  const int64_t start = int64_t{1700000000} * 1000000;
  for (uint32_t user = 0; user < data.num_users; ++user) {
    for (uint32_t k = 0; k < 4; ++k) {
      const uint32_t item = (user + k * 3) % data.num_items;
      const int64_t time = start + (k * 86400 + user * 60) * int64_t{1000000};
      data.events.push_back({user, item, time, core::EventType::kView, 0, 0});
      data.events.push_back(
          {user, item, time + 1000000, core::EventType::kPurchase, 0, 1});
      data.events.push_back({user, item, time + 2000000,
                             core::EventType::kRating,
                             static_cast<float>(1 + (user + item) % 5), 0});
    }
  }
  data.catalog.category_names = {"shoes", "socks"};
  for (uint32_t item = 0; item < data.num_items; ++item) {
    data.catalog.item_category.push_back(item % 2);
    data.catalog.item_in_stock.push_back(true);
  }
  data.now_micros = data.events.back().time_micros;
  return data;
}

}  // namespace

absl::Status WriteTestShop(storage::Store& store) {
  const core::Interactions data = PlantedShop();
  storage::WriteBatchInput batch;
  for (uint32_t item = 0; item < data.num_items; ++item) {
    store::v1::ItemRecord& record = batch.items.emplace_back();
    record.set_item_id(absl::StrCat("sku-", item));
    record.set_category(
        data.catalog.category_names[data.catalog.item_category[item]]);
    record.set_price(10 + item);
    record.set_stock_status(1);
  }
  for (const core::Interaction& event : data.events) {
    storage::EventInput& input = batch.events.emplace_back();
    input.user_id = absl::StrCat("user-", event.user);
    input.item_id = absl::StrCat("sku-", event.item);
    input.kind = static_cast<storage::EventKind>(event.type);
    input.time_micros = event.time_micros;
    input.rating = event.rating;
    input.quantity = event.quantity;
  }
  return store.Write(batch).status();
}

absl::Status PublishTestBundle(const std::string& models_dir,
                               const std::string& version) {
  const core::Interactions data = PlantedShop();
  core::ModelBundle bundle;
  SHOPML_ASSIGN_OR_RETURN(
      bundle.popularity,
      core::PopularityModel::Train(data, core::PopularityOptions()));
  SHOPML_ASSIGN_OR_RETURN(
      bundle.cooccurrence,
      core::CooccurrenceModel::Train(data, core::CooccurrenceOptions()));
  SHOPML_ASSIGN_OR_RETURN(
      bundle.bias_baseline,
      core::BiasBaseline::Train(data, core::BiasBaselineOptions()));
  SHOPML_ASSIGN_OR_RETURN(
      bundle.conversion_rate,
      core::ConversionRate::Train(data, core::ConversionRateOptions()));
  bundle.category_names = data.catalog.category_names;
  bundle.manifest.set_version(version);
  bundle.manifest.set_trained_at(absl::ToUnixMicros(absl::Now()));
  bundle.manifest.mutable_snapshot()->set_num_users(data.num_users);
  bundle.manifest.mutable_snapshot()->set_num_items(data.num_items);
  bundle.manifest.mutable_snapshot()->set_num_events(data.events.size());
  model::v1::ModelInfo* info = bundle.manifest.add_models();
  info->set_name("popularity");
  info->set_task("recommend");
  (*info->mutable_parameters())["half_life_days"] = "14";
  return bundle.Publish(models_dir);
}

absl::Status FlipByte(const std::string& models_dir, const std::string& version,
                      const std::string& file) {
  const std::string path = absl::StrCat(models_dir, "/", version, "/", file);
  std::string contents;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(path);
    contents.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (contents.empty()) return absl::FailedPreconditionError(path + " empty");
  contents[contents.size() / 2] ^= 0x5A;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  return out ? absl::OkStatus() : absl::InternalError("cannot write " + path);
}

}  // namespace shopml::server::testing
