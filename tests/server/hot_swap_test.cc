// Bad bundles and hot swaps under load, on the assembled server: a reload of
// a corrupt bundle is refused while the live one keeps answering every call,
// valid swaps under concurrent load fail no call and each answer names one
// bundle version, and no corrupt variant of any bundle file crashes the
// loader.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "core/bundle/bundle.h"
#include "core/bundle/manifest_file.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/model_manager.h"
#include "server/server.h"
#include "server/status_util.h"
#include "shopml/v1/model_service.grpc.pb.h"
#include "shopml/v1/recommendation_service.grpc.pb.h"
#include "tests/server/metric_text.h"
#include "tests/server/test_bundles.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::server {
namespace {

using ::shopml::server::testing::FindSample;
using ::shopml::server::testing::PublishTestBundle;
using ::shopml::server::testing::WriteTestShop;
using ::shopml::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kV1[] = "20260101T000000Z";
constexpr char kV2[] = "20260102T000000Z";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

// One way to damage a published bundle, and what the refusal must name.
struct Corruption {
  std::string name;
  std::string file;
  std::function<std::string(std::string)> damage;
  std::string expected;  // Substring of the reload error.
};

std::vector<Corruption> Corruptions() {
  const std::string popularity = core::ModelBundle::kPopularityFile;
  const std::string manifest = core::ModelBundle::kManifestFile;
  return {
      {"truncated model file", popularity,
       [](std::string s) { return s.substr(0, s.size() / 2); },
       "popularity.pb: size"},
      {"random bytes", popularity,
       [](std::string s) {
         std::mt19937 rng(7);
         for (char& c : s) c = static_cast<char>(rng());
         return s;
       },
       "popularity.pb: checksum mismatch"},
      {"bad checksum", popularity,
       [](std::string s) {
         s[s.size() / 2] ^= 0x01;
         return s;
       },
       "popularity.pb: checksum mismatch"},
      {"wrong magic", manifest,
       [](std::string s) {
         s[0] ^= 0x20;
         return s;
       },
       "MANIFEST: not a manifest (bad magic"},
      {"truncated manifest", manifest,
       [](std::string s) { return s.substr(0, s.size() - 3); }, "MANIFEST"},
      {"wrong format version", manifest,
       [](std::string s) {
         absl::StatusOr<model::v1::Manifest> decoded = core::DecodeManifest(s);
         if (!decoded.ok()) return std::string();
         decoded->set_format_version(99);
         return core::EncodeManifest(*decoded);
       },
       "MANIFEST: unknown format_version 99"},
  };
}

// Keeps `threads` clients calling Recommend, SimilarItems and Score in turn,
// and records failures and the bundle version each answer names.
class Load {
 public:
  Load(std::shared_ptr<grpc::Channel> channel, int threads) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, channel, t] { Run(channel, t); });
    }
  }
  ~Load() { Stop(); }

  void Stop() {
    stop_ = true;
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }
  int64_t calls() const { return calls_; }
  int64_t failures() const { return failures_; }
  std::map<std::string, int64_t> versions() {
    absl::MutexLock lock(&mu_);
    return versions_;
  }
  std::string first_error() {
    absl::MutexLock lock(&mu_);
    return first_error_;
  }

 private:
  void Run(std::shared_ptr<grpc::Channel> channel, int t) {
    auto stub = v1::RecommendationService::NewStub(channel);
    for (int n = t; !stop_; ++n) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(5));
      grpc::Status status;
      std::string version;
      const std::string user = absl::StrCat("user-", n % 12);
      if (n % 3 == 0) {
        v1::RecommendRequest request;
        request.set_user_id(user);
        request.set_k(3);
        v1::RecommendResponse response;
        status = stub->Recommend(&context, request, &response);
        version = response.model().version();
      } else if (n % 3 == 1) {
        v1::SimilarItemsRequest request;
        request.set_item_id(absl::StrCat("sku-", n % 8));
        request.set_k(3);
        v1::SimilarItemsResponse response;
        status = stub->SimilarItems(&context, request, &response);
        version = response.model().version();
      } else {
        v1::ScoreRequest request;
        request.set_user_id(user);
        request.add_item_ids("sku-1");
        request.add_item_ids("sku-2");
        v1::ScoreResponse response;
        status = stub->Score(&context, request, &response);
        version = response.model().version();
      }
      ++calls_;
      absl::MutexLock lock(&mu_);
      if (!status.ok()) {
        ++failures_;
        if (first_error_.empty()) first_error_ = status.error_message();
      } else {
        ++versions_[version];
      }
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> failures_{0};
  absl::Mutex mu_;
  std::map<std::string, int64_t> versions_ ABSL_GUARDED_BY(mu_);
  std::string first_error_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

class HotSwapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(PublishTestBundle(models_dir(), kV1));
    ServerConfig config;
    config.grpc_address = "127.0.0.1:0";
    config.metrics_address = "";
    config.store_path = dir_.Sub("store");
    config.models_dir = models_dir();
    config.sync_writes = false;
    ASSERT_OK_AND_ASSIGN(server_, Server::Start(config));
    ASSERT_OK(WriteTestShop(*server_->store()));
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->grpc_port()),
                            grpc::InsecureChannelCredentials());
    models_ = v1::ModelService::NewStub(channel_);
  }

  std::string models_dir() const { return dir_.Sub("models"); }

  absl::Status Reload(const std::string& version) {
    v1::ReloadModelsRequest request;
    request.set_version(version);
    v1::ReloadModelsResponse response;
    grpc::ClientContext context;
    return FromGrpcStatus(models_->ReloadModels(&context, request, &response));
  }

  v1::ListModelsResponse ListModels() {
    v1::ListModelsResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(
        models_->ListModels(&context, v1::ListModelsRequest(), &response).ok());
    return response;
  }

  double LoadErrors() {
    return FindSample(server_->metrics()->Scrape(), "shopml_model_load_total",
                      {{"result", "error"}})
        .value_or(-1);
  }

  ::shopml::testing::TempDir dir_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ModelService::Stub> models_;
};

