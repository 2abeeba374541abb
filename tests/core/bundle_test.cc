#include "core/bundle/bundle.h"

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/bundle/manifest_file.h"
#include "core/util/crc32c.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace shopml::core {
namespace {

namespace fs = std::filesystem;
using ::shopml::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kOld[] = "20260101T000000Z";
constexpr char kNew[] = "20260102T000000Z";

Interaction Event(uint32_t user, uint32_t item, EventType type,
                  float rating = 0) {
  Interaction e;
  e.user = user;
  e.item = item;
  e.type = type;
  e.rating = rating;
  e.time_micros = 1000;
  return e;
}

Interactions SmallShop(bool with_ratings) {
  Interactions data;
  data.num_users = 3;
  data.num_items = 4;
  data.now_micros = 2000;
  data.catalog.category_names = {"shoes", "hats"};
  data.catalog.item_category = {0, 1, 0, Catalog::kNoCategory};
  data.events = {
      Event(0, 0, EventType::kPurchase), Event(0, 1, EventType::kPurchase),
      Event(1, 0, EventType::kView), Event(1, 1, EventType::kPurchase),
      Event(2, 2, EventType::kAddToCart)};
  if (with_ratings) {
    data.events.push_back(Event(0, 0, EventType::kRating, 5));
    data.events.push_back(Event(2, 2, EventType::kRating, 2));
  }
  return data;
}

ImplicitAlsOptions SmallAlsOptions() {
  ImplicitAlsOptions options;
  options.factors = 3;
  options.iterations = 2;
  options.threads = 1;
  return options;
}

BiasedMfOptions SmallMfOptions() {
  BiasedMfOptions options;
  options.num_factors = 2;
  options.max_epochs = 3;
  options.validation_fraction = 0;
  return options;
}

ModelBundle MakeBundle(const std::string& version, bool with_ratings = true,
                       bool with_factor_models = true) {
  const Interactions data = SmallShop(with_ratings);
  ModelBundle bundle;
  bundle.manifest.set_version(version);
  bundle.manifest.set_trained_at(1764338592000000);
  bundle.manifest.mutable_snapshot()->set_num_items(data.num_items);
  model::v1::ModelInfo* info = bundle.manifest.add_models();
  info->set_name("popularity");
  info->set_task("recommend");
  info->set_file(ModelBundle::kPopularityFile);
  (*info->mutable_metrics())["hr_at_10"] = 0.25;
  (*info->mutable_parameters())["half_life_days"] = "14";
  bundle.popularity = PopularityModel::Train(data, {}).value();
  bundle.cooccurrence = CooccurrenceModel::Train(data, {}).value();
  if (with_ratings) {
    bundle.bias_baseline = BiasBaseline::Train(data, {}).value();
  }
  bundle.conversion_rate = ConversionRate::Train(data, {}).value();
  if (with_factor_models) {
    bundle.implicit_als = ImplicitAls::Train(data, SmallAlsOptions()).value();
    bundle.ease = EaseModel::Train(data, {}).value();
    if (with_ratings) {
      bundle.biased_mf = BiasedMf::Train(data, SmallMfOptions()).value();
    }
  }
  bundle.category_names = data.catalog.category_names;
  return bundle;
}

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* root = std::getenv("TEST_TMPDIR");
    std::string pattern = std::string(root != nullptr ? root : "/tmp") +
                          "/shopml_bundle_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    models_ = dir_ + "/models";
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void Publish(const std::string& version, bool with_ratings = true) {
    ModelBundle bundle = MakeBundle(version, with_ratings);
    ASSERT_OK(bundle.Publish(models_));
  }
  std::string File(const std::string& version, const std::string& name) const {
    return models_ + "/" + version + "/" + name;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void Write(const std::string& path, const std::string& contents) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << contents;
  }

  std::string dir_;
  std::string models_;
};

