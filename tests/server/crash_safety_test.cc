// Crash safety of `shopml serve` with sync_writes=true, on the real binary
// and a real RocksDB store: writers stream RecordEvents batches and log each
// acknowledged one, the server is killed with SIGKILL at a random moment,
// and the store is read back. Every acknowledged batch must be there in
// full, and no batch may be there in part (each request is one WriteBatch).
// Some kills also tear the newest WAL file's tail before the restart.
//
// SHOPML_CRASH_ITERATIONS sets the number of kills (default 6), for longer
// runs by hand; the summary line reports the figures.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "shopml/v1/ingest_service.grpc.pb.h"
#include "storage/store.h"
#include "tests/server/shopml_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::shopml::server::testing::ShopmlProcess;

constexpr int kWriters = 4;
constexpr int kEventsPerBatch = 8;
// Batch b's events have timestamp kBaseSeconds + b, nanos = 1000 * event.
constexpr int64_t kBaseSeconds = 1700000000;

std::string UserOf(int64_t batch) { return absl::StrCat("crash-user-", batch); }
std::string ItemOf(int64_t batch, int event) {
  return absl::StrCat("crash-item-", (batch * kEventsPerBatch + event) % 499);
}

v1::RecordEventsRequest BatchRequest(int64_t batch) {
  v1::RecordEventsRequest request;
  for (int e = 0; e < kEventsPerBatch; ++e) {
    v1::Event* event = request.add_events();
    // A new user in every batch: its id map entries share the WriteBatch.
    event->set_user_id(UserOf(batch));
    event->set_item_id(ItemOf(batch, e));
    event->set_type(v1::EVENT_TYPE_VIEW);
    event->mutable_timestamp()->set_seconds(kBaseSeconds + batch);
    event->mutable_timestamp()->set_nanos(1000 * e);
  }
  return request;
}

int EnvInt(const char* name, int fallback) {
  const char* text = std::getenv(name);
  int value = 0;
  return text != nullptr && absl::SimpleAtoi(text, &value) ? value : fallback;
}

// What the writers learnt, in acknowledgement order.
struct WriteLog {
  absl::Mutex mu;
  std::vector<int64_t> acked ABSL_GUARDED_BY(mu);
  std::set<int64_t> unacked ABSL_GUARDED_BY(mu);  // Sent, no OK seen.
};

