// `shopml propensity-table --store=DIR --out=DIR`: exports the purchase-
// propensity table the trainer fits its scoring models on (core/features/
// propensity_table.h) as DIR/train.csv (the older rows) and DIR/test.csv
// (the newer test_fraction), a header of feature names ending in "label"
// and an empty field for a missing value: the shared input of the
// side-by-side benchmarks against xgboost and scikit-learn. The store is
// opened read-only.
#ifndef SHOPML_SERVER_COMMANDS_PROPENSITY_TABLE_COMMAND_H_
#define SHOPML_SERVER_COMMANDS_PROPENSITY_TABLE_COMMAND_H_

#include <string>
#include <vector>

namespace shopml::server {

// `args` are the arguments after "propensity-table". Returns the exit code:
// 0 on success, 1 when reading or writing fails, 2 for bad flags.
int RunPropensityTableCommand(const std::vector<std::string>& args);

}  // namespace shopml::server

#endif  // SHOPML_SERVER_COMMANDS_PROPENSITY_TABLE_COMMAND_H_