TEST_F(BundleTest, RoundTripIsBitExact) {
  ModelBundle original = MakeBundle(kOld);
  ASSERT_OK(original.Publish(models_));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const ModelBundle> loaded,
                       ModelBundle::Load(models_, kOld));
  EXPECT_EQ(loaded->version(), kOld);
  EXPECT_EQ(loaded->popularity.ToProto().SerializeAsString(),
            original.popularity.ToProto().SerializeAsString());
  EXPECT_EQ(loaded->cooccurrence.ToProto().SerializeAsString(),
            original.cooccurrence.ToProto().SerializeAsString());
  ASSERT_TRUE(loaded->bias_baseline.has_value());
  EXPECT_EQ(loaded->bias_baseline->ToProto().SerializeAsString(),
            original.bias_baseline->ToProto().SerializeAsString());
  EXPECT_EQ(loaded->conversion_rate.ToProto().SerializeAsString(),
            original.conversion_rate.ToProto().SerializeAsString());
  ASSERT_TRUE(loaded->implicit_als.has_value());
  EXPECT_EQ(loaded->implicit_als->ToProto().SerializeAsString(),
            original.implicit_als->ToProto().SerializeAsString());
  EXPECT_EQ(loaded->implicit_als->item_factors(),
            original.implicit_als->item_factors());
  ASSERT_TRUE(loaded->ease.has_value());
  EXPECT_EQ(loaded->ease->ToProto().SerializeAsString(),
            original.ease->ToProto().SerializeAsString());
  ASSERT_TRUE(loaded->biased_mf.has_value());
  EXPECT_EQ(loaded->biased_mf->ToProto().SerializeAsString(),
            original.biased_mf->ToProto().SerializeAsString());
  EXPECT_EQ(loaded->biased_mf->Predict(0, 1),
            original.biased_mf->Predict(0, 1));
  EXPECT_EQ(EncodeManifest(loaded->manifest),
            EncodeManifest(original.manifest));
  EXPECT_THAT(loaded->category_names, ElementsAre("shoes", "hats"));
  EXPECT_EQ(loaded->manifest.models(0).metrics().at("hr_at_10"), 0.25);
}

TEST_F(BundleTest, PublishListsEveryModelFileWithSizeAndChecksum) {
  ModelBundle bundle = MakeBundle(kOld);
  ASSERT_OK(bundle.Publish(models_));
  std::vector<std::string> names;
  for (const model::v1::FileEntry& entry : bundle.manifest.files()) {
    names.push_back(entry.name());
    const std::string contents = Read(File(kOld, entry.name()));
    EXPECT_EQ(contents.size(), entry.size()) << entry.name();
    EXPECT_EQ(Crc32c(contents), entry.crc32c()) << entry.name();
  }
  EXPECT_THAT(names, ElementsAre("popularity.pb", "cooccurrence.pb",
                                 "bias_baseline.pb", "conversion_rate.pb",
                                 "implicit_als.pb", "ease.pb", "biased_mf.pb"));
}

TEST_F(BundleTest, PublishWritesReadableJsonManifest) {
  Publish(kOld);
  const std::string json = Read(File(kOld, "MANIFEST.json"));
  EXPECT_THAT(json, HasSubstr("\"version\": \"20260101T000000Z\""));
  EXPECT_THAT(json, HasSubstr("\"hr_at_10\": 0.25"));
}

TEST_F(BundleTest, PublishLeavesNoTempDirectory) {
  Publish(kOld);
  std::vector<std::string> entries;
  for (const auto& entry : fs::directory_iterator(models_)) {
    entries.push_back(entry.path().filename().string());
  }
  EXPECT_THAT(entries, ElementsAre(kOld));
}

TEST_F(BundleTest, PublishRejectsExistingVersion) {
  Publish(kOld);
  ModelBundle again = MakeBundle(kOld);
  EXPECT_THAT(again.Publish(models_),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(kOld)));
}

TEST_F(BundleTest, PublishRejectsMalformedVersion) {
  for (const char* version : {"", "../escape", ".hidden", "a/b"}) {
    ModelBundle bundle = MakeBundle(version);
    EXPECT_THAT(bundle.Publish(models_),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("manifest.version")))
        << version;
  }
}

TEST_F(BundleTest, PublishRejectsCategoryNamesPopularityDoesNotKnow) {
  ModelBundle bundle = MakeBundle(kOld);
  bundle.category_names.push_back("bags");
  EXPECT_THAT(bundle.Publish(models_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("category_names")));
}

