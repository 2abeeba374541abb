// The bundle file a model_file_fuzz input is: its first byte, modulo
// std::size(kModelFiles), indexes kModelFiles. Shared by the fuzz target and
// the seed generator.
#ifndef SHOPML_TESTS_FUZZ_MODEL_FILE_KINDS_H_
#define SHOPML_TESTS_FUZZ_MODEL_FILE_KINDS_H_

#include "core/bundle/bundle.h"

namespace shopml::fuzz {

using core::ModelBundle;
inline constexpr const char* kModelFiles[] = {
    ModelBundle::kManifestFile,       ModelBundle::kPopularityFile,
    ModelBundle::kCooccurrenceFile,   ModelBundle::kBiasBaselineFile,
    ModelBundle::kConversionRateFile, ModelBundle::kImplicitAlsFile,
    ModelBundle::kEaseFile,           ModelBundle::kBiasedMfFile,
    ModelBundle::kUserKnnFile,        ModelBundle::kImplicitAlsHnswFile,
    ModelBundle::kItemSnapshotFile,   ModelBundle::kGbdtFile,
    ModelBundle::kForestFile,         ModelBundle::kMlpFile,
    ModelBundle::kStackedFile,        ModelBundle::kForecastsFile,
};

}  // namespace shopml::fuzz

#endif  // SHOPML_TESTS_FUZZ_MODEL_FILE_KINDS_H_