// kWriters threads writing batches first, first + kWriters, ... until their
// first failed call (the server is gone) or `stop`.
void RunWriters(const std::string& target, int64_t first,
                std::atomic<bool>* stop, WriteLog* log) {
  auto channel =
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto stub = v1::IngestService::NewStub(channel);
      for (int64_t batch = first + w; !stop->load(); batch += kWriters) {
        const v1::RecordEventsRequest request = BatchRequest(batch);
        v1::RecordEventsResponse response;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::seconds(5));
        const grpc::Status status =
            stub->RecordEvents(&context, request, &response);
        absl::MutexLock lock(&log->mu);
        if (status.ok()) {
          log->acked.push_back(batch);
        } else {
          log->unacked.insert(batch);
          return;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

// Events of each batch present in the store; -1 counts events that belong to
// no batch or whose user or item is not the one written.
absl::StatusOr<std::map<int64_t, int>> CountBatches(const std::string& path) {
  storage::StoreOptions options;
  options.path = path;
  options.create_if_missing = false;
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::Store::Open(options);
  if (!store.ok()) return store.status();
  std::map<int64_t, int> counts;
  const absl::Status scanned =
      (*store)->ScanEvents([&](const storage::StoredEvent& event) {
        const int64_t micros = event.time_micros - kBaseSeconds * 1000000;
        const int64_t batch = micros / 1000000;
        const int index = static_cast<int>(micros % 1000000);
        const bool matches =
            micros >= 0 && index < kEventsPerBatch &&
            (*store)->UserId(event.user) == UserOf(batch) &&
            (*store)->ItemId(event.item) == ItemOf(batch, index);
        ++counts[matches ? batch : -1];
        return true;
      });
  if (!scanned.ok()) return scanned;
  return counts;
}

// The newest WAL file of the store, or "" when it has none.
std::string NewestWal(const std::string& store) {
  std::string newest;
  int64_t newest_number = -1;
  for (const auto& entry : std::filesystem::directory_iterator(store)) {
    const std::string name = entry.path().filename().string();
    int64_t number = 0;
    if (name.size() > 4 && name.ends_with(".log") &&
        absl::SimpleAtoi(name.substr(0, name.size() - 4), &number) &&
        number > newest_number) {
      newest_number = number;
      newest = entry.path().string();
    }
  }
  return newest;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class CrashSafetyTest : public ::testing::Test {
 protected:
  std::vector<std::string> ServeArgs() const {
    return {"--grpc_address=127.0.0.1:0",
            "--metrics_address=", "--store_path=" + store(),
            "--models_dir=" + dir_.Sub("models"), "--sync_writes=true"};
  }
  std::string store() const { return dir_.Sub("store"); }

  // Starts the server and waits for IngestService to be SERVING; records
  // the time that took.
  std::unique_ptr<ShopmlProcess> Restart() {
    const absl::Time start = absl::Now();
    absl::StatusOr<std::unique_ptr<ShopmlProcess>> server =
        ShopmlProcess::Serve(ServeArgs(), absl::Seconds(20), log_path());
    if (!server.ok()) {
      ADD_FAILURE() << "restart failed: " << server.status();
      return nullptr;
    }
    auto stub = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
        (*server)->grpc_target(), grpc::InsecureChannelCredentials()));
    while (absl::Now() - start < absl::Seconds(20)) {
      HealthCheckRequest request;
      request.set_service("shopml.v1.IngestService");
      HealthCheckResponse response;
      grpc::ClientContext context;
      if (stub->Check(&context, request, &response).ok() &&
          response.status() == HealthCheckResponse::SERVING) {
        restart_ms_.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
        return *std::move(server);
      }
      absl::SleepFor(absl::Milliseconds(1));
    }
    ADD_FAILURE() << "IngestService never turned SERVING";
    return nullptr;
  }

  std::string log_path() const { return dir_.Sub("server.log"); }

  ::shopml::testing::TempDir dir_;
  std::vector<double> restart_ms_;
};

TEST_F(CrashSafetyTest, AcknowledgedBatchesSurviveKillAndNoneIsTorn) {
  const int iterations = EnvInt("SHOPML_CRASH_ITERATIONS", 6);
  std::mt19937 rng(EnvInt("SHOPML_CRASH_SEED", 1));
  std::uniform_int_distribution<int> delay_ms(300, 1500);
  std::uniform_int_distribution<int> tear_bytes(1, 100);
  WriteLog log;
  // Acknowledged batches whose WAL record a deliberate tear removed.
  std::set<int64_t> torn_away;
  int64_t next_batch = 0;
  int tears = 0;
  int64_t lost = 0;
  int64_t partial = 0;

  for (int iteration = 0; iteration < iterations; ++iteration) {
    std::unique_ptr<ShopmlProcess> server = Restart();
    ASSERT_NE(server, nullptr) << "iteration " << iteration;
    std::atomic<bool> stop{false};
    std::thread writers(RunWriters, server->grpc_target(), next_batch, &stop,
                        &log);
    absl::SleepFor(absl::Milliseconds(delay_ms(rng)));
    server->Signal(SIGKILL);
    ASSERT_OK_AND_ASSIGN(int code, server->WaitForExit(absl::Seconds(5)));
    EXPECT_EQ(code, -SIGKILL);
    stop = true;
    writers.join();
    server.reset();
    next_batch += 1 << 20;  // Each iteration writes its own batch ids.

    std::vector<int64_t> acked;
    std::set<int64_t> unacked;
    {
      absl::MutexLock lock(&log.mu);
      acked = log.acked;
      unacked = log.unacked;
    }
    // Every third kill also tears the newest WAL file's tail: only the last
    // write group (at most one batch per writer) may go with it.
    if (iteration % 3 == 2) {
      const std::string wal = NewestWal(store());
      ASSERT_FALSE(wal.empty());
      const auto size = std::filesystem::file_size(wal);
      const int cut = tear_bytes(rng);
      ASSERT_GT(size, uint64_t{100});
      std::filesystem::resize_file(wal, size - cut);
      ++tears;
      const size_t log_before = ReadFile(log_path()).size();
      std::unique_ptr<ShopmlProcess> recovered = Restart();
      ASSERT_NE(recovered, nullptr)
          << "no start after tearing " << cut << " bytes off " << wal;
      recovered->Signal(SIGTERM);
      ASSERT_OK_AND_ASSIGN(int exit_code,
                           recovered->WaitForExit(absl::Seconds(10)));
      EXPECT_EQ(exit_code, 0);
      const std::string new_log = ReadFile(log_path()).substr(log_before);
      EXPECT_THAT(new_log, ::testing::HasSubstr("\"level\":\"WARN\""));
      EXPECT_THAT(new_log, ::testing::HasSubstr("store: [WARN]"));
      ASSERT_OK_AND_ASSIGN(auto counts, CountBatches(store()));
      const size_t tail_start =
          acked.size() > 2 * kWriters ? acked.size() - 2 * kWriters : 0;
      for (size_t i = 0; i < acked.size(); ++i) {
        if (torn_away.contains(acked[i]) || counts[acked[i]] != 0) continue;
        EXPECT_GE(i, tail_start) << "torn tail took an older batch";
        torn_away.insert(acked[i]);
      }
    }

    ASSERT_OK_AND_ASSIGN(auto counts, CountBatches(store()));
    EXPECT_EQ(counts[-1], 0) << "events that no batch wrote";
    std::set<int64_t> sent(acked.begin(), acked.end());
    sent.insert(unacked.begin(), unacked.end());
    for (const auto& [batch, count] : counts) {
      if (batch < 0 || count == 0) continue;
      EXPECT_TRUE(sent.contains(batch)) << "batch " << batch << " never sent";
      if (count != kEventsPerBatch) {
        ++partial;
        ADD_FAILURE() << "batch " << batch << " has " << count << " events";
      }
    }
    for (int64_t batch : acked) {
      if (torn_away.contains(batch)) continue;
      if (counts[batch] != kEventsPerBatch) {
        ++lost;
        ADD_FAILURE() << "acknowledged batch " << batch << " has "
                      << counts[batch] << " events";
      }
    }
  }

  // The store opens once more for a final clean start.
  ASSERT_NE(Restart(), nullptr);
  absl::MutexLock lock(&log.mu);
  std::sort(restart_ms_.begin(), restart_ms_.end());
  std::printf(
      "crash safety: %d kills (%d with a torn WAL tail), %zu batches "
      "acknowledged (%zu events), %lld lost, %lld partially stored, %zu "
      "unacknowledged at a kill, %zu taken by torn tails; restart to "
      "SERVING median %.0f ms, max %.0f ms over %zu starts\n",
      iterations, tears, log.acked.size(), log.acked.size() * kEventsPerBatch,
      static_cast<long long>(lost), static_cast<long long>(partial),
      log.unacked.size(), torn_away.size(), restart_ms_[restart_ms_.size() / 2],
      restart_ms_.back(), restart_ms_.size());
  EXPECT_GT(log.acked.size(), 0u);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(partial, 0);
}

}  // namespace
}  // namespace shopml::server
