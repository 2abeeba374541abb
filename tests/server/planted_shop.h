// PlantedShop: a small shop with known structure for the serving tests
// (Recommend, SimilarItems, Score, Forecast), and ServingServer, a real
// in-process Server that serves it with a bundle trained by the real trainer.
//
// The shop: categories bags, hats, shoes, socks with items "<category>-0" ..
// "<category>-5" (index 5 out of stock), plus "hats-new", written after
// training so the bundle does not know it.
//   - Bought together: group buyers g00..g39 each buy items 0, 1, 2 of
//     category kCategories[g % 4] and view item 3 of the next category.
//   - Conversion: visitors v00..v99 view every socks item and buy socks-i
//     when their number is below kSocksBuyers[i] (nested sets).
//   - Ratings: raters r00..r39 rate every original item
//     kRatingMean + RaterBias(r) + ItemBias(index).
//   - "solo" bought shoes-0; "browser" bought shoes-0 and viewed hats-3.
//   - Sales: "weekly-pattern", 8 weeks from Monday 2024-01-01 selling
//     weekday + 1 (Monday 1 .. Sunday 7); "monthly", 1 a day from 2023-01-01
//     to 2023-06-15; "noisy", 12 weeks from 2024-01-01 around 10 a day.
#ifndef SHOPML_TESTS_SERVER_PLANTED_SHOP_H_
#define SHOPML_TESTS_SERVER_PLANTED_SHOP_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/bundle/bundle.h"
#include "grpcpp/grpcpp.h"
#include "server/server.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server::testing {

inline constexpr const char* kCategories[] = {"bags", "hats", "shoes", "socks"};
inline constexpr int kNumCategories = 4;
inline constexpr int kItemsPerCategory = 6;
// Items written after training, unknown to the bundle.
inline constexpr char kLateItem[] = "hats-new";
inline constexpr char kLateItemCategory[] = "hats";
// Every item of the store: the original ones and kLateItem.
inline constexpr int kNumItems = kNumCategories * kItemsPerCategory + 1;
// Items out of stock: index 5 of each category.
inline constexpr int kOutOfStockIndex = 5;
inline constexpr int kNumOutOfStock = kNumCategories;

inline constexpr int kNumGroupBuyers = 40;
inline constexpr int kNumVisitors = 100;
// Visitors buying socks-i: those numbered below kSocksBuyers[i].
inline constexpr int kSocksBuyers[kItemsPerCategory] = {80, 60, 40, 20, 10, 5};
inline constexpr int kNumRaters = 40;
inline constexpr double kRatingMean = 5;

// Limits of the test servers, small so that tests of them stay cheap.
inline constexpr int kMaxK = 50;
inline constexpr int kMaxScoreItems = 30;
inline constexpr int kMaxContextItems = 5;
inline constexpr int kMaxHorizon = 100;

// "<category>-<index>", e.g. "shoes-0".
std::string ItemName(int category, int index);
// Index of `name` in kCategories; -1 when it is none of them.
int CategoryIndex(const std::string& name);
// "r07" for rater 7.
std::string RaterName(int rater);
double RaterBias(int rater);
double ItemBias(int index);

// Days since 1970-01-01 of 2024-01-01 (a Monday), the first sales day of
// "weekly-pattern" and "noisy".
int32_t SalesStartDay();

// The shop above without kLateItem. Without ratings when `with_ratings` is
// false.
storage::WriteBatchInput PlantedShop(bool with_ratings = true);
// kLateItem's record.
storage::WriteBatchInput LateItems();

class ServingServer {
 public:
  // Starts a Server (gRPC on 127.0.0.1:0, metrics in memory only, the
  // limits above) over a fresh directory and writes `data`. With `train`,
  // then trains a bundle with TrainAndPublish (bias lambdas 1, so fitted
  // biases stay close to the planted ones) and loads it. Finally writes
  // `late`. With `hnsw`, the trainer builds the HNSW graph and the server
  // searches it whatever the catalogue's size.
  static absl::StatusOr<std::unique_ptr<ServingServer>> Start(
      const storage::WriteBatchInput& data, bool train,
      const storage::WriteBatchInput& late = {}, bool hnsw = false);

  Server& server() { return *server_; }
  storage::Store& store() { return *server_->store(); }
  // Writes `batch` to the store and its items to the serving catalogue, as
  // UpsertItems does.
  absl::Status Write(const storage::WriteBatchInput& batch);
  std::shared_ptr<grpc::Channel> NewChannel() const;
  // The live bundle; null without one.
  std::shared_ptr<const core::ModelBundle> bundle() const {
    return server_->models()->Current();
  }

 private:
  ServingServer() = default;

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<Server> server_;
};

}  // namespace shopml::server::testing

#endif  // SHOPML_TESTS_SERVER_PLANTED_SHOP_H_
