// Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/):
//
//   fuzz_seeds --out=DIR [--bundle=BUNDLE_DIR]
//
// request_fuzz gets one valid request per RPC; model_file_fuzz gets a small
// HNSW graph built here and, with --bundle, every model file of a trained
// bundle (see docs/testing.md for the tiny training run that makes one). Each
// seed is the selector byte followed by the payload, as the targets read them.
// The CSV and config seeds are written by hand.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/index/hnsw_index.h"
#include "shopml/v1/forecast_service.pb.h"
#include "shopml/v1/ingest_service.pb.h"
#include "shopml/v1/model_service.pb.h"
#include "shopml/v1/recommendation_service.pb.h"
#include "shopml/v1/store_service.pb.h"
#include "tests/fuzz/model_file_kinds.h"
#include "tests/fuzz/request_kinds.h"

namespace shopml::fuzz {
namespace {

namespace fs = std::filesystem;

bool WriteSeed(const fs::path& dir, const std::string& name, uint8_t selector,
               const std::string& payload) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.put(static_cast<char>(selector));
  out << payload;
  return out.good();
}

bool WriteRequest(const fs::path& dir, Rpc rpc, const std::string& name,
                  const google::protobuf::MessageLite& request) {
  return WriteSeed(dir, name, static_cast<uint8_t>(rpc),
                   request.SerializeAsString());
}

bool WriteRequests(const fs::path& dir) {
  v1::RecommendRequest recommend;
  recommend.set_user_id("U00017");
  recommend.set_k(5);
  recommend.mutable_filter()->add_categories("cat03-garden");
  recommend.mutable_filter()->add_exclude_item_ids("I00001");
  recommend.mutable_filter()->set_in_stock_only(true);
  recommend.add_context_item_ids("I00042");
  recommend.set_rerank(true);
  v1::SimilarItemsRequest similar;
  similar.set_item_id("I00042");
  similar.set_k(5);
  similar.set_user_id("U00017");
  v1::ScoreRequest score;
  score.set_user_id("U00017");
  score.add_item_ids("I00001");
  score.add_item_ids("I00002");
  score.set_target(v1::SCORE_TARGET_RATING);
  score.set_top_contributions(3);
  v1::ForecastRequest forecast;
  forecast.set_series_id("I00001");
  forecast.set_horizon(14);
  forecast.set_frequency(v1::FREQUENCY_WEEKLY);
  forecast.add_levels(80);
  forecast.add_levels(95);
  forecast.set_lead_time_periods(7);
  forecast.set_service_level(95);
  forecast.set_model("ets");
  v1::UpsertItemsRequest items;
  v1::Item* item = items.add_items();
  item->set_item_id("I00001");
  item->set_category("cat03-garden");
  item->set_price(12.5);
  item->set_stock_status(v1::STOCK_STATUS_IN_STOCK);
  item->set_title("Watering can");
  (*item->mutable_attributes())["colour"] = "green";
  v1::UpsertUsersRequest users;
  v1::User* user = users.add_users();
  user->set_user_id("U00017");
  (*user->mutable_attributes())["segment"] = "gardener";
  v1::RecordEventsRequest events;
  v1::Event* view = events.add_events();
  view->set_user_id("U00017");
  view->set_item_id("I00042");
  view->set_type(v1::EVENT_TYPE_VIEW);
  view->mutable_timestamp()->set_seconds(1769860000);
  v1::Event* rating = events.add_events();
  rating->set_user_id("U00017");
  rating->set_item_id("I00042");
  rating->set_type(v1::EVENT_TYPE_RATING);
  rating->set_rating(4.5);
  rating->set_recommendation_id("r-1");
  v1::RecordSalesRequest sales;
  v1::Sale* sale = sales.add_sales();
  sale->set_series_id("I00001");
  sale->set_date("2026-01-30");
  sale->set_quantity(3);
  v1::ReloadModelsRequest reload;
  reload.set_version("20261128T140312Z");
  v1::CreateCheckpointRequest checkpoint;
  checkpoint.set_name("before-upgrade-1.2");
  return WriteRequest(dir, Rpc::kRecommend, "recommend", recommend) &&
         WriteRequest(dir, Rpc::kSimilarItems, "similar_items", similar) &&
         WriteRequest(dir, Rpc::kScore, "score", score) &&
         WriteRequest(dir, Rpc::kForecast, "forecast", forecast) &&
         WriteRequest(dir, Rpc::kUpsertItems, "upsert_items", items) &&
         WriteRequest(dir, Rpc::kUpsertUsers, "upsert_users", users) &&
         WriteRequest(dir, Rpc::kRecordEvents, "record_events", events) &&
         WriteRequest(dir, Rpc::kRecordSales, "record_sales", sales) &&
         WriteRequest(dir, Rpc::kReloadModels, "reload_models", reload) &&
         WriteRequest(dir, Rpc::kListModels, "list_models",
                      v1::ListModelsRequest()) &&
         WriteRequest(dir, Rpc::kCreateCheckpoint, "create_checkpoint",
                      checkpoint);
}

uint8_t ModelFileSelector(const std::string& name) {
  for (size_t i = 0; i < std::size(kModelFiles); ++i) {
    if (name == kModelFiles[i]) return static_cast<uint8_t>(i);
  }
  return 0xFF;
}

// A 24-item, 4-dimensional graph: a few kilobytes.
bool WriteHnsw(const fs::path& dir) {
  core::RowMatrixXf items(24, 4);
  for (int i = 0; i < items.rows(); ++i) {
    for (int j = 0; j < items.cols(); ++j) {
      items(i, j) = static_cast<float>((i * 7 + j * 3) % 11) / 11.0f - 0.4f;
    }
  }
  core::HnswOptions options;
  options.m = 4;
  options.ef_construction = 16;
  absl::StatusOr<std::unique_ptr<core::HnswIndex>> index =
      core::HnswIndex::Build(items, options);
  if (!index.ok()) return false;
  return WriteSeed(dir, ModelBundle::kImplicitAlsHnswFile,
                   ModelFileSelector(ModelBundle::kImplicitAlsHnswFile),
                   (*index)->Serialize());
}

bool WriteBundleFiles(const fs::path& bundle, const fs::path& dir) {
  for (const char* name : kModelFiles) {
    std::ifstream in(bundle / name, std::ios::binary);
    if (!in) continue;  // Optional models the run did not train.
    const std::string bytes((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
    if (!WriteSeed(dir, name, ModelFileSelector(name), bytes)) return false;
  }
  return true;
}

}  // namespace
}  // namespace shopml::fuzz

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  fs::path out, bundle;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--out=")) {
      out = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--bundle=")) {
      bundle = std::string(arg);
    } else {
      std::fprintf(stderr, "usage: fuzz_seeds --out=DIR [--bundle=DIR]\n");
      return 2;
    }
  }
  if (out.empty()) {
    std::fprintf(stderr, "usage: fuzz_seeds --out=DIR [--bundle=DIR]\n");
    return 2;
  }
  bool ok = shopml::fuzz::WriteRequests(out / "request_fuzz") &&
            shopml::fuzz::WriteHnsw(out / "model_file_fuzz");
  if (ok && !bundle.empty()) {
    ok = shopml::fuzz::WriteBundleFiles(bundle, out / "model_file_fuzz");
  }
  if (!ok)
    std::fprintf(stderr, "fuzz_seeds: cannot write under %s\n", out.c_str());
  return ok ? 0 : 1;
}
