// The purchase scorers' files in a bundle: round trip, damage and
// inconsistency caught at load (the server then keeps its previous bundle,
// tests/server/model_manager_test.cc), and Publish refusing a bundle whose
// scorers do not fit together.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/bundle/bundle.h"
#include "core/bundle/manifest_file.h"
#include "core/bundle/scorer_names.h"
#include "core/features/feature_schema.h"
#include "core/util/crc32c.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace shopml::core {
namespace {

namespace fs = std::filesystem;
using ::shopml::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int kItems = 6;

Interactions Shop() {
  Interactions d;
  d.num_users = 3;
  d.num_items = kItems;
  for (uint32_t u = 0; u < 3; ++u) {
    for (uint32_t i = 0; i < kItems; ++i) {
      Interaction e;
      e.user = u;
      e.item = i;
      e.time_micros = 1000000LL * (u * 100 + i);
      e.type = (u + i) % 3 == 0 ? EventType::kPurchase : EventType::kView;
      d.events.push_back(e);
    }
  }
  d.now_micros = 1000000LL * 400;
  return d;
}

// Rows of the real width whose label depends on two columns.
void Rows(FeatureMatrix& x, std::vector<float>& y) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal;
  x.resize(400, kNumFeatures);
  y.resize(400);
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    for (int j = 0; j < kNumFeatures; ++j) x(r, j) = normal(rng);
    y[r] = x(r, 3) + x(r, 7) > 0 ? 1 : 0;
  }
}

