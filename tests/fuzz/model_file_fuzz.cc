// Fuzz target: every model-file loader of a bundle (core/bundle/bundle.h).
// The first byte picks the file (model_file_kinds.h); the rest is its
// contents, as ModelBundle::Load reads them after the checksum check. A loader
// must return an error or a model that answers queries without touching memory
// it does not own; the fuzz script's -malloc_limit_mb catches size fields that
// make a loader allocate far beyond the input.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/bundle/bundle.h"
#include "core/bundle/manifest_file.h"
#include "core/features/feature_matrix.h"
#include "core/forecast/model_choice.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/model_file_kinds.h"

namespace shopml::fuzz {
namespace {

// Probes: the first and last few ids of a model's range, so queries stay cheap
// on large (fuzzed) models.
std::vector<uint32_t> ProbeIds(uint32_t count) {
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < count && i < 4; ++i) ids.push_back(i);
  for (uint32_t i = count > 8 ? count - 4 : 4; i < count; ++i) ids.push_back(i);
  ids.push_back(count);  // One past the end: documented as unknown.
  return ids;
}

void Exercise(const core::PopularityModel& model) {
  for (uint32_t item : model.Ranked()) {
    Check(item < model.num_items(), "popularity: ranked id out of range");
  }
  for (uint32_t c = 0; c < model.num_categories() && c < 8; ++c) {
    for (uint32_t item : model.RankedInCategory(static_cast<int32_t>(c))) {
      Check(item < model.num_items(), "popularity: category id out of range");
    }
  }
  for (uint32_t item : ProbeIds(model.num_items())) model.Score(item);
}

void Exercise(const core::CooccurrenceModel& model) {
  for (uint32_t item : ProbeIds(model.num_items())) {
    for (const core::Neighbor& n : model.Neighbors(item)) {
      Check(n.item < model.num_items(), "cooccurrence: neighbour out of range");
    }
  }
}

void Exercise(const core::BiasBaseline& model) {
  for (uint32_t id : ProbeIds(model.num_items())) model.Predict(id, id);
  model.Predict(std::nullopt, std::nullopt);
}

void Exercise(const core::ConversionRate& model) {
  for (uint32_t item : ProbeIds(model.num_items())) model.Predict(item);
}

void Exercise(const core::ImplicitAls& model) {
  if (model.num_users() == 0 || model.num_items() == 0) return;
  model.Score(0, 0);
  model.Score(model.num_users() - 1, model.num_items() - 1);
  std::vector<core::ItemWeight> history;
  for (uint32_t item : ProbeIds(model.num_items())) {
    if (item < model.num_items()) history.push_back({item, 1});
  }
  model.FoldInUser(history).IgnoreError();  // Any verdict; no crash.
}

// History over probe items, for the models that score a user's history.
std::vector<core::ItemWeight> ProbeHistory(uint32_t num_items) {
  std::vector<core::ItemWeight> history;
  for (uint32_t item : ProbeIds(num_items)) {
    if (item < num_items) history.push_back({item, 1});
  }
  return history;
}

void Exercise(const core::EaseModel& model) {
  absl::StatusOr<std::vector<core::ScoredItem>> top =
      model.TopK(ProbeHistory(model.num_items()), 5);
  CheckOk(top.status(), "ease: TopK");
  for (const core::ScoredItem& s : *top) {
    Check(s.item < model.num_items(), "ease: result out of range");
  }
}

void Exercise(const core::BiasedMf& model) {
  for (uint32_t id : ProbeIds(model.num_items())) model.Predict(id, id);
}

void Exercise(const core::UserKnnModel& model) {
  absl::StatusOr<std::vector<core::ScoredItem>> top =
      model.TopK(ProbeHistory(model.num_items()), 5);
  CheckOk(top.status(), "user_knn: TopK");
  for (const core::ScoredItem& s : *top) {
    Check(s.item < model.num_items(), "user_knn: result out of range");
  }
  if (model.num_users() > 0) model.Profile(model.num_users() - 1);
}

void Exercise(const core::HnswIndex& index) {
  if (index.num_items() == 0) return;
  const std::vector<float> query(index.dim(), 1.0f);
  absl::StatusOr<std::vector<core::ScoredItem>> top = index.Search(query, 5);
  CheckOk(top.status(), "hnsw: Search");
  for (const core::ScoredItem& s : *top) {
    Check(s.item < index.num_items(), "hnsw: result out of range");
  }
}

void Exercise(const core::ItemSnapshot& snapshot) {
  for (uint32_t item : ProbeIds(snapshot.num_items())) {
    if (!snapshot.has(item)) continue;
    snapshot.views_30d(item);
    snapshot.mean_rating(item);
    snapshot.category(item);
  }
}

// The purchase scorers: one row of zeros and one of ones.
template <typename Model>
void ExerciseScorer(const Model& model) {
  if (model.num_features() <= 0 || model.num_features() > 4096) return;
  core::FeatureMatrix x(2, model.num_features());
  x.row(0).setZero();
  x.row(1).setOnes();
  Check(model.Predict(x).size() == 2, "scorer: one prediction per row");
}

void Exercise(const core::GbdtModel& model) {
  ExerciseScorer(model);
  if (model.num_features() > 0 && model.num_features() <= 4096) {
    core::FeatureMatrix x = core::FeatureMatrix::Zero(1, model.num_features());
    model.Contributions(x);
  }
}
void Exercise(const core::RandomForest& model) { ExerciseScorer(model); }
void Exercise(const core::MlpModel& model) { ExerciseScorer(model); }

void Exercise(const core::StackedBlend& blend) {
  const std::vector<float> base(blend.num_models(), 0.5f);
  blend.Combine(base);
}

// The first stored model forecasts a short synthetic series, as the Forecast
// RPC does with a bundle's choice.
void Exercise(const core::StoredForecasts& forecasts,
              const model::v1::ForecastModels& proto) {
  if (proto.series_size() == 0) return;
  const model::v1::SeriesForecastModel& first = proto.series(0);
  absl::StatusOr<core::Frequency> frequency =
      core::ParseFrequencyName(first.frequency());
  if (!frequency.ok()) return;
  const core::StoredForecast* stored =
      forecasts.Find(first.series_id(), *frequency);
  if (stored == nullptr) return;
  std::vector<double> history(56);
  for (size_t t = 0; t < history.size(); ++t) {
    history[t] = 10 + 3 * std::sin(static_cast<double>(t)) + t % 7;
  }
  core::ForecastSpec spec;
  spec.horizon = 7;
  spec.levels = {80, 95};
  core::ForecastWithChoice(history, stored->model, spec).IgnoreError();
  core::FromStored(*stored);
}

template <typename Model, typename Proto>
void LoadModel(absl::string_view bytes) {
  Proto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return;
  }
  absl::StatusOr<Model> model = Model::FromProto(proto);
  if (!model.ok()) return;
  // What a loader accepts it must write back and accept again.
  absl::StatusOr<Model> again = Model::FromProto(model->ToProto());
  CheckOk(again.status(), "reloading a saved model");
  if constexpr (std::is_same_v<Model, core::StoredForecasts>) {
    Exercise(*model, proto);
  } else {
    Exercise(*model);
  }
}

