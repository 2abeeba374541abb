#include "core/bundle/bundle.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/bundle/file_util.h"
#include "core/bundle/manifest_file.h"
#include "core/bundle/scorer_names.h"
#include "core/features/feature_schema.h"
#include "core/util/crc32c.h"
#include "core/util/status_macros.h"

namespace shopml::core {
namespace {

namespace fs = std::filesystem;

absl::Status FsError(absl::string_view op, const fs::path& path,
                     const std::error_code& error) {
  return absl::ErrnoToStatus(error.value(),
                             absl::StrCat(op, " ", path.string()));
}

// Serialises `proto` into the bundle directory `dir` as `name` and lists it in
// `manifest`.
absl::Status WriteBundleFile(const fs::path& dir, const std::string& name,
                             const std::string& contents,
                             model::v1::Manifest& manifest) {
  SHOPML_RETURN_IF_ERROR(WriteFileSynced((dir / name).string(), contents));
  model::v1::FileEntry* entry = manifest.add_files();
  entry->set_name(name);
  entry->set_size(contents.size());
  entry->set_crc32c(Crc32c(contents));
  return absl::OkStatus();
}

absl::Status WriteModelFile(const fs::path& dir, const std::string& name,
                            const google::protobuf::MessageLite& proto,
                            model::v1::Manifest& manifest) {
  return WriteBundleFile(dir, name, proto.SerializeAsString(), manifest);
}

// A file name the manifest may list: no path separators, not "." or "..".
bool IsPlainFileName(absl::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find('/') == absl::string_view::npos &&
         name.find('\0') == absl::string_view::npos;
}

// Reads every file the manifest lists and checks its size and CRC before
// anything is parsed. Returns the contents by file name.
absl::StatusOr<absl::flat_hash_map<std::string, std::string>> ReadVerified(
    const fs::path& dir, const model::v1::Manifest& manifest) {
  absl::flat_hash_map<std::string, std::string> files;
  for (const model::v1::FileEntry& entry : manifest.files()) {
    if (!IsPlainFileName(entry.name()) || files.contains(entry.name())) {
      return absl::DataLossError(absl::StrCat(
          "MANIFEST: bad or repeated file name \"", entry.name(), "\""));
    }
    const fs::path path = dir / entry.name();
    std::error_code error;
    const uintmax_t size = fs::file_size(path, error);
    if (error) {
      return absl::DataLossError(
          absl::StrCat(entry.name(), ": cannot read: ", error.message()));
    }
    if (size != entry.size()) {
      return absl::DataLossError(absl::StrCat(
          entry.name(), ": size ", size, ", manifest says ", entry.size()));
    }
    absl::StatusOr<std::string> contents = ReadFileToString(path.string());
    if (!contents.ok()) {
      return absl::DataLossError(absl::StrCat(
          entry.name(), ": cannot read: ", contents.status().message()));
    }
    if (contents->size() != entry.size() ||
        Crc32c(*contents) != entry.crc32c()) {
      return absl::DataLossError(
          absl::StrCat(entry.name(), ": checksum mismatch"));
    }
    files.emplace(entry.name(), *std::move(contents));
  }
  return files;
}

// Parses the verified file `name` as `Proto` and builds the model from it.
template <typename Model, typename Proto>
absl::StatusOr<Model> ParseModel(
    const absl::flat_hash_map<std::string, std::string>& files,
    const std::string& name) {
  auto it = files.find(name);
  if (it == files.end()) {
    return absl::DataLossError(
        absl::StrCat(name, ": missing from the manifest"));
  }
  Proto proto;
  if (!proto.ParseFromString(it->second)) {
    return absl::DataLossError(absl::StrCat(name, ": does not parse"));
  }
  absl::StatusOr<Model> model = Model::FromProto(proto);
  if (!model.ok()) {
    return absl::DataLossError(
        absl::StrCat(name, ": ", model.status().message()));
  }
  return model;
}

// Parses the verified file `name` into `model` when the manifest lists it;
// leaves `model` empty otherwise.
template <typename Model, typename Proto>
absl::Status ParseOptionalModel(
    const absl::flat_hash_map<std::string, std::string>& files,
    const std::string& name, std::optional<Model>& model) {
  model.reset();
  if (!files.contains(name)) return absl::OkStatus();
  SHOPML_ASSIGN_OR_RETURN(model, (ParseModel<Model, Proto>(files, name)));
  return absl::OkStatus();
}

// The serving code indexes every model with popularity's dense item ids, so
// a model over another catalogue would answer for the wrong items.
absl::Status CheckItemCount(const ModelBundle& bundle, absl::StatusCode code) {
  const uint32_t expected = bundle.popularity.num_items();
  auto check = [&](const char* file, uint32_t num_items) {
    if (num_items == expected) return absl::OkStatus();
    return absl::Status(
        code, absl::StrCat(file, ": ", num_items, " items, ",
                           ModelBundle::kPopularityFile, " has ", expected));
  };
  if (bundle.implicit_als.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        check(ModelBundle::kImplicitAlsFile, bundle.implicit_als->num_items()));
  }
  if (bundle.ease.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        check(ModelBundle::kEaseFile, bundle.ease->num_items()));
  }
  if (bundle.biased_mf.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        check(ModelBundle::kBiasedMfFile, bundle.biased_mf->num_items()));
  }
  if (bundle.user_knn.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        check(ModelBundle::kUserKnnFile, bundle.user_knn->num_items()));
  }
  return absl::OkStatus();
}