ModelBundle MakeBundle(const std::string& version) {
  const Interactions data = Shop();
  ModelBundle b;
  b.manifest.set_version(version);
  b.popularity = PopularityModel::Train(data, {}).value();
  b.cooccurrence = CooccurrenceModel::Train(data, {}).value();
  b.conversion_rate = ConversionRate::Train(data, {}).value();
  b.item_snapshot = ItemSnapshot::Build(data, data.now_micros).value();
  FeatureMatrix x;
  std::vector<float> y;
  Rows(x, y);
  GbdtOptions gbdt;
  gbdt.num_trees = 10;
  b.gbdt = GbdtModel::Train({&x, y}, nullptr, gbdt).value();
  RandomForestOptions forest;
  forest.num_trees = 5;
  b.forest = RandomForest::Train({&x, y}, forest).value();
  MlpOptions mlp;
  mlp.hidden = {4};
  mlp.max_epochs = 3;
  mlp.early_stopping_patience = 0;
  b.mlp = MlpModel::Train({&x, y}, nullptr, mlp).value();
  Eigen::MatrixXf base(x.rows(), 3);
  base.col(0) =
      Eigen::Map<const Eigen::VectorXf>(b.gbdt->Predict(x).data(), x.rows());
  base.col(1) =
      Eigen::Map<const Eigen::VectorXf>(b.forest->Predict(x).data(), x.rows());
  base.col(2) =
      Eigen::Map<const Eigen::VectorXf>(b.mlp->Predict(x).data(), x.rows());
  b.stacked =
      StackedBlend::Fit(
          base, y, {kGbdtScorerName, kForestScorerName, kMlpScorerName}, {})
          .value();
  return b;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Rewrites `file` and fixes its manifest entry, so the damage passes the
// checksum and must be caught by parsing or validation.
void ReplaceWithValidChecksum(const std::string& dir, const std::string& file,
                              const std::string& contents) {
  std::ofstream(dir + "/" + file, std::ios::binary | std::ios::trunc)
      << contents;
  model::v1::Manifest manifest =
      DecodeManifest(Read(dir + "/MANIFEST")).value();
  for (model::v1::FileEntry& entry : *manifest.mutable_files()) {
    if (entry.name() != file) continue;
    entry.set_size(contents.size());
    entry.set_crc32c(Crc32c(contents));
  }
  std::ofstream(dir + "/MANIFEST", std::ios::binary | std::ios::trunc)
      << EncodeManifest(manifest);
}

class BundleScorersTest : public ::testing::Test {
 protected:
  std::string Publish(int n) {
    const std::string version = absl::StrCat("20260101T0000", 10 + n, "Z");
    EXPECT_OK(MakeBundle(version).Publish(dir_.path()));
    return version;
  }
  std::string Dir(const std::string& version) const {
    return dir_.path() + "/" + version;
  }
  ::shopml::testing::TempDir dir_;
};

TEST_F(BundleScorersTest, RoundTripPredictsBitForBit) {
  const ModelBundle made = MakeBundle("20260101T000010Z");
  ASSERT_OK(ModelBundle(made).Publish(dir_.path()));
  ASSERT_OK_AND_ASSIGN(const auto loaded,
                       ModelBundle::Load(dir_.path(), "20260101T000010Z"));
  FeatureMatrix x;
  std::vector<float> y;
  Rows(x, y);
  EXPECT_EQ(loaded->gbdt->Predict(x), made.gbdt->Predict(x));
  EXPECT_EQ(loaded->forest->Predict(x), made.forest->Predict(x));
  EXPECT_EQ(loaded->mlp->Predict(x), made.mlp->Predict(x));
  EXPECT_EQ(loaded->stacked->weights(), made.stacked->weights());
  EXPECT_EQ(loaded->item_snapshot->ToProto().SerializeAsString(),
            made.item_snapshot->ToProto().SerializeAsString());
}

TEST_F(BundleScorersTest, DamagedScorerFilesAreDataLossNamingThem) {
  int n = 0;
  for (const char* file : {ModelBundle::kItemSnapshotFile,
                           ModelBundle::kGbdtFile, ModelBundle::kForestFile,
                           ModelBundle::kMlpFile, ModelBundle::kStackedFile}) {
    for (const bool truncate : {false, true}) {
      const std::string version = Publish(n++);
      const std::string path = Dir(version) + "/" + file;
      std::string bytes = Read(path);
      if (truncate) {
        bytes.resize(bytes.size() / 2);
      } else {
        bytes[bytes.size() / 2] ^= 0x55;
      }
      std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
      EXPECT_THAT(ModelBundle::Load(dir_.path(), version),
                  StatusIs(absl::StatusCode::kDataLoss, HasSubstr(file)))
          << file << (truncate ? " truncated" : " flipped");
    }
  }
}

TEST_F(BundleScorersTest, InconsistentScorersWithValidChecksumsAreDataLoss) {
  const ModelBundle made = MakeBundle("unused");
  model::v1::StackedBlend blend = made.stacked->ToProto();
  blend.set_base_models(2, "xgboost");
  model::v1::GbdtModel gbdt = made.gbdt->ToProto();
  gbdt.set_format_version(1);
  model::v1::ItemSnapshot snapshot = made.item_snapshot->ToProto();
  snapshot.set_feature_names(0, "user_clicks");
  const std::pair<const char*, std::string> cases[] = {
      {ModelBundle::kStackedFile, blend.SerializeAsString()},
      {ModelBundle::kGbdtFile, gbdt.SerializeAsString()},
      {ModelBundle::kItemSnapshotFile, snapshot.SerializeAsString()},
  };
  int n = 0;
  for (const auto& [file, contents] : cases) {
    const std::string version = Publish(n++);
    ReplaceWithValidChecksum(Dir(version), file, contents);
    EXPECT_THAT(ModelBundle::Load(dir_.path(), version),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr(file)))
        << file;
  }
}

TEST_F(BundleScorersTest, PublishRefusesScorersThatDoNotFit) {
  ModelBundle without_snapshot = MakeBundle("20260101T000010Z");
  without_snapshot.item_snapshot.reset();
  EXPECT_THAT(without_snapshot.Publish(dir_.path()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("item_snapshot.pb")));
  ModelBundle without_mlp = MakeBundle("20260101T000011Z");
  without_mlp.mlp.reset();
  EXPECT_THAT(without_mlp.Publish(dir_.path()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("blends \"mlp\"")));
  EXPECT_FALSE(fs::exists(dir_.path() + "/20260101T000011Z"));
}

}  // namespace
}  // namespace shopml::core