TEST_F(BundleTest, PublishReplacesLeftoverTempDirectory) {
  fs::create_directories(models_ + "/.tmp-" + kOld);
  Write(models_ + "/.tmp-" + kOld + "/popularity.pb", "stale");
  Publish(kOld);
  EXPECT_OK(ModelBundle::Load(models_, kOld).status());
  EXPECT_FALSE(fs::exists(models_ + "/.tmp-" + kOld));
}

TEST_F(BundleTest, BundleWithoutRatingsHasNoBiasBaseline) {
  Publish(kOld, /*with_ratings=*/false);
  EXPECT_FALSE(fs::exists(File(kOld, "bias_baseline.pb")));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const ModelBundle> loaded,
                       ModelBundle::Load(models_, kOld));
  EXPECT_FALSE(loaded->bias_baseline.has_value());
  EXPECT_FALSE(fs::exists(File(kOld, "biased_mf.pb")));
  EXPECT_FALSE(loaded->biased_mf.has_value());
  EXPECT_TRUE(loaded->implicit_als.has_value());
  EXPECT_TRUE(loaded->ease.has_value());
}

TEST_F(BundleTest, BundleWithoutFactorModelsLoadsWithoutThem) {
  ModelBundle bundle = MakeBundle(kOld, /*with_ratings=*/true,
                                  /*with_factor_models=*/false);
  ASSERT_OK(bundle.Publish(models_));
  for (const char* file : {"implicit_als.pb", "ease.pb", "biased_mf.pb"}) {
    EXPECT_FALSE(fs::exists(File(kOld, file))) << file;
  }
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const ModelBundle> loaded,
                       ModelBundle::Load(models_, kOld));
  EXPECT_FALSE(loaded->implicit_als.has_value());
  EXPECT_FALSE(loaded->ease.has_value());
  EXPECT_FALSE(loaded->biased_mf.has_value());
  EXPECT_TRUE(loaded->bias_baseline.has_value());
}

TEST_F(BundleTest, PublishRejectsFactorModelOverAnotherCatalogue) {
  ModelBundle bundle = MakeBundle(kOld);
  Interactions bigger = SmallShop(/*with_ratings=*/false);
  bigger.num_items = 5;
  bigger.catalog.item_category.push_back(Catalog::kNoCategory);
  bundle.implicit_als = ImplicitAls::Train(bigger, SmallAlsOptions()).value();
  EXPECT_THAT(bundle.Publish(models_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("implicit_als.pb: 5 items")));
}

TEST_F(BundleTest, LoadOfAbsentVersionIsNotFound) {
  Publish(kOld);
  EXPECT_THAT(ModelBundle::Load(models_, kNew),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(kNew)));
}

TEST_F(BundleTest, LoadRejectsPathLikeVersion) {
  EXPECT_THAT(
      ModelBundle::Load(models_, "../models"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("version")));
}

// One way of damaging one file of a published bundle, and the file name the
// resulting DataLoss must mention.
struct Damage {
  const char* name;
  const char* file;
  void (*apply)(const std::string& path);
};

void FlipMiddleByte(const std::string& path) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(0, std::ios::end);
  const std::streamoff middle = f.tellg() / 2;
  f.seekg(middle);
  char c = 0;
  f.get(c);
  f.seekp(middle);
  f.put(static_cast<char>(c ^ 0x20));
}

void Truncate(const std::string& path) {
  fs::resize_file(path, fs::file_size(path) - 3);
}

void Delete(const std::string& path) { fs::remove(path); }

void Garbage(const std::string& path) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      << "this is not a manifest";
}

void Empty(const std::string& path) {
  std::ofstream(path, std::ios::binary | std::ios::trunc);
}

