// The --model flag of recommend in shopml-cli and shopml-load.
#ifndef SHOPML_CLIENT_RECOMMEND_MODEL_H_
#define SHOPML_CLIENT_RECOMMEND_MODEL_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "shopml/v1/recommendation_service.pb.h"

namespace shopml::client {

// The names the flag accepts, for help texts.
inline constexpr char kRecommendModelNames[] =
    "popularity|cooccurrence|als|ease|user_knn";

// "popularity", "cooccurrence", "als", "ease" or "user_knn" as the request's
// model; "" as RECOMMEND_MODEL_UNSPECIFIED (the server's choice).
// InvalidArgument "--model: ..." for anything else.
absl::StatusOr<v1::RecommendModel> ParseRecommendModel(absl::string_view name);

}  // namespace shopml::client

#endif  // SHOPML_CLIENT_RECOMMEND_MODEL_H_