// The purchase scorers and their item snapshot: parsed when listed, then
// checked to fit together (CheckScoringModels).
absl::Status LoadScoringModels(
    const absl::flat_hash_map<std::string, std::string>& files,
    ModelBundle& bundle) {
  SHOPML_RETURN_IF_ERROR(
      (ParseOptionalModel<ItemSnapshot, model::v1::ItemSnapshot>(
          files, ModelBundle::kItemSnapshotFile, bundle.item_snapshot)));
  SHOPML_RETURN_IF_ERROR((ParseOptionalModel<GbdtModel, model::v1::GbdtModel>(
      files, ModelBundle::kGbdtFile, bundle.gbdt)));
  SHOPML_RETURN_IF_ERROR(
      (ParseOptionalModel<RandomForest, model::v1::RandomForestModel>(
          files, ModelBundle::kForestFile, bundle.forest)));
  SHOPML_RETURN_IF_ERROR((ParseOptionalModel<MlpModel, model::v1::MlpModel>(
      files, ModelBundle::kMlpFile, bundle.mlp)));
  SHOPML_RETURN_IF_ERROR(
      (ParseOptionalModel<StackedBlend, model::v1::StackedBlend>(
          files, ModelBundle::kStackedFile, bundle.stacked)));
  return absl::OkStatus();
}