TEST_F(BundleTest, EveryDamagedFileIsDataLossNamingIt) {
  const Damage damages[] = {
      {"flip", "popularity.pb", FlipMiddleByte},
      {"flip", "cooccurrence.pb", FlipMiddleByte},
      {"flip", "bias_baseline.pb", FlipMiddleByte},
      {"flip", "conversion_rate.pb", FlipMiddleByte},
      {"flip", "implicit_als.pb", FlipMiddleByte},
      {"flip", "ease.pb", FlipMiddleByte},
      {"flip", "biased_mf.pb", FlipMiddleByte},
      {"truncate", "popularity.pb", Truncate},
      {"truncate", "conversion_rate.pb", Truncate},
      {"truncate", "implicit_als.pb", Truncate},
      {"truncate", "ease.pb", Truncate},
      {"truncate", "biased_mf.pb", Truncate},
      {"delete", "cooccurrence.pb", Delete},
      {"delete", "bias_baseline.pb", Delete},
      {"delete", "implicit_als.pb", Delete},
      {"delete", "ease.pb", Delete},
      {"delete", "biased_mf.pb", Delete},
      {"empty", "ease.pb", Empty},
      {"empty", "popularity.pb", Empty},
      {"flip", "MANIFEST", FlipMiddleByte},
      {"truncate", "MANIFEST", Truncate},
      {"garbage", "MANIFEST", Garbage},
      {"empty", "MANIFEST", Empty},
      {"delete", "MANIFEST", Delete},
  };
  int n = 0;
  for (const Damage& damage : damages) {
    const std::string version = absl::StrCat("20260101T0000", 10 + n++, "Z");
    Publish(version);
    damage.apply(File(version, damage.file));
    EXPECT_THAT(ModelBundle::Load(models_, version),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr(damage.file)))
        << damage.name << " " << damage.file;
  }
}

// Rewrites `file` of a bundle and fixes its manifest entry, so the damage
// passes the checksum and must be caught by parsing or validation.
void ReplaceWithValidChecksum(const std::string& dir, const std::string& file,
                              const std::string& contents) {
  std::ofstream(dir + "/" + file, std::ios::binary | std::ios::trunc)
      << contents;
  std::ifstream in(dir + "/MANIFEST", std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  model::v1::Manifest manifest = DecodeManifest(bytes).value();
  for (model::v1::FileEntry& entry : *manifest.mutable_files()) {
    if (entry.name() != file) continue;
    entry.set_size(contents.size());
    entry.set_crc32c(Crc32c(contents));
  }
  std::ofstream(dir + "/MANIFEST", std::ios::binary | std::ios::trunc)
      << EncodeManifest(manifest);
}

TEST_F(BundleTest, UnparsableFileWithValidChecksumIsDataLoss) {
  int n = 0;
  for (const char* file :
       {"cooccurrence.pb", "implicit_als.pb", "ease.pb", "biased_mf.pb"}) {
    const std::string version = absl::StrCat("20260101T0000", 10 + n++, "Z");
    Publish(version);
    ReplaceWithValidChecksum(models_ + "/" + version, file,
                             std::string("\xff\xff\xff\xff\x0f", 5));
    EXPECT_THAT(ModelBundle::Load(models_, version),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr(file)))
        << file;
  }
}

// Files that parse but that the model's FromProto rejects: the error still
// names the file.
TEST_F(BundleTest, InconsistentFactorModelWithValidChecksumIsDataLoss) {
  ModelBundle bundle = MakeBundle(kOld);
  model::v1::ImplicitAlsModel als = bundle.implicit_als->ToProto();
  als.mutable_item_factors()->mutable_values()->RemoveLast();
  model::v1::EaseModel ease = bundle.ease->ToProto();
  ease.mutable_weights()->set_values(0, 1.0f);  // Nonzero diagonal.
  model::v1::BiasedMfModel mf = bundle.biased_mf->ToProto();
  mf.set_format_version(BiasedMf::kFormatVersion + 1);
  const std::pair<const char*, std::string> cases[] = {
      {"implicit_als.pb", als.SerializeAsString()},
      {"ease.pb", ease.SerializeAsString()},
      {"biased_mf.pb", mf.SerializeAsString()},
  };
  int n = 0;
  for (const auto& [file, contents] : cases) {
    const std::string version = absl::StrCat("20260101T0000", 10 + n++, "Z");
    Publish(version);
    ReplaceWithValidChecksum(models_ + "/" + version, file, contents);
    EXPECT_THAT(ModelBundle::Load(models_, version),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr(file)))
        << file;
  }
}

