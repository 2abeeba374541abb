// ModelBundle: every model the server answers with, trained together from one
// snapshot of the store and published as one directory, models/<version>/:
//
//   MANIFEST            shopml.model.v1.Manifest, binary protobuf
//   MANIFEST.json       the same, as JSON, for people
//   popularity.pb       shopml.model.v1.PopularityModel
//   cooccurrence.pb     shopml.model.v1.CooccurrenceModel
//   bias_baseline.pb    shopml.model.v1.BiasBaseline (absent when no ratings)
//   conversion_rate.pb  shopml.model.v1.ConversionRate
//
// The manifest lists each file with its size and CRC-32C; Load verifies all of
// them before parsing. Publish writes into models/.tmp-<version>, fsyncs files
// and the directory, then renames it to models/<version>, so a reader never
// sees a partial bundle. Versions are UTC timestamps, "20261128T140312Z", and
// sort by age.
//
// Thread safety: immutable after Load; share it as shared_ptr<const
// ModelBundle>.
#ifndef SHOPML_CORE_BUNDLE_BUNDLE_H_
#define SHOPML_CORE_BUNDLE_BUNDLE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/baseline/bias_baseline.h"
#include "core/baseline/conversion_rate.h"
#include "core/baseline/cooccurrence.h"
#include "core/baseline/popularity.h"
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
  // Category names in the id order used by popularity's per-category lists.
  std::vector<std::string> category_names;

  const std::string& version() const { return manifest.version(); }

  // Loads and verifies models/<version>. NotFound when absent; DataLoss when a
  // file is missing, has the wrong size or checksum, or does not parse.
  static absl::StatusOr<std::shared_ptr<const ModelBundle>> Load(
      const std::string& models_dir, const std::string& version);
  // Version names of the complete bundles under `models_dir`, newest first.
  static absl::StatusOr<std::vector<std::string>> ListVersions(
      const std::string& models_dir);
  // Loads the newest bundle that verifies, skipping (and reporting in
  // `skipped`) any that do not. NotFound when none does.
  static absl::StatusOr<std::shared_ptr<const ModelBundle>> LoadNewest(
      const std::string& models_dir,
      std::vector<std::string>* skipped = nullptr);

  // Writes this bundle as models/<manifest.version()> atomically (see above);
  // fills the manifest's file list. AlreadyExists when that version exists.
  absl::Status Publish(const std::string& models_dir);
};

}  // namespace shopml::core

#endif  // SHOPML_CORE_BUNDLE_BUNDLE_H_