absl::Status CheckScoringModels(const ModelBundle& bundle,
                                absl::StatusCode code) {
  const bool any_scorer = bundle.gbdt.has_value() ||
                          bundle.forest.has_value() || bundle.mlp.has_value() ||
                          bundle.stacked.has_value();
  if (any_scorer != bundle.item_snapshot.has_value()) {
    return absl::Status(
        code, absl::StrCat(ModelBundle::kItemSnapshotFile,
                           any_scorer ? ": missing beside the purchase scorers"
                                      : ": present without a purchase scorer"));
  }
  if (!any_scorer) return absl::OkStatus();
  if (bundle.item_snapshot->num_items() != bundle.popularity.num_items()) {
    return absl::Status(
        code, absl::StrCat(ModelBundle::kItemSnapshotFile, ": ",
                           bundle.item_snapshot->num_items(), " items, ",
                           ModelBundle::kPopularityFile, " has ",
                           bundle.popularity.num_items()));
  }
  if (bundle.gbdt.has_value() && bundle.gbdt->loss() != GbdtLoss::kLogistic) {
    return absl::Status(code, absl::StrCat(ModelBundle::kGbdtFile,
                                           ": a purchase scorer must use the "
                                           "logistic loss"));
  }
  if (bundle.stacked.has_value() &&
      bundle.stacked->loss() != StackingLoss::kLogistic) {
    return absl::Status(code, absl::StrCat(ModelBundle::kStackedFile,
                                           ": a purchase blend must use the "
                                           "logistic loss"));
  }
  if (bundle.gbdt.has_value() && bundle.gbdt->num_features() != kNumFeatures) {
    return absl::Status(
        code,
        absl::StrCat(ModelBundle::kGbdtFile, ": ", bundle.gbdt->num_features(),
                     " features, rows have ", kNumFeatures));
  }
  if (bundle.forest.has_value() &&
      bundle.forest->num_features() != kNumFeatures) {
    return absl::Status(code,
                        absl::StrCat(ModelBundle::kForestFile, ": ",
                                     bundle.forest->num_features(),
                                     " features, rows have ", kNumFeatures));
  }
  if (bundle.mlp.has_value() &&
      (bundle.mlp->num_features() != kNumFeatures ||
       bundle.mlp->num_outputs() != 1 ||
       bundle.mlp->loss() != MlpLoss::kBinaryCrossEntropy)) {
    return absl::Status(
        code,
        absl::StrCat(ModelBundle::kMlpFile, ": ", bundle.mlp->num_features(),
                     " features and ", bundle.mlp->num_outputs(),
                     " outputs; a purchase scorer reads ", kNumFeatures,
                     " and predicts one probability"));
  }
  if (bundle.stacked.has_value()) {
    for (const std::string& name : bundle.stacked->names()) {
      if (!bundle.HasScorer(name)) {
        return absl::Status(
            code, absl::StrCat(ModelBundle::kStackedFile, ": blends \"", name,
                               "\", which the bundle does not hold"));
      }
    }
  }
  return absl::OkStatus();
}

// The HNSW graph of implicit_als.hnsw, which must index exactly ALS's item
// factors' shape.
absl::Status LoadHnsw(
    const absl::flat_hash_map<std::string, std::string>& files,
    ModelBundle& bundle) {
  auto it = files.find(ModelBundle::kImplicitAlsHnswFile);
  if (it == files.end()) return absl::OkStatus();
  const char* name = ModelBundle::kImplicitAlsHnswFile;
  if (!bundle.implicit_als.has_value()) {
    return absl::DataLossError(
        absl::StrCat(name, ": listed without ", ModelBundle::kImplicitAlsFile));
  }
  absl::StatusOr<std::unique_ptr<HnswIndex>> index =
      HnswIndex::Load(it->second);
  if (!index.ok()) {
    return absl::DataLossError(
        absl::StrCat(name, ": ", index.status().message()));
  }
  const RowMatrixXf& factors = bundle.implicit_als->item_factors();
  if ((*index)->num_items() != factors.rows() ||
      (*index)->dim() != factors.cols()) {
    return absl::DataLossError(
        absl::StrCat(name, ": ", (*index)->num_items(), " x ", (*index)->dim(),
                     " vectors, the item factors are ", factors.rows(), " x ",
                     factors.cols()));
  }
  bundle.implicit_als_hnsw = *std::move(index);
  return absl::OkStatus();
}

}  // namespace

bool ModelBundle::HasScorer(absl::string_view name) const {
  if (name == kGbdtScorerName) return gbdt.has_value();
  if (name == kForestScorerName) return forest.has_value();
  if (name == kMlpScorerName) return mlp.has_value();
  return false;
}

std::string ModelBundle::VersionAt(absl::Time time) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", time, absl::UTCTimeZone());
}

