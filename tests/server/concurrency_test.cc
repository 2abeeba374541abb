// Concurrent RPCs against one in-process server while the store takes writes,
// the live bundle is swapped and, last, the server shuts down. Built normally
// these tests check that no call fails; under ThreadSanitizer
// (scripts/tsan.sh, label `concurrency`) they are the race detector's
// workload.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "shopml/v1/forecast_service.grpc.pb.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "shopml/v1/model_service.grpc.pb.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/planted_shop.h"

namespace shopml::server {
namespace {

using ::testing::AnyOf;
using ::testing::Eq;
using ::testing::IsEmpty;
using testing::ServingServer;

constexpr int kReaders = 4;
constexpr int kCallsPerReader = 40;
constexpr int kSwaps = 6;
// Calls per client in the shutdown test: enough to still be calling when the
// server shuts down.
constexpr int kShutdownCalls = 200;

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(30));
  return context;
}

// Failures seen by any thread, reported on the test's thread.
class Failures {
 public:
  void Add(std::string what) {
    absl::MutexLock lock(&mu_);
    failures_.push_back(std::move(what));
  }
  std::vector<std::string> Get() {
    absl::MutexLock lock(&mu_);
    return failures_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> failures_ ABSL_GUARDED_BY(mu_);
};

void Record(Failures& failures, const char* rpc, const grpc::Status& status) {
  if (!status.ok()) {
    failures.Add(absl::StrCat(rpc, ": ", status.error_code(), " ",
                              status.error_message()));
  }
}

// One reader: Recommend, SimilarItems, Score and Forecast in turn. Returns
// the bundle versions its answers named.
std::vector<std::string> Read(ServingServer& shop, int reader,
                              Failures& failures) {
  auto recommend = v1::RecommendationService::NewStub(shop.NewChannel());
  auto forecast = v1::ForecastService::NewStub(shop.NewChannel());
  std::vector<std::string> versions;
  for (int i = 0; i < kCallsPerReader; ++i) {
    const std::string user =
        absl::StrCat("g", (reader * 7 + i) % 40 / 10, (reader * 7 + i) % 10);
    switch (i % 4) {
      case 0: {
        v1::RecommendRequest request;
        request.set_user_id(user);
        request.set_k(5);
        request.set_rerank(i % 8 == 0);
        v1::RecommendResponse response;
        Record(failures, "Recommend",
               recommend->Recommend(Context().get(), request, &response));
        versions.push_back(response.model().version());
        break;
      }
      case 1: {
        v1::SimilarItemsRequest request;
        request.set_item_id(testing::ItemName(i % 4, 0));
        request.set_k(3);
        v1::SimilarItemsResponse response;
        Record(failures, "SimilarItems",
               recommend->SimilarItems(Context().get(), request, &response));
        versions.push_back(response.model().version());
        break;
      }
      case 2: {
        v1::ScoreRequest request;
        request.set_user_id(testing::RaterName(i % testing::kNumRaters));
        request.add_item_ids(testing::ItemName(2, 1));
        request.add_item_ids(testing::ItemName(3, 2));
        request.set_target(i % 8 == 2 ? v1::SCORE_TARGET_RATING
                                      : v1::SCORE_TARGET_PURCHASE_PROBABILITY);
        v1::ScoreResponse response;
        Record(failures, "Score",
               recommend->Score(Context().get(), request, &response));
        versions.push_back(response.model().version());
        break;
      }
      default: {
        v1::ForecastRequest request;
        request.set_series_id("weekly-pattern");
        request.set_horizon(7);
        v1::ForecastResponse response;
        Record(failures, "Forecast",
               forecast->Forecast(Context().get(), request, &response));
        break;
      }
    }
  }
  return versions;
}

// Views by existing users, and a new item every few batches.
void Ingest(ServingServer& shop, const std::atomic<bool>& done,
            Failures& failures) {
  auto ingest = v1::IngestService::NewStub(shop.NewChannel());
  for (int batch = 0; !done.load(); ++batch) {
    v1::RecordEventsRequest events;
    for (int e = 0; e < 5; ++e) {
      v1::Event* event = events.add_events();
      event->set_user_id(absl::StrCat("g0", (batch + e) % 10));
      event->set_item_id(testing::ItemName((batch + e) % 4, e));
      event->set_type(v1::EVENT_TYPE_VIEW);
    }
    v1::RecordEventsResponse recorded;
    Record(failures, "RecordEvents",
           ingest->RecordEvents(Context().get(), events, &recorded));
    if (batch % 4 == 0) {
      v1::UpsertItemsRequest items;
      v1::Item* item = items.add_items();
      item->set_item_id(absl::StrCat("late-", batch));
      item->set_category("bags");
      item->set_stock_status(v1::STOCK_STATUS_IN_STOCK);
      v1::UpsertItemsResponse upserted;
      Record(failures, "UpsertItems",
             ingest->UpsertItems(Context().get(), items, &upserted));
    }
  }
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ServingServer>> started =
        ServingServer::Start(testing::PlantedShop(), /*train=*/true,
                             testing::LateItems());
    ASSERT_TRUE(started.ok()) << started.status();
    shop_ = *std::move(started);
    // A second bundle, identical but for its version, so every reload swaps.
    first_ = shop_->bundle()->version();
    core::ModelBundle copy = *shop_->bundle();
    second_ = absl::StrCat(first_, "-b");
    copy.manifest.set_version(second_);
    ASSERT_TRUE(copy.Publish(shop_->server().config().models_dir).ok());
  }

