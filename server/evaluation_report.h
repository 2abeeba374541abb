// Text tables of the offline evaluation (model_evaluation.h) for people: one
// row per model and split for the recommenders, one per model and split for
// the rating models, from the ModelInfo metrics the trainer records.
//
// Thread safety: pure functions.
#ifndef SHOPML_SERVER_EVALUATION_REPORT_H_
#define SHOPML_SERVER_EVALUATION_REPORT_H_

#include <string>

#include "shopml/model/v1/manifest.pb.h"

namespace shopml::server {

// The recommenders' table:
//
//   model          split             HR@10 NDCG@10 Recall@10  MAP@10  users ...
//   popularity     time             0.2190  0.0830    0.1500  0.0610   1457
//
// then the columns coverage (share of users given a list) and catalog (share
// of the catalogue recommended); "-" where a figure is absent. Splits print
// as time, leave_last_out and random_80_20. Then the
// rating models' RMSE and MAE per split. Models or splits without figures are
// left out; an empty string when nothing was measured.
std::string FormatEvaluationTables(const model::v1::Manifest& manifest);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_EVALUATION_REPORT_H_