bool ModelBundle::IsValidVersion(absl::string_view version) {
  if (version.empty() || version.size() > 128 || version[0] == '.') {
    return false;
  }
  return std::all_of(version.begin(), version.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
           c == '_' || c == '-';
  });
}

absl::StatusOr<std::shared_ptr<const ModelBundle>> ModelBundle::Load(
    const std::string& models_dir, const std::string& version) {
  if (!IsValidVersion(version)) {
    return absl::InvalidArgumentError(
        absl::StrCat("version: \"", version, "\" is not a bundle version"));
  }
  const fs::path dir = fs::path(models_dir) / version;
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(
        absl::StrCat("no bundle ", version, " in ", models_dir));
  }
  absl::StatusOr<std::string> manifest_bytes =
      ReadFileToString((dir / kManifestFile).string());
  if (!manifest_bytes.ok()) {
    return absl::DataLossError(absl::StrCat(
        kManifestFile, ": cannot read: ", manifest_bytes.status().message()));
  }
  auto bundle = std::make_shared<ModelBundle>();
  SHOPML_ASSIGN_OR_RETURN(bundle->manifest, DecodeManifest(*manifest_bytes));
  const model::v1::Manifest& manifest = bundle->manifest;
  if (manifest.format_version() != kManifestFormatVersion) {
    return absl::DataLossError(absl::StrCat("MANIFEST: unknown format_version ",
                                            manifest.format_version()));
  }
  if (manifest.version() != version) {
    return absl::DataLossError(absl::StrCat("MANIFEST: names version \"",
                                            manifest.version(),
                                            "\", directory is ", version));
  }
  SHOPML_ASSIGN_OR_RETURN(auto files, ReadVerified(dir, manifest));
  SHOPML_ASSIGN_OR_RETURN(
      bundle->popularity,
      (ParseModel<PopularityModel, model::v1::PopularityModel>(
          files, kPopularityFile)));
  SHOPML_ASSIGN_OR_RETURN(
      bundle->cooccurrence,
      (ParseModel<CooccurrenceModel, model::v1::CooccurrenceModel>(
          files, kCooccurrenceFile)));
  SHOPML_ASSIGN_OR_RETURN(
      bundle->conversion_rate,
      (ParseModel<ConversionRate, model::v1::ConversionRate>(
          files, kConversionRateFile)));
  if (files.contains(kBiasBaselineFile)) {
    SHOPML_ASSIGN_OR_RETURN(bundle->bias_baseline,
                            (ParseModel<BiasBaseline, model::v1::BiasBaseline>(
                                files, kBiasBaselineFile)));
  }
  SHOPML_RETURN_IF_ERROR(
      (ParseOptionalModel<ImplicitAls, model::v1::ImplicitAlsModel>(
          files, kImplicitAlsFile, bundle->implicit_als)));
  SHOPML_RETURN_IF_ERROR((ParseOptionalModel<EaseModel, model::v1::EaseModel>(
      files, kEaseFile, bundle->ease)));
  SHOPML_RETURN_IF_ERROR(
      (ParseOptionalModel<BiasedMf, model::v1::BiasedMfModel>(
          files, kBiasedMfFile, bundle->biased_mf)));
  SHOPML_RETURN_IF_ERROR(
      (ParseOptionalModel<UserKnnModel, model::v1::UserKnnModel>(
          files, kUserKnnFile, bundle->user_knn)));
  SHOPML_RETURN_IF_ERROR(CheckItemCount(*bundle, absl::StatusCode::kDataLoss));
  if (bundle->implicit_als.has_value()) {
    absl::StatusOr<std::unique_ptr<ExactIndex>> index =
        ExactIndex::Build(bundle->implicit_als->item_factors());
    if (!index.ok()) {
      return absl::Status(index.status().code(),
                          absl::StrCat(kImplicitAlsFile, ": item index: ",
                                       index.status().message()));
    }
    bundle->implicit_als_index = *std::move(index);
  }
  SHOPML_RETURN_IF_ERROR(LoadHnsw(files, *bundle));
  SHOPML_RETURN_IF_ERROR(LoadScoringModels(files, *bundle));
  SHOPML_RETURN_IF_ERROR(
      (ParseOptionalModel<StoredForecasts, model::v1::ForecastModels>(
          files, ModelBundle::kForecastsFile, bundle->forecasts)));
  SHOPML_RETURN_IF_ERROR(
      CheckScoringModels(*bundle, absl::StatusCode::kDataLoss));
  if (bundle->popularity.num_categories() !=
      static_cast<uint32_t>(manifest.category_names_size())) {
    return absl::DataLossError(absl::StrCat(
        kPopularityFile, ": ", bundle->popularity.num_categories(),
        " categories, manifest names ", manifest.category_names_size()));
  }
  bundle->category_names.assign(manifest.category_names().begin(),
                                manifest.category_names().end());
  return std::shared_ptr<const ModelBundle>(std::move(bundle));
}