  std::unique_ptr<ServingServer> shop_;
  std::string first_, second_;
};

TEST_F(ConcurrencyTest, RpcsSucceedDuringIngestAndBundleSwaps) {
  Failures failures;
  std::atomic<bool> done{false};
  std::vector<std::vector<std::string>> versions(kReaders);
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] { versions[r] = Read(*shop_, r, failures); });
  }
  std::thread ingest([&] { Ingest(*shop_, done, failures); });
  auto models = v1::ModelService::NewStub(shop_->NewChannel());
  int swaps = 0;
  for (int s = 0; s < kSwaps; ++s) {
    v1::ReloadModelsRequest request;
    request.set_version(s % 2 == 0 ? second_ : first_);
    v1::ReloadModelsResponse response;
    const grpc::Status status =
        models->ReloadModels(Context().get(), request, &response);
    Record(failures, "ReloadModels", status);
    if (status.ok() && response.changed()) ++swaps;
  }
  for (std::thread& reader : readers) reader.join();
  done = true;
  ingest.join();

  EXPECT_THAT(failures.Get(), IsEmpty());
  EXPECT_EQ(swaps, kSwaps);
  for (const std::vector<std::string>& seen : versions) {
    ASSERT_EQ(seen.size(), kCallsPerReader * 3 / 4);
    for (const std::string& version : seen) {
      EXPECT_THAT(version, AnyOf(Eq(first_), Eq(second_)));
    }
  }
}

TEST_F(ConcurrencyTest, ShutdownWhileCallsAreInFlight) {
  std::atomic<int> ok{0}, refused{0}, other{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < kReaders; ++c) {
    callers.emplace_back([&, c] {
      auto stub = v1::RecommendationService::NewStub(shop_->NewChannel());
      for (int i = 0; i < kShutdownCalls; ++i) {
        v1::RecommendRequest request;
        request.set_user_id(absl::StrCat("g0", (c + i) % 10));
        request.set_k(5);
        v1::RecommendResponse response;
        const grpc::Status status =
            stub->Recommend(Context().get(), request, &response);
        if (status.ok()) {
          ++ok;
        } else if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                   status.error_code() == grpc::StatusCode::CANCELLED) {
          ++refused;
        } else {
          ++other;
        }
      }
    });
  }
  // Shut down once calls are being answered (connecting can take a while on a
  // busy machine), so that the others are in flight or still to come.
  for (int i = 0; i < 1000 && ok.load() == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  shop_->server().Shutdown(absl::Seconds(5));
  shop_->server().Wait();
  for (std::thread& caller : callers) caller.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(refused.load(), 0);  // Calls after the listeners closed.
  EXPECT_EQ(ok + refused + other, kReaders * kShutdownCalls);
}

}  // namespace
}  // namespace shopml::server
