// ModelBundle: every model the server answers with, trained together from one
// snapshot of the store and published as one directory, models/<version>/:
//
//   MANIFEST            shopml.model.v1.Manifest, binary protobuf in a
//                       checksummed frame (core/bundle/manifest_file.h)
//   MANIFEST.json       the same, as JSON, for people (never read back)
//   popularity.pb       shopml.model.v1.PopularityModel
//   cooccurrence.pb     shopml.model.v1.CooccurrenceModel
//   bias_baseline.pb    shopml.model.v1.BiasBaseline (absent when no ratings)
//   conversion_rate.pb  shopml.model.v1.ConversionRate
//   implicit_als.pb     shopml.model.v1.ImplicitAlsModel (optional)
//   ease.pb             shopml.model.v1.EaseModel (optional; not trained for
//                       catalogues above EaseOptions::max_items)
//   biased_mf.pb        shopml.model.v1.BiasedMfModel (optional; absent when
//                       no ratings)
//   user_knn.pb         shopml.model.v1.UserKnnModel (optional)
//   implicit_als.hnsw   HNSW graph over implicit_als's item factors, in
//                       HnswIndex's own checksummed format (optional; the
//                       trainer builds it for large catalogues)
//   item_snapshot.pb    shopml.model.v1.ItemSnapshot: the item half of the
//                       purchase scorers' feature rows (with any of them)
//   gbdt.pb             shopml.model.v1.GbdtModel (optional)
//   random_forest.pb    shopml.model.v1.RandomForestModel (optional)
//   mlp.pb              shopml.model.v1.MlpModel (optional)
//   stacked.pb          shopml.model.v1.StackedBlend over the scorers it
//                       names, all of which the bundle holds (optional)
//   forecasts.pb        shopml.model.v1.ForecastModels: the forecasting model
//                       structure chosen for each sales series (optional)
//
// The manifest lists each file with its size and CRC-32C; Load verifies all of
// them before parsing. An optional model is in the bundle exactly when the
// manifest lists its file; bundles written before a model existed simply do
// not list it. Publish writes into models/.tmp-<version>, fsyncs files
// and the directory, then renames it to models/<version>, so a reader never
// sees a partial bundle. Versions are UTC timestamps, "20261128T140312Z", and
// sort by age. Any version name is 1-128 bytes of letters, digits, '.', '_'
// and '-', not starting with '.'; directories starting with '.' (such as
// leftover .tmp-* ones) are never bundles.
//
// Thread safety: immutable after Load; share it as shared_ptr<const
// ModelBundle>.
#ifndef SHOPML_CORE_BUNDLE_BUNDLE_H_
#define SHOPML_CORE_BUNDLE_BUNDLE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/baseline/bias_baseline.h"
#include "core/baseline/conversion_rate.h"
#include "core/baseline/cooccurrence.h"
#include "core/baseline/popularity.h"
#include "core/cf/biased_mf.h"
#include "core/cf/ease.h"
#include "core/cf/implicit_als.h"
#include "core/cf/user_knn.h"
#include "core/ensemble/stacking.h"
#include "core/features/item_snapshot.h"
#include "core/forecast/stored_forecasts.h"
#include "core/index/exact_index.h"
#include "core/index/hnsw_index.h"
#include "core/nn/mlp.h"
#include "core/trees/gbdt.h"
#include "core/trees/random_forest.h"
#include "shopml/model/v1/manifest.pb.h"