TEST_F(HotSwapTest, CorruptReloadIsRefusedWhileTheLiveBundleServesEveryCall) {
  Load load(channel_, 4);
  int index = 0;
  for (const Corruption& corruption : Corruptions()) {
    SCOPED_TRACE(corruption.name);
    // A fresh version per corruption, newer than the live one.
    const std::string version =
        absl::StrCat("20260201T0000", 10 + index++, "Z");
    ASSERT_OK(PublishTestBundle(models_dir(), version));
    const std::string path =
        absl::StrCat(models_dir(), "/", version, "/", corruption.file);
    WriteFile(path, corruption.damage(ReadFile(path)));
    const double errors_before = LoadErrors();

    EXPECT_THAT(Reload(""),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         AllOf(HasSubstr(absl::StrCat("bundle ", version,
                                                      " failed verification")),
                               HasSubstr(corruption.expected))));
    EXPECT_EQ(LoadErrors(), errors_before + 1);
    const v1::ListModelsResponse list = ListModels();
    EXPECT_EQ(list.bundle_version(), kV1);
    EXPECT_THAT(list.last_load_error(), HasSubstr(corruption.expected));
    EXPECT_THAT(FindSample(server_->metrics()->Scrape(),
                           "shopml_model_bundle_info", {{"version", kV1}}),
                ::testing::Optional(1.0));
    std::filesystem::remove_all(absl::StrCat(models_dir(), "/", version));
  }
  load.Stop();
  EXPECT_EQ(load.failures(), 0) << load.first_error();
  EXPECT_GT(load.calls(), 0);
  const std::map<std::string, int64_t> versions = load.versions();
  EXPECT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions.begin()->first, kV1);
  std::printf(
      "bad reloads: %zu corruptions refused, %lld calls during them, "
      "%lld failed, all answered by %s\n",
      Corruptions().size(), static_cast<long long>(load.calls()),
      static_cast<long long>(load.failures()), kV1);
}

TEST_F(HotSwapTest, SwapsUnderLoadFailNoCallAndAnswersNameOneVersion) {
  ASSERT_OK(PublishTestBundle(models_dir(), kV2));
  Load load(channel_, 4);
  auto stub = v1::RecommendationService::NewStub(channel_);
  constexpr int kSwaps = 10;
  for (int swap = 0; swap < kSwaps; ++swap) {
    const std::string target = swap % 2 == 0 ? kV2 : kV1;
    absl::SleepFor(absl::Milliseconds(50));
    ASSERT_OK(Reload(target));
    // A call that starts after the reload returned sees the new bundle.
    v1::RecommendRequest request;
    request.set_user_id("user-1");
    v1::RecommendResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub->Recommend(&context, request, &response).ok());
    EXPECT_EQ(response.model().version(), target);
  }
  absl::SleepFor(absl::Milliseconds(50));
  load.Stop();
  EXPECT_EQ(load.failures(), 0) << load.first_error();
  const std::map<std::string, int64_t> versions = load.versions();
  for (const auto& [version, count] : versions) {
    EXPECT_TRUE(version == kV1 || version == kV2) << version;
  }
  EXPECT_EQ(versions.size(), 2u);
  std::printf(
      "hot swap: %d swaps, %lld calls, %lld failed; answers by %s: "
      "%lld, by %s: %lld\n",
      kSwaps, static_cast<long long>(load.calls()),
      static_cast<long long>(load.failures()), kV1,
      static_cast<long long>(versions.count(kV1) ? versions.at(kV1) : 0), kV2,
      static_cast<long long>(versions.count(kV2) ? versions.at(kV2) : 0));
}

// Every file of a published bundle, damaged 100 ways (one byte flipped at a
// random place, or cut short), is refused by the loader with the file named,
// and never crashes it.
TEST(CorruptBundleLoopTest, EveryDamagedVariantIsRefusedWithoutCrashing) {
  ::shopml::testing::TempDir dir;
  const std::string models = dir.Sub("models");
  ASSERT_OK(PublishTestBundle(models, kV1));
  ModelManager manager(models);
  std::mt19937 rng(11);
  int variants = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(absl::StrCat(models, "/", kV1))) {
    const std::string file = entry.path().filename().string();
    if (file == core::ModelBundle::kManifestJsonFile) continue;  // Not read.
    const std::string original = ReadFile(entry.path().string());
    ASSERT_FALSE(original.empty()) << file;
    for (int v = 0; v < 100; ++v) {
      std::string damaged = original;
      if (v % 10 == 9) {
        damaged.resize(rng() % original.size());
      } else {
        damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
      }
      WriteFile(entry.path().string(), damaged);
      absl::StatusOr<ReloadResult> result = manager.Reload(kV1);
      EXPECT_FALSE(result.ok()) << file << " variant " << v;
      if (!result.ok()) {
        EXPECT_THAT(
            result.status().message(),
            HasSubstr(file == core::ModelBundle::kManifestFile ? "MANIFEST"
                                                               : file))
            << result.status();
      }
      ++variants;
    }
    WriteFile(entry.path().string(), original);
  }
  EXPECT_OK(manager.Reload(kV1).status());
  std::printf("corrupt loop: %d damaged variants refused\n", variants);
}

}  // namespace
}  // namespace shopml::server