absl::StatusOr<std::vector<std::string>> ModelBundle::ListVersions(
    const std::string& models_dir) {
  std::vector<std::string> versions;
  std::error_code error;
  if (!fs::exists(models_dir, error)) return versions;
  fs::directory_iterator it(models_dir, error);
  if (error) return FsError("list", models_dir, error);
  for (; it != fs::directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    std::error_code ignored;
    if (IsValidVersion(name) && it->is_directory(ignored) &&
        fs::is_regular_file(it->path() / kManifestFile, ignored)) {
      versions.push_back(name);
    }
  }
  if (error) return FsError("list", models_dir, error);
  std::sort(versions.begin(), versions.end(), std::greater<>());
  return versions;
}

absl::StatusOr<std::shared_ptr<const ModelBundle>> ModelBundle::LoadNewest(
    const std::string& models_dir, std::vector<std::string>* skipped) {
  SHOPML_ASSIGN_OR_RETURN(std::vector<std::string> versions,
                          ListVersions(models_dir));
  std::vector<std::string> failures;
  for (const std::string& version : versions) {
    absl::StatusOr<std::shared_ptr<const ModelBundle>> bundle =
        Load(models_dir, version);
    if (bundle.ok()) return bundle;
    failures.push_back(absl::StrCat(version, ": ", bundle.status().message()));
    if (skipped != nullptr) skipped->push_back(version);
  }
  return absl::NotFoundError(
      failures.empty()
          ? absl::StrCat("no model bundle in ", models_dir)
          : absl::StrCat("no valid model bundle in ", models_dir, " (",
                         absl::StrJoin(failures, "; "), ")"));
}