namespace shopml::core {

struct ModelBundle {
  model::v1::Manifest
      manifest;  // Version, training time, data sizes, model infos.
  PopularityModel popularity;
  CooccurrenceModel cooccurrence;
  std::optional<BiasBaseline>
      bias_baseline;  // Absent when training saw no rating.
  ConversionRate conversion_rate;
  // The collaborative-filtering models (core/cf). Each is absent when the
  // trainer did not train it; when present, its item ids are popularity's.
  std::optional<ImplicitAls> implicit_als;
  std::optional<EaseModel> ease;
  std::optional<BiasedMf> biased_mf;  // Absent when training saw no rating.
  std::optional<UserKnnModel> user_knn;
  // Exact inner-product index over implicit_als's item factors, built by
  // Load (not stored): retrieval for Recommend. Null without implicit_als.
  std::shared_ptr<const ExactIndex> implicit_als_index;
  // Approximate index over the same item factors, stored in the bundle.
  // Null when the trainer did not build one. Requires implicit_als.
  std::shared_ptr<const HnswIndex> implicit_als_hnsw;
  // The purchase-propensity scorers over core/features rows, and the item
  // snapshot their rows are built with: all absent, or the snapshot and at
  // least one scorer.
  std::optional<ItemSnapshot> item_snapshot;
  std::optional<GbdtModel> gbdt;
  std::optional<RandomForest> forest;
  std::optional<MlpModel> mlp;
  std::optional<StackedBlend> stacked;
  // The per-series forecasting models (absent when the store had no sales).
  std::optional<StoredForecasts> forecasts;
  // Category names in the id order used by popularity's per-category lists.
  std::vector<std::string> category_names;

  const std::string& version() const { return manifest.version(); }
  // Whether the bundle holds the base scorer named `name`
  // (core/bundle/scorer_names.h).
  bool HasScorer(absl::string_view name) const;

  // File names inside a bundle directory.
  static constexpr char kManifestFile[] = "MANIFEST";
  static constexpr char kManifestJsonFile[] = "MANIFEST.json";
  static constexpr char kPopularityFile[] = "popularity.pb";
  static constexpr char kCooccurrenceFile[] = "cooccurrence.pb";
  static constexpr char kBiasBaselineFile[] = "bias_baseline.pb";
  static constexpr char kConversionRateFile[] = "conversion_rate.pb";
  static constexpr char kImplicitAlsFile[] = "implicit_als.pb";
  static constexpr char kEaseFile[] = "ease.pb";
  static constexpr char kBiasedMfFile[] = "biased_mf.pb";
  static constexpr char kUserKnnFile[] = "user_knn.pb";
  static constexpr char kImplicitAlsHnswFile[] = "implicit_als.hnsw";
  static constexpr char kItemSnapshotFile[] = "item_snapshot.pb";
  static constexpr char kGbdtFile[] = "gbdt.pb";
  static constexpr char kForestFile[] = "random_forest.pb";
  static constexpr char kMlpFile[] = "mlp.pb";
  static constexpr char kStackedFile[] = "stacked.pb";
  static constexpr char kForecastsFile[] = "forecasts.pb";
  // Written to and required in Manifest.format_version.
  static constexpr uint32_t kManifestFormatVersion = 1;

  // The version name for a bundle trained at `time`: "20261128T140312Z".
  static std::string VersionAt(absl::Time time);
  // Whether `version` is a well-formed version name (see above).
  static bool IsValidVersion(absl::string_view version);

  // Loads and verifies models/<version>. NotFound when absent;
  // InvalidArgument for a malformed version name; DataLoss naming the file
  // when a file is missing, has the wrong size or checksum, or does not parse,
  // when an optional model covers a different number of items than
  // popularity, or when the manifest names another version.
  static absl::StatusOr<std::shared_ptr<const ModelBundle>> Load(
      const std::string& models_dir, const std::string& version);
  // Version names of the complete bundles (directories with a MANIFEST) under
  // `models_dir`, newest first; empty when the directory does not exist.
  static absl::StatusOr<std::vector<std::string>> ListVersions(
      const std::string& models_dir);
  // Loads the newest bundle that verifies, skipping (and appending the
  // versions of to `skipped`) any that do not. NotFound when none does.
  static absl::StatusOr<std::shared_ptr<const ModelBundle>> LoadNewest(
      const std::string& models_dir,
      std::vector<std::string>* skipped = nullptr);

  // Writes this bundle as models/<manifest.version()> atomically (see above),
  // creating models_dir when needed and replacing a leftover
  // .tmp-<version>; fills the manifest's format_version, category_names (from
  // category_names) and file list, listing the optional models present.
  // InvalidArgument for a malformed version, or when an optional model
  // covers a different number of items than popularity; AlreadyExists when
  // that version exists.
  absl::Status Publish(const std::string& models_dir);
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_BUNDLE_BUNDLE_H_