void LoadHnsw(absl::string_view bytes) {
  absl::StatusOr<std::unique_ptr<core::HnswIndex>> index =
      core::HnswIndex::Load(bytes);
  if (!index.ok()) return;
  Exercise(**index);
  CheckOk(core::HnswIndex::Load((*index)->Serialize()).status(),
          "reloading a saved HNSW index");
}

void LoadManifest(absl::string_view bytes) {
  absl::StatusOr<model::v1::Manifest> manifest = core::DecodeManifest(bytes);
  if (!manifest.ok()) {
    Check(manifest.status().code() == absl::StatusCode::kDataLoss,
          "a bad MANIFEST must be DataLoss");
    return;
  }
  CheckOk(core::DecodeManifest(core::EncodeManifest(*manifest)).status(),
          "re-reading an encoded MANIFEST");
}

void LoadFile(absl::string_view name, absl::string_view bytes) {
  namespace m = model::v1;
  using B = core::ModelBundle;
  if (name == B::kManifestFile) return LoadManifest(bytes);
  if (name == B::kImplicitAlsHnswFile) return LoadHnsw(bytes);
  if (name == B::kPopularityFile) {
    return LoadModel<core::PopularityModel, m::PopularityModel>(bytes);
  }
  if (name == B::kCooccurrenceFile) {
    return LoadModel<core::CooccurrenceModel, m::CooccurrenceModel>(bytes);
  }
  if (name == B::kBiasBaselineFile) {
    return LoadModel<core::BiasBaseline, m::BiasBaseline>(bytes);
  }
  if (name == B::kConversionRateFile) {
    return LoadModel<core::ConversionRate, m::ConversionRate>(bytes);
  }
  if (name == B::kImplicitAlsFile) {
    return LoadModel<core::ImplicitAls, m::ImplicitAlsModel>(bytes);
  }
  if (name == B::kEaseFile) {
    return LoadModel<core::EaseModel, m::EaseModel>(bytes);
  }
  if (name == B::kBiasedMfFile) {
    return LoadModel<core::BiasedMf, m::BiasedMfModel>(bytes);
  }
  if (name == B::kUserKnnFile) {
    return LoadModel<core::UserKnnModel, m::UserKnnModel>(bytes);
  }
  if (name == B::kItemSnapshotFile) {
    return LoadModel<core::ItemSnapshot, m::ItemSnapshot>(bytes);
  }
  if (name == B::kGbdtFile) {
    return LoadModel<core::GbdtModel, m::GbdtModel>(bytes);
  }
  if (name == B::kForestFile) {
    return LoadModel<core::RandomForest, m::RandomForestModel>(bytes);
  }
  if (name == B::kMlpFile) return LoadModel<core::MlpModel, m::MlpModel>(bytes);
  if (name == B::kStackedFile) {
    return LoadModel<core::StackedBlend, m::StackedBlend>(bytes);
  }
  if (name == B::kForecastsFile) {
    return LoadModel<core::StoredForecasts, m::ForecastModels>(bytes);
  }
  Check(false, "model_file_kinds.h names a file LoadFile does not know");
}

}  // namespace
}  // namespace shopml::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const shopml::fuzz::SelectedInput input = shopml::fuzz::Select(data, size);
  shopml::fuzz::LoadFile(
      shopml::fuzz::kModelFiles[input.selector %
                                std::size(shopml::fuzz::kModelFiles)],
      input.payload);
  return 0;
}