absl::Status ModelBundle::Publish(const std::string& models_dir) {
  const std::string& version = manifest.version();
  if (!IsValidVersion(version)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "manifest.version: \"", version,
        "\" must be 1-128 bytes of letters, digits, '.', '_', '-', not "
        "starting with '.'"));
  }
  if (implicit_als_hnsw != nullptr &&
      (!implicit_als.has_value() ||
       implicit_als_hnsw->num_items() !=
           static_cast<int64_t>(implicit_als->num_items()))) {
    return absl::InvalidArgumentError(
        "implicit_als_hnsw: must index implicit_als's item factors");
  }
  if (popularity.num_categories() != category_names.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("category_names: ", category_names.size(),
                     " names, but popularity was trained with ",
                     popularity.num_categories(), " categories"));
  }
  SHOPML_RETURN_IF_ERROR(
      CheckItemCount(*this, absl::StatusCode::kInvalidArgument));
  SHOPML_RETURN_IF_ERROR(
      CheckScoringModels(*this, absl::StatusCode::kInvalidArgument));
  const fs::path root(models_dir);
  const fs::path final_dir = root / version;
  const fs::path tmp_dir = root / absl::StrCat(".tmp-", version);
  std::error_code error;
  fs::create_directories(root, error);
  if (error) return FsError("create", root, error);
  if (fs::exists(final_dir, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat("bundle ", version, " already exists in ", models_dir));
  }
  fs::remove_all(tmp_dir, error);
  if (error) return FsError("remove", tmp_dir, error);
  fs::create_directory(tmp_dir, error);
  if (error) return FsError("create", tmp_dir, error);

  model::v1::Manifest written = manifest;
  written.set_format_version(kManifestFormatVersion);
  written.clear_category_names();
  for (const std::string& name : category_names) {
    written.add_category_names(name);
  }
  written.clear_files();
  SHOPML_RETURN_IF_ERROR(
      WriteModelFile(tmp_dir, kPopularityFile, popularity.ToProto(), written));
  SHOPML_RETURN_IF_ERROR(WriteModelFile(tmp_dir, kCooccurrenceFile,
                                        cooccurrence.ToProto(), written));
  if (bias_baseline.has_value()) {
    SHOPML_RETURN_IF_ERROR(WriteModelFile(tmp_dir, kBiasBaselineFile,
                                          bias_baseline->ToProto(), written));
  }
  SHOPML_RETURN_IF_ERROR(WriteModelFile(tmp_dir, kConversionRateFile,
                                        conversion_rate.ToProto(), written));
  if (implicit_als.has_value()) {
    SHOPML_RETURN_IF_ERROR(WriteModelFile(tmp_dir, kImplicitAlsFile,
                                          implicit_als->ToProto(), written));
  }
  if (ease.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        WriteModelFile(tmp_dir, kEaseFile, ease->ToProto(), written));
  }
  if (biased_mf.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        WriteModelFile(tmp_dir, kBiasedMfFile, biased_mf->ToProto(), written));
  }
  if (user_knn.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        WriteModelFile(tmp_dir, kUserKnnFile, user_knn->ToProto(), written));
  }
  if (implicit_als_hnsw != nullptr) {
    SHOPML_RETURN_IF_ERROR(WriteBundleFile(tmp_dir, kImplicitAlsHnswFile,
                                           implicit_als_hnsw->Serialize(),
                                           written));
  }
  if (item_snapshot.has_value()) {
    SHOPML_RETURN_IF_ERROR(WriteModelFile(tmp_dir, kItemSnapshotFile,
                                          item_snapshot->ToProto(), written));
  }
  if (gbdt.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        WriteModelFile(tmp_dir, kGbdtFile, gbdt->ToProto(), written));
  }
  if (forest.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        WriteModelFile(tmp_dir, kForestFile, forest->ToProto(), written));
  }
  if (mlp.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        WriteModelFile(tmp_dir, kMlpFile, mlp->ToProto(), written));
  }
  if (stacked.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        WriteModelFile(tmp_dir, kStackedFile, stacked->ToProto(), written));
  }
  if (forecasts.has_value()) {
    SHOPML_RETURN_IF_ERROR(
        WriteModelFile(tmp_dir, kForecastsFile, forecasts->ToProto(), written));
  }
  SHOPML_ASSIGN_OR_RETURN(const std::string json, ManifestToJson(written));
  SHOPML_RETURN_IF_ERROR(
      WriteFileSynced((tmp_dir / kManifestJsonFile).string(), json));
  SHOPML_RETURN_IF_ERROR(WriteFileSynced((tmp_dir / kManifestFile).string(),
                                         EncodeManifest(written)));
  SHOPML_RETURN_IF_ERROR(SyncDirectory(tmp_dir.string()));
  fs::rename(tmp_dir, final_dir, error);
  if (error) return FsError("rename", tmp_dir, error);
  SHOPML_RETURN_IF_ERROR(SyncDirectory(root.string()));
  manifest = std::move(written);
  return absl::OkStatus();
}

}  // namespace shopml::core
