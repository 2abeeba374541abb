#include "client/recommend_model.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace shopml::client {

absl::StatusOr<v1::RecommendModel> ParseRecommendModel(absl::string_view name) {
  static constexpr std::pair<absl::string_view, v1::RecommendModel> kModels[] =
      {{"", v1::RECOMMEND_MODEL_UNSPECIFIED},
       {"popularity", v1::RECOMMEND_MODEL_POPULARITY},
       {"cooccurrence", v1::RECOMMEND_MODEL_COOCCURRENCE},
       {"als", v1::RECOMMEND_MODEL_IMPLICIT_ALS},
       {"ease", v1::RECOMMEND_MODEL_EASE},
       {"user_knn", v1::RECOMMEND_MODEL_USER_KNN}};
  for (const auto& [known, model] : kModels) {
    if (name == known) return model;
  }
  return absl::InvalidArgumentError(absl::StrCat("--model: must be one of ",
                                                 kRecommendModelNames,
                                                 ", got \"", name, "\""));
}

}  // namespace shopml::client