TEST_F(BundleTest, FactorModelOverAnotherCatalogueIsDataLoss) {
  Publish(kOld);
  Interactions bigger = SmallShop(/*with_ratings=*/false);
  bigger.num_items = 5;
  bigger.catalog.item_category.push_back(Catalog::kNoCategory);
  ReplaceWithValidChecksum(
      models_ + "/" + kOld, "ease.pb",
      EaseModel::Train(bigger, {}).value().ToProto().SerializeAsString());
  EXPECT_THAT(ModelBundle::Load(models_, kOld),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("ease.pb: 5 items, popularity.pb has 4")));
}

TEST_F(BundleTest, EveryByteFlipOfAModelFileFailsCleanly) {
  Publish(kOld);
  const std::string dir = models_ + "/" + kOld;
  const std::string original = Read(dir + "/popularity.pb");
  int rejected = 0;
  for (size_t at = 0; at < original.size(); ++at) {
    std::string damaged = original;
    damaged[at] ^= 0x55;
    ReplaceWithValidChecksum(dir, "popularity.pb", damaged);
    absl::StatusOr<std::shared_ptr<const ModelBundle>> loaded =
        ModelBundle::Load(models_, kOld);
    // Some flips leave a consistent model; none may crash or pass garbage.
    if (!loaded.ok()) {
      ++rejected;
      EXPECT_THAT(loaded, StatusIs(absl::StatusCode::kDataLoss,
                                   HasSubstr("popularity.pb")))
          << "byte " << at;
    }
  }
  EXPECT_GT(rejected, 0);
}

TEST_F(BundleTest, ManifestNamingAnotherVersionIsDataLoss) {
  Publish(kOld);
  fs::rename(models_ + "/" + kOld, models_ + "/" + kNew);
  EXPECT_THAT(ModelBundle::Load(models_, kNew),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(kOld)));
}

TEST_F(BundleTest, ListVersionsIsNewestFirstAndIgnoresTempAndIncomplete) {
  Publish(kOld);
  Publish(kNew);
  fs::create_directories(models_ + "/.tmp-20270101T000000Z");
  Write(models_ + "/.tmp-20270101T000000Z/MANIFEST",
        Read(File(kNew, "MANIFEST")));
  fs::create_directories(models_ + "/20280101T000000Z");  // No MANIFEST.
  Write(models_ + "/20290101T000000Z", "a file, not a bundle");
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> versions,
                       ModelBundle::ListVersions(models_));
  EXPECT_THAT(versions, ElementsAre(kNew, kOld));
}

TEST_F(BundleTest, ListVersionsOfMissingDirectoryIsEmpty) {
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> versions,
                       ModelBundle::ListVersions(models_ + "/nothing"));
  EXPECT_THAT(versions, IsEmpty());
}

TEST_F(BundleTest, LoadNewestSkipsBrokenNewerBundle) {
  Publish(kOld);
  Publish(kNew);
  FlipMiddleByte(File(kNew, "conversion_rate.pb"));
  std::vector<std::string> skipped;
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const ModelBundle> loaded,
                       ModelBundle::LoadNewest(models_, &skipped));
  EXPECT_EQ(loaded->version(), kOld);
  EXPECT_THAT(skipped, ElementsAre(kNew));
}

TEST_F(BundleTest, LoadNewestPrefersNewest) {
  Publish(kOld);
  Publish(kNew);
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<const ModelBundle> loaded,
                       ModelBundle::LoadNewest(models_));
  EXPECT_EQ(loaded->version(), kNew);
}

TEST_F(BundleTest, LoadNewestIsNotFoundWhenNoneVerifies) {
  Publish(kOld);
  Delete(File(kOld, "popularity.pb"));
  EXPECT_THAT(
      ModelBundle::LoadNewest(models_),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("popularity.pb")));
}

TEST(BundleVersionTest, VersionAtIsCompactUtcTimestamp) {
  const absl::Time time = absl::FromCivil(
      absl::CivilSecond(2026, 11, 28, 14, 3, 12), absl::UTCTimeZone());
  EXPECT_EQ(ModelBundle::VersionAt(time), "20261128T140312Z");
  EXPECT_TRUE(ModelBundle::IsValidVersion("20261128T140312Z"));
}

}  // namespace
}  // namespace shopml::core
